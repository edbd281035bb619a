"""Streaming readers of the DECP (données essentielles de la commande publique).

One entry point, ``iter_decp(source, problems=None)``, reads any of:

- DECP v1 JSON ``{"marches": [...]}`` (2016-2023 format), plain or gzip;
- DECP v2 JSON ``{"marches": {"marche": [...], "contrat-concession": [...]}}`` (2024 format), plain or gzip;
- the flattened v1 CSV of the shared data (``decp_2019_v1_marches.csv``, pipe-separated holders).

It yields one ``DecpRecord`` per published record, in file order, with constant memory. A record
with a bad field is still yielded (the field left empty) and the problem is appended to
``problems`` as a ``DecpProblem(index, field, reason)``; only a malformed file stops the reading,
with a ``DecpFileError`` whose French message names the file.
"""

import csv
import gzip
import io
import re
import zlib
from contextlib import contextmanager
from pathlib import Path

from dentelle.decp.consolidated import PARQUET_MAGIC, ConsolidatedFileError, iter_consolidated
from dentelle.decp.jsonstream import JsonStream, JsonSyntaxError
from dentelle.decp.parsing import missing_columns, record_from_csv, record_from_json
from dentelle.decp.records import (  # noqa: F401 - re-exported: the readers' public API
    ENVIRONMENTAL_VALUES,
    NO_SOCIAL,
    SOCIAL_VALUES,
    DecpProblem,
    DecpRecord,
    Holder,
    ProblemLog,
    SubcontractingAct,
)

CSV_COLUMNS = (
    "source",
    "id",
    "uid",
    "type",
    "acheteur_id",
    "acheteur_nom",
    "nature",
    "objet",
    "code_cpv",
    "procedure",
    "lieu_execution_code",
    "lieu_execution_type",
    "lieu_execution_nom",
    "duree_mois",
    "date_notification",
    "montant",
    "titulaires_ids",
    "titulaires_noms",
    "titulaires_types_id",
)
FORMAT_LABELS = {
    "v1-json": "DECP v1 (JSON)",
    "v2-json": "DECP v2 (JSON, format 2024)",
    "v1-csv": "DECP v1 aplati (CSV)",
    "json": "JSON DECP",
    "consolidated": "DECP consolidé national (CSV ou Parquet)",
}
GZIP_MAGIC = b"\x1f\x8b"


class DecpFileError(Exception):
    """The file as a whole cannot be read; the message is French and names the file."""


# ---------------------------------------------------------------- opening and detection


def _display_name(source):
    if isinstance(source, (str, Path)):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "fichier envoyé")).name


def _open_binary(source):
    """Return (binary stream, must_close, raw), transparently un-gzipped.

    A file object must be seekable (an uploaded file is): we never wrap it in a buffered reader of
    our own, whose garbage collection would close the caller's file.
    """
    if isinstance(source, (str, Path)):
        try:
            raw = open(source, "rb")  # noqa: SIM115 - closed by the caller
        except OSError as exc:
            raise DecpFileError(
                f"Fichier DECP « {_display_name(source)} » introuvable ou illisible ({exc.strerror})."
            ) from None
        must_close = True
    else:
        raw, must_close = source, False
        raw.seek(0)
    magic = raw.read(2)
    raw.seek(0)
    if magic == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb"), must_close, raw
    return raw, must_close, raw


def detect_format(source):
    """'v1-json', 'v2-json', 'v1-csv', 'consolidated' or 'json' (a JSON whose 'marches' key is far away)."""
    stream, must_close, raw = _open_binary(source)
    try:
        head = stream.read(65536)
        if head.startswith(PARQUET_MAGIC):
            return "consolidated"
    except (OSError, EOFError, zlib.error):
        # (the library's reason is in English: the user gets ours)
        raise DecpFileError(f"Fichier DECP « {_display_name(source)} » : archive gzip abîmée.") from None
    finally:
        if must_close:
            raw.close()
        elif hasattr(raw, "seek"):
            raw.seek(0)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        header = text.split("\n", 1)[0]
        return "consolidated" if "codeCPV" in header and "dateNotification" in header else "v1-csv"
    match = re.search(r'"marches"\s*:\s*([\[{])', text)
    if not match:
        return "json"
    return "v1-json" if match.group(1) == "[" else "v2-json"


def iter_decp(source, problems=None):
    """Yield the ``DecpRecord`` of a DECP file (path or binary file object), auto-detecting its format.

    ``problems``: a list (anything with ``append``) receiving one ``DecpProblem`` per bad field.
    Raises ``DecpFileError`` (French message naming the file) when the file itself is malformed.
    """
    problems = problems if problems is not None else []
    fmt = detect_format(source)
    if fmt == "consolidated":
        yield from _iter_consolidated(source, problems)
    elif fmt == "v1-csv":
        yield from iter_decp_csv(source, problems)
    else:
        yield from iter_decp_json(source, problems)


@contextmanager
def _decp_text(source, newline=""):
    """(display name, text stream) of a DECP file, plain or gzipped; its read failures made French."""
    name = _display_name(source)
    stream, must_close, raw = _open_binary(source)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline=newline)
    try:
        yield name, text
    except UnicodeDecodeError:
        raise DecpFileError(f"Fichier DECP « {name} » : le texte n'est pas encodé en UTF-8.") from None
    except (OSError, EOFError, zlib.error):
        raise DecpFileError(f"Fichier DECP « {name} » : archive gzip abîmée ou tronquée.") from None
    finally:
        if must_close:
            raw.close()
        else:
            text.detach()


def iter_decp_json(source, problems=None):
    """Yield the records of a v1 or v2 JSON file (the version is read from the file's structure)."""
    problems = problems if problems is not None else []
    with _decp_text(source, newline=None) as (name, text):
        parser = JsonStream(text)
        try:
            found = False
            index = 0
            for key in parser.members():
                if key != "marches":
                    parser.value()
                    continue
                found = True
                if parser.peek() == "[":
                    for item in parser.elements():
                        index += 1
                        yield record_from_json(item, index, "1", problems)
                else:
                    for sub_key in parser.members():
                        if sub_key in ("marche", "contrat-concession") and parser.peek() == "[":
                            for item in parser.elements():
                                index += 1
                                yield record_from_json(item, index, "2", problems)
                        else:
                            parser.value()
            parser.expect_end()
            if not found:
                raise DecpFileError(f"Fichier DECP « {name} » : aucune clé « marches » à la racine du JSON.")
        except JsonSyntaxError as exc:
            raise DecpFileError(
                f"Fichier DECP « {name} » : JSON mal formé au {exc} .".replace(" .", ".")
            ) from None
        except RecursionError:
            raise DecpFileError(
                f"Fichier DECP « {name} » : JSON trop profondément imbriqué (listes ou objets les uns dans "
                "les autres) : ce n'est pas un fichier DECP."
            ) from None


def _iter_consolidated(source, problems):
    """The consolidated national file (``dentelle.decp.consolidated``), its file errors made ours."""
    try:
        yield from iter_consolidated(source, problems)
    except ConsolidatedFileError as exc:
        raise DecpFileError(str(exc)) from None


def _csv_reason(exc):
    """French reason for a csv.Error (whose own message is English)."""
    text = str(exc)
    if "NUL" in text:
        return "caractère nul : ce n'est pas un fichier texte"
    if "field larger" in text:
        return "champ trop long"
    if "unexpected end of data" in text:
        return "guillemet non fermé avant la fin du fichier"
    if "quote" in text or "delimiter" in text or "expected after" in text:
        return "guillemets ou séparateurs mal placés"
    return "structure de ligne invalide"


def iter_decp_csv(source, problems=None):
    """Yield the records of the flattened v1 CSV (one row per record, pipe-separated holders)."""
    problems = problems if problems is not None else []
    with _decp_text(source) as (name, text):
        try:
            reader = csv.DictReader(text, strict=True)
            header = reader.fieldnames or []
            reason = missing_columns(name, "un CSV DECP v1 aplati", CSV_COLUMNS, header)
            if reason:
                raise DecpFileError(reason)
            for index, row in enumerate(reader, start=1):
                yield record_from_csv(row, index, problems)
        except csv.Error as exc:
            raise DecpFileError(
                f"Fichier DECP « {name} » : CSV mal formé ligne {reader.line_num} ({_csv_reason(exc)})."
            ) from None


__all__ = [
    "DecpFileError",
    "DecpProblem",
    "DecpRecord",
    "FORMAT_LABELS",
    "Holder",
    "ProblemLog",
    "SubcontractingAct",
    "detect_format",
    "iter_decp",
    "iter_decp_csv",
    "iter_decp_json",
]
