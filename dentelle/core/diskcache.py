"""A small on-disk cache of objects that are slow to build and cheap to read back (pickle).

`cached(name, key, build, sources)` returns `build()`'s result, stored in `DENTELLE_CACHE_DIR` under a
file named by a SHA-256 of `key` (the caller's fingerprint of the data: e.g. the directory's version
token) and of the *contents* of `sources` (the modules that build the object and the data files they
read): new data or new code gives a new name, so a stale file is never read. An empty `DENTELLE_CACHE_DIR` turns the cache off (the
test suite does). Files are written atomically (temporary file, then rename); an unreadable file is
rebuilt; the oldest files past `KEEP` per name are removed. The directory holds only what this process wrote: never point it at a shared location.
"""

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

from django.conf import settings

log = logging.getLogger(__name__)


def _digest(key, sources):
    h = hashlib.sha256(repr((key, sys.version_info[:2], pickle.HIGHEST_PROTOCOL)).encode())
    for source in sources:
        h.update(str(source).encode())
        try:
            h.update(Path(source).read_bytes())
        except OSError:
            h.update(b"<missing>")
    return h.hexdigest()[:32]


def cache_dir():
    value = getattr(settings, "DENTELLE_CACHE_DIR", "")
    return Path(value) if value else None


KEEP = 4  # files kept per name (several databases or checkouts may share the folder)


def _prune(folder, name):
    def mtime(path):
        try:
            return path.stat().st_mtime
        except OSError:
            return 0.0

    for old in sorted(folder.glob(f"{name}-*.pickle"), key=mtime, reverse=True)[KEEP:]:
        old.unlink(missing_ok=True)


def cached(name, key, build, sources=()):
    """build() once per (key, sources contents); None as key means "cannot fingerprint": no cache."""
    folder = cache_dir()
    if folder is None or key is None:
        return build()
    path = folder / f"{name}-{_digest(key, sources)}.pickle"
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: rebuild it
        log.warning("Cache %s illisible (%s) : reconstruit", path, exc)
    value = build()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _prune(folder, name)
    except OSError as exc:  # read-only disk, full disk: the cache is only an optimisation
        log.warning("Cache %s non écrit (%s)", path, exc)
    return value
