"""Le marché de l'inclusion's public API (`/api/siae/`): a saved response, or pages fetched by clients.py."""

from dentelle.siaes.importers.lemarche import lemarche_record
from dentelle.siaes.importers.records import SourceFileError, read_json


def read_lemarche_api_payload(payload, report, data_date, path="API"):
    """Le marché's public API `/api/siae/` list: a page {count, next, results} or a list of pages."""
    is_pages = (
        isinstance(payload, list) and payload and isinstance(payload[0], dict) and "results" in payload[0]
    )
    pages = payload if is_pages else [payload]
    line = 0
    for page in pages:
        results = page.get("results") if isinstance(page, dict) else page
        if not isinstance(results, list):
            raise SourceFileError(f"{path} : réponse de l'API sans « results »")
        for item in results:
            line += 1
            if not isinstance(item, dict):
                report.error(line, "results", "structure attendue (objet JSON {…})")
                continue
            data = dict(item)
            data["pk"] = item.get("id")
            record = lemarche_record(report, line, data, data_date)
            if record:
                yield record


def read_lemarche_api(path, report, data_date):
    yield from read_lemarche_api_payload(read_json(path), report, data_date, path)
