from dentelle.purchases.api import _filtered


class FilterRecorder:
    def filter(self, **lookups):
        return lookups


def test_only_the_filters_given_narrow_the_listing():
    lookups = _filtered(FilterRecorder(), plan_id=None, kind="", lot_id=0, status="accepted")
    assert lookups == {"lot_id": 0, "status": "accepted"}  # identifier 0 is a filter, not "no filter"


def test_no_filter_given_keeps_the_whole_listing():
    assert _filtered(FilterRecorder(), plan_id=None, operation_id=None) == {}
