"""Background warm-up of the in-memory indexes, started once per process after its first request.

The referentials index loads part by part on demand (index.py), so the first page no longer waits
for everything; this thread then loads the rest, and whatever other apps registered
(`register_warmer`, e.g. the matching's structure index), so later pages find it ready.
Never in tests nor in management commands: `DENTELLE_WARM_INDEX` (setting or environment,
"0"/"1") decides, else it is on only outside pytest and outside `manage.py test`.
"""

import logging
import os
import sys
import threading

from django.conf import settings
from django.db import connections

from dentelle.referentials.index import get_index

logger = logging.getLogger(__name__)
WARMERS = []  # callables run after the referentials index, in order
_started = threading.Event()


def register_warmer(function):
    if function not in WARMERS:
        WARMERS.append(function)
    return function


def warm_up_allowed():
    value = getattr(settings, "DENTELLE_WARM_INDEX", None)
    if value is None:
        value = os.environ.get("DENTELLE_WARM_INDEX")
    if value is not None:
        return str(value).strip().lower() in {"1", "true", "yes", "on"}
    testing = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
    return not testing


def warm_all():
    get_index().warm()
    for warmer in WARMERS:
        warmer()


def _run():
    try:
        warm_all()
    except Exception:  # a warm-up must never take the process down; the next request builds on demand
        logger.warning("Préchauffage des index en mémoire interrompu.", exc_info=True)
    finally:
        connections.close_all()  # this thread's own connections only


def start_warm_up():
    """Start the warm-up thread (once per process); returns it, or None if already started."""
    if _started.is_set():
        return None
    _started.set()
    thread = threading.Thread(target=_run, name="dentelle-warm-up", daemon=True)
    thread.start()
    return thread


def after_first_request(**_kwargs):
    """request_finished receiver: the first response is out, warm the rest in the background."""
    if not _started.is_set() and warm_up_allowed():
        start_warm_up()
