"""One structured line (``key=value``) per import, scan, export and refused access.

The lines go to the ``dentelle.events`` logger (config.settings LOGGING: the ``dentelle`` handler, level from
DENTELLE_LOG_LEVEL). A person is written by id and role, never by name or e-mail; a path, never its query
string (a search may hold a name).

- Refused access: ``RequestEvents`` (a middleware) writes one line for every 401 or 403 answer, pages and API
  alike, and for every 404 answered by a view (objects of another service are hidden behind a 404). The reason
  is the French message of the refusal when the error handlers passed it on (``note_refusal``).
- Exports: the same middleware writes one line for every attachment it serves and every answer marked with
  ``mark_export(response, kind, rows)`` (the code that builds the file gives its kind and number of rows;
  an attachment without a mark is logged ``rows=?``). Exports written outside a request (jobs) call
  ``log_export`` themselves.
- Imports: ``core.importing.run_import``; scans (``log_scan``): ``purchases.services.scan_operations`` (stored
  plans), ``purchases.scanfile.scan_plan_data`` (a plan file) and ``decp.services.retrospective_file``.
"""

import logging
import re
import sys

logger = logging.getLogger("dentelle.events")

REFUSED = {401, 403, 404}


class CurrentStderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is at each line, not as it was when logging was configured: test runners
    and daemon wrappers swap the stream, and a handler kept on the old one fails on a closed file."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass  # StreamHandler.__init__ and setStream assign it; the current stderr always wins


_BARE = re.compile(r"[\w.:/@+?,-]+")
_FILENAME = re.compile(r'filename="?([^";]+)"?')


def kv(**fields):
    """``key=value`` pairs in order; a value with spaces or quotes is double-quoted (inner quotes escaped),
    None is written ``-``."""
    parts = []
    for key, value in fields.items():
        text = "-" if value is None else str(value)
        if not _BARE.fullmatch(text):
            text = '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
        parts.append(f"{key}={text}")
    return " ".join(parts)


def who(user):
    """``user`` (id) and ``role`` of a person, never a name or an e-mail."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": "anonyme", "role": "-"}
    role = "superuser" if getattr(user, "is_superuser", False) else (getattr(user, "role", "") or "-")
    return {"user": user.pk, "role": str(role)}


def note_refusal(request, reason):
    """Remember why this request is refused, for the line ``RequestEvents`` writes (error handlers call it)."""
    request.dentelle_refusal = str(reason)


def log_refused(request, status, reason=""):
    user = getattr(request, "user", None)
    level = logging.WARNING if status == 403 else logging.INFO
    logger.log(
        level,
        kv(event="access_refused", status=status, **who(user), path=request.path, reason=reason or "-"),
    )


def mark_export(response, kind, rows):
    """Tag a download with what it holds; ``RequestEvents`` logs it once served. Returns the response."""
    response.dentelle_export = (kind, rows)
    return response


def log_export(user, kind, rows, fmt="", **extra):
    logger.info(kv(event="export", kind=kind, format=fmt or "-", rows=rows, **who(user), **extra))


def log_scan(plan, lots, findings, seconds, **extra):
    logger.info(kv(event="scan", plan=plan, lots=lots, findings=findings, **extra, seconds=f"{seconds:.2f}"))


def _attachment_name(response):
    disposition = response.get("Content-Disposition", "")
    if not disposition.startswith("attachment"):
        return None
    match = _FILENAME.search(disposition)
    return match.group(1) if match else ""


class RequestEvents:
    """Writes the refused-access and export lines of every request (see the module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        if status in REFUSED:
            # A 404 without a view is an unknown address, not a refusal.
            if status != 404 or getattr(request, "resolver_match", None) is not None:
                log_refused(request, status, getattr(request, "dentelle_refusal", ""))
            return response
        filename = _attachment_name(response)
        mark = getattr(response, "dentelle_export", None)
        if status == 200 and (filename is not None or mark is not None):
            stem, _, fmt = (filename or "").rpartition(".")
            # Without a mark, the file name's first word says what it is ("programmation-12.xlsx").
            kind, rows = mark or (stem.split("-")[0] or "fichier", "?")
            fmt = fmt or response.get("Content-Type", "").split(";")[0].rpartition("/")[2]
            log_export(getattr(request, "user", None), kind, rows, fmt, path=request.path)
        return response
