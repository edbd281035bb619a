"""The plan summary by department: a lot over several departments counts in each, with its share."""

import subprocess
import sys

from dentelle.purchases.report import lot_entry, report_dict


def _entry(departments, hours, amount, kinds=("social_clause",)):
    findings = [{"rule": "R1", "kind": kind, "estimated_hours": hours} for kind in kinds]
    return lot_entry(
        operation="OP",
        lot="1",
        title="Nettoyage",
        service="DL",
        cpv="90910000",
        amount=amount,
        departments=departments,
        findings=findings,
    )


def test_a_lot_over_two_departments_counts_in_each_with_half_the_hours_and_amount():
    summary = report_dict([_entry(["77", "91"], 1001, "300000"), _entry(["91"], 500, "100000")])["summary"]
    by_department = summary["by_department"]
    assert list(by_department) == ["77", "91"]
    assert by_department["77"] == {
        "lots": 1,
        "shared_lots": 1,
        "potential_hours": 500,  # 500.5 rounded half-even once
        "amount": "150000",
        "findings": 1,
    }
    assert by_department["91"]["lots"] == 2 and by_department["91"]["shared_lots"] == 1
    assert by_department["91"]["potential_hours"] == 1000 and by_department["91"]["amount"] == "250000"
    assert summary["potential_hours"] == 1501  # the plan total counts each lot once


def test_a_lot_without_department_goes_to_the_dash_row_and_no_amount_is_zero():
    summary = report_dict([_entry([], 10, None)])["summary"]
    assert summary["by_department"]["—"] == {
        "lots": 1,
        "shared_lots": 0,
        "potential_hours": 10,
        "amount": "0",
        "findings": 1,
    }


def test_summary_key_order_does_not_depend_on_the_hash_seed():
    code = (
        "from dentelle.purchases.report import lot_entry, report_dict;"
        "f=[{'rule':'R','kind':k,'estimated_hours':1} for k in "
        "('social_clause','reservation','allotment','carve_out','new_sector','award_criterion')];"
        "e=lot_entry(operation='O',lot='1',title='t',service='s',cpv='',amount=None,departments=['93'],findings=f);"
        "s=report_dict([e])['summary'];print(list(s['lots_by_kind']), list(s['findings_by_kind']))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3", "4")
    }
    assert len(outputs) == 1
