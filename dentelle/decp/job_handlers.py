"""The DECP job: a retrospective analysis of a DECP file sent through the page."""

import re
import tempfile
from pathlib import Path

from django.urls import reverse

from dentelle.core.formatting import format_number
from dentelle.core.logs import log_export
from dentelle.decp import retro_report
from dentelle.decp.readers import DecpFileError
from dentelle.decp.services import retrospective_file
from dentelle.jobs.handlers import EXPORT_TYPES, handles
from dentelle.jobs.models import JobKind
from dentelle.jobs.services import JobError, input_of, store_output

DECP_SUFFIXES = (".json.gz", ".csv.gz", ".json", ".csv", ".gz", ".parquet")


@handles(JobKind.DECP_ANALYSIS)
def decp_analysis(job, progress):
    """`dentelle decp analyse FILE --out report.xlsx` for a file sent through the DECP page."""
    if job.created_by is None or not job.created_by.is_active:
        raise JobError("Le compte qui a demandé ce travail n'existe plus ou est désactivé.")
    name, data = input_of(job)
    suffix = next((s for s in DECP_SUFFIXES if name.lower().endswith(s)), "")
    progress.step(f"Lecture, balayage et agrégats de {name}")
    with tempfile.TemporaryDirectory(prefix="dentelle_decp_") as folder:
        path = Path(folder) / f"fichier{suffix}"  # the readers know a format by its suffix
        path.write_bytes(data)
        try:
            result = retrospective_file(
                path, region=job.params.get("region") or None, buyer=job.params.get("buyer") or None
            )
        except DecpFileError as exc:
            raise JobError(str(exc).replace(path.name, name)) from None
    progress.step("Écriture de la rétrospective (XLSX)")
    stem = re.sub(r"[^\w.-]+", "-", name.split(".")[0], flags=re.ASCII).strip("-") or "decp"
    store_output(job, f"retrospective-{stem}.xlsx", retro_report.workbook(result), EXPORT_TYPES["xlsx"])
    log_export(job.created_by, "retrospective", result.table.height, "xlsx", job=job.pk)
    contracts, problems = format_number(result.table.height), format_number(result.problems.total)
    return {
        "message": f"Analyse terminée : {contracts} marchés lus, {problems} anomalie(s) signalée(s) ; "
        "la rétrospective (XLSX) est prête.",
        "url": reverse("jobs:download", args=[job.pk]),
        "lines": [line for line in retro_report.lines(result) if line][:80],
    }
