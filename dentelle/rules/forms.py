"""The organisation's own value for one rules parameter (who and when are set by the view)."""

from decimal import Decimal

from django import forms
from django.utils import timezone

from dentelle.core.formatting import format_value
from dentelle.rules.loader import default_rules
from dentelle.rules.models import RuleOverride, validate_override_value
from dentelle.rules.types import PARAM_LABELS, parameter_label

SHARES = ("labour_share", "insertion_rate")


def parameter_choices(rules=None):
    rules = rules or default_rules()
    choices = []
    for family in rules.families:
        for name, param in family.params.items():
            state = "inconnu" if param.missing else f"fichier : {format_value(param.value)}"
            choices.append(
                (f"family.{family.id}.{name}", f"{family.label} — {PARAM_LABELS.get(name, name)} ({state})")
            )
    for name, param in rules.screening.items():
        path = f"screening.{name}"
        choices.append((path, f"{parameter_label(path, rules)} (fichier : {format_value(param.value)})"))
    for nature, ceiling in sorted(rules.plausibility.items()):
        path = f"plausibility.{nature}"
        choices.append(
            (path, f"{parameter_label(path, rules)} (fichier : {format_value(ceiling.hours.value)})")
        )
    return choices


class OverrideForm(forms.ModelForm):
    class Meta:
        model = RuleOverride
        fields = ("parameter_path", "value", "why", "source", "date", "to_confirm")
        widgets = {
            "why": forms.Textarea(attrs={"rows": 2}),
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"why": "Motif (pourquoi cette valeur)", "source": "Source (étude, guide, délibération…)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parameter_path"] = forms.ChoiceField(label="Paramètre", choices=parameter_choices())
        self.fields["date"].initial = timezone.localdate()
        for name, field in self.fields.items():
            css = (
                "fr-checkbox"
                if name == "to_confirm"
                else ("fr-select" if name == "parameter_path" else "fr-input")
            )
            field.widget.attrs.setdefault("class", css)

    def clean_value(self):
        value = (self.cleaned_data.get("value") or "").strip().replace(",", ".")
        validate_override_value(value)
        return value

    def clean(self):
        data = super().clean()
        path, value = data.get("parameter_path", ""), data.get("value")
        if value and path.rsplit(".", 1)[-1] in SHARES and Decimal(value) > 1:
            self.add_error("value", "Une part ou un taux s'écrit entre 0 et 1 (ex. 0.60 pour 60 %).")
        return data
