"""One fuzzed import, judged the same way for every kind of file (plans, SIAE directories, declarations)."""

from tests import fuzz_strategies as fz


def check_import(stats, attempt, *, refused, snapshot, read_back):
    """Run ``attempt()`` (an import returning ``(report, committed)``) and count its outcome in ``stats``.

    A file refused with ``refused`` says why in French and writes nothing; an import that ends says its
    problems in French, and either wrote rows that read back or wrote nothing (``snapshot()`` counts the
    rows it may write). Any other exception is counted as unhandled and raised.
    """
    stats["files"] += 1
    before = snapshot()
    try:
        report, committed = attempt()
    except refused as exc:
        stats["file refused"] += 1
        fz.assert_french([str(exc)])
        assert snapshot() == before
        return
    except Exception:
        stats["unhandled"] += 1
        raise
    fz.assert_french([str(p) for p in report.problems])
    if committed:
        stats["committed"] += 1
        read_back()
    else:
        assert snapshot() == before
        stats["refused, database unchanged"] += 1
