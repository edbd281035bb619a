"""Plan files kept between the upload preview and its confirmation, in the temporary folder.

A kept file is removed when the import is confirmed or cancelled, when the same session sends
another file, and in any case after ``MAX_AGE_HOURS`` (each new upload purges the stale ones).
"""

import re
import tempfile
import time
import uuid
from pathlib import Path

UPLOAD_DIR = Path(tempfile.gettempdir()) / "dentelle_plan_uploads"
MAX_AGE_HOURS = 6
TOKEN_RE = re.compile(r"[0-9a-f]{32}")


def keep(data):
    """Store ``data``; returns its token. Purges the stale files first."""
    purge_stale()
    UPLOAD_DIR.mkdir(exist_ok=True)
    token = uuid.uuid4().hex
    (UPLOAD_DIR / token).write_bytes(data)
    return token


def path_of(token):
    """The kept file of ``token``, or None (unknown, expired or not a token)."""
    if not isinstance(token, str) or not TOKEN_RE.fullmatch(token):
        return None
    path = UPLOAD_DIR / token
    return path if path.is_file() else None


def discard(token):
    path = path_of(token)
    if path is not None:
        path.unlink(missing_ok=True)


def purge_stale(max_age_hours=MAX_AGE_HOURS, now=None):
    """Remove the kept files older than ``max_age_hours``; returns how many were removed."""
    if not UPLOAD_DIR.is_dir():
        return 0
    limit = (time.time() if now is None else now) - max_age_hours * 3600
    removed = 0
    for path in UPLOAD_DIR.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # removed meanwhile by another worker
            continue
    return removed
