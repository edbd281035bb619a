"""`dentelle plan import --scan`, `dentelle plan list` and `dentelle scan --plan ID` (stored plans)."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dentelle.purchases.models import Finding, FindingStatus, Operation, PurchasePlan

DATA = Path(__file__).resolve().parents[1] / "data" / "purchases"


def _import(organisation, *extra):
    call_command("plan", "import", str(DATA / "plan.json"), "--organisation", organisation.name, *extra)


@pytest.mark.django_db
def test_import_scan_dry_run_shows_the_findings_and_writes_nothing(organisation, capsys):
    _import(organisation, "--scan")
    out = capsys.readouterr().out
    assert "lots balayés : 1" in out and "propositions du balayage" in out
    assert "Simulation" in out
    assert not Operation.objects.exists() and not Finding.objects.exists()


@pytest.mark.django_db
def test_import_scan_wet_run_stores_the_findings(organisation, capsys):
    _import(organisation, "--scan", "--wet-run")
    assert "Import enregistré" in capsys.readouterr().out
    rules = set(Finding.objects.values_list("rule_id", flat=True))
    assert "R5-carve-out" in rules


@pytest.mark.django_db
def test_scan_a_stored_plan_by_id_or_name_keeps_decisions(organisation, tmp_path, capsys):
    _import(organisation, "--wet-run")
    plan = PurchasePlan.objects.get()
    call_command("plan", "list")
    assert f"{plan.pk}\t{organisation}" in capsys.readouterr().out
    out = tmp_path / "report.json"
    call_command("scan", "--plan", str(plan.pk), "--out", str(out))
    report = json.loads(out.read_text())
    assert report["summary"]["lots"] == 1
    assert "1 lots balayés" in capsys.readouterr().out
    finding = Finding.objects.get(rule_id="R5-carve-out")
    assert "R5-carve-out" in {f["rule"] for f in report["lots"][0]["findings"]}
    Finding.objects.filter(pk=finding.pk).update(status=FindingStatus.REJECTED, rejection_reason="hors sujet")
    call_command("scan", "--plan", plan.name)  # by exact name, JSON on stdout
    report = json.loads(capsys.readouterr().out)
    assert Finding.objects.get(pk=finding.pk).status == FindingStatus.REJECTED  # the decision is kept
    assert "R5-carve-out" not in {f["rule"] for f in report["lots"][0]["findings"]}  # brings no hours
    assert "R5-carve-out" in {f["rule"] for f in report["lots"][0]["all_findings"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args, words",
    [
        (["--plan", "999"], "introuvable"),
        (["--plan", "1", "--where", "a=b"], "--where ne s'applique qu'à un fichier"),
        ([str(DATA / "plan.json"), "--plan", "1"], "pas les deux"),
        ([], "Fichier de programmation attendu"),
    ],
)
def test_scan_plan_bad_options_are_french_errors(args, words):
    with pytest.raises(CommandError, match=words):
        call_command("scan", *args)
