"""Rules for an organisation: the file values with its active overrides applied on top."""

from dentelle.rules.loader import default_rules
from dentelle.rules.lookups import apply_overrides
from dentelle.rules.models import RuleOverride


def rules_for(organisation):
    rules = default_rules()
    if organisation is None:
        return rules

    # Latest override per parameter wins (ordering: path, then most recent date first).
    seen = set()
    overrides = []
    for row in RuleOverride.objects.filter(organisation=organisation, is_active=True).select_related("who"):
        if row.parameter_path in seen:
            continue
        seen.add(row.parameter_path)
        who = row.who.get_username() if row.who else "?"
        label = f"{organisation} — {who}, {row.date:%d/%m/%Y} : {row.why}"
        overrides.append(
            (row.parameter_path, row.value, row.source, label, "Verify" if row.to_confirm else "Practice")
        )
    return apply_overrides(rules, overrides) if overrides else rules
