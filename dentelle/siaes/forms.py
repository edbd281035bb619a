"""Edit forms of a structure. Every field a person changes is recorded in `edited_fields`."""

import datetime as dt

from django import forms

from dentelle.core.forms import DsfrModelForm
from dentelle.referentials.index import get_index
from dentelle.siaes.enums import AreaKind, CapacityMetric, CompetenceOrigin, ServiceKind, SiaeKind
from dentelle.siaes.models import Capacity, Competence, Contact, ServiceArea, Siae, SourcingNote
from dentelle.siaes.naf_cpv import compact_naf
from dentelle.siaes.querysets import cpv_prefix

EDITABLE_FIELDS = [
    "name",
    "brand",
    "legal_form",
    "naf",
    "address",
    "postcode",
    "city",
    "commune_insee_code",
    "website",
    "description",
    "offers_service_provision",
    "offers_staff_provision",
    "offers_goods_production",
    "is_active",
    "networks",
]


def edit_source(user):
    return f"saisie par {user.get_username()}"


class SearchForm(forms.Form):
    """Only for rendering and documenting the filters; parsing is search.SearchParams."""

    q = forms.CharField(label="Nom, enseigne ou SIRET", required=False)
    kind = forms.MultipleChoiceField(label="Type", choices=SiaeKind.choices, required=False)
    cpv = forms.CharField(
        label="Compétence (code CPV ou libellé)", required=False, help_text="ex. 45, 7731, nettoyage"
    )
    place = forms.CharField(
        label="Territoire", required=False, help_text="commune, intercommunalité, département ou région"
    )
    radius_km = forms.IntegerField(
        label="Rayon autour de la commune (km)", required=False, min_value=0, max_value=500
    )
    serving = forms.BooleanField(
        label="Inclure les structures qui y interviennent sans y être implantées", required=False
    )
    service_kind = forms.ChoiceField(
        label="Type de prestation", choices=[("", "Tous")] + ServiceKind.choices, required=False
    )
    capacity = forms.ChoiceField(
        label="Capacité connue", choices=[("", "Indifférent")] + CapacityMetric.choices, required=False
    )
    inactive = forms.BooleanField(label="Inclure les structures inactives", required=False)


class SiaeForm(DsfrModelForm):
    naf = forms.CharField(label="Code NAF", max_length=8, required=False, help_text="81.30Z ou 8130Z")
    website = forms.URLField(label="Site internet", max_length=300, required=False, assume_scheme="https")

    class Meta:
        model = Siae
        fields = EDITABLE_FIELDS
        widgets = {"networks": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        edited = set(getattr(self.instance, "edited_fields", None) or [])
        for name, field in self.fields.items():
            if name in edited:
                hint = "Modifié à la main : les imports ne l'écraseront plus."
                field.help_text = f"{field.help_text} — {hint}" if field.help_text else hint

    def clean_naf(self):
        value = self.cleaned_data.get("naf", "")
        if value and not compact_naf(value):
            raise forms.ValidationError("Code NAF attendu au format 81.30Z ou 8130Z.")
        return compact_naf(value) if value else ""

    def clean_commune_insee_code(self):
        code = (self.cleaned_data.get("commune_insee_code") or "").strip().upper()
        if code and get_index().commune(code) is None:
            raise forms.ValidationError(f"Commune inconnue : {code}.")
        return code

    def save(self, commit=True):
        siae = super().save(commit=False)
        changed = [name for name in self.changed_data if name != "networks"]
        if "commune_insee_code" in changed and siae.commune_insee_code:
            commune = get_index().commune(siae.commune_insee_code)
            siae.department_code, siae.region_code = commune.department_code, commune.region_code
            siae.latitude, siae.longitude = commune.latitude, commune.longitude
            changed += ["department_code", "region_code", "latitude", "longitude"]
        if "networks" in self.changed_data:
            changed.append("networks")
        siae.mark_edited(changed, edit_source(self.user), dt.date.today())
        if commit:
            siae.save()
            self.save_m2m()
        return siae


class CompetenceForm(DsfrModelForm):
    cpv_prefix = forms.CharField(label="Code CPV ou préfixe (2 à 8 chiffres)", max_length=10)

    class Meta:
        model = Competence
        fields = ["cpv_prefix", "rationale"]

    def clean_cpv_prefix(self):
        value = "".join(ch for ch in self.cleaned_data["cpv_prefix"] if ch.isdigit())[:8]
        prefix = cpv_prefix(value)
        if len(value) < 2 or not prefix:
            raise forms.ValidationError("Code CPV attendu : 2 à 8 chiffres (ex. 7731 ou 77310000).")
        return prefix


def competence_origin(user, siae):
    """A member declares; an officer records what sourcing taught."""
    return (
        CompetenceOrigin.DECLARED if getattr(user, "siae_id", None) == siae.pk else CompetenceOrigin.SOURCING
    )


class CapacityForm(DsfrModelForm):
    class Meta:
        model = Capacity
        fields = ["metric", "value", "source", "as_of"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"source": "d'où vient la valeur : bilan 2025, entretien du 12/03, déclaration…"}

    def validate_unique(self):
        """One value per metric: saving replaces the previous value (see views.add_capacity)."""


class ServiceAreaForm(DsfrModelForm):
    class Meta:
        model = ServiceArea
        fields = ["kind", "code", "radius_km"]

    def clean(self):
        data = super().clean()
        kind, code = data.get("kind"), (data.get("code") or "").strip().upper()
        index = get_index()
        if kind == AreaKind.RADIUS and not data.get("radius_km"):
            self.add_error("radius_km", "Indiquer le rayon en km.")
        if kind == AreaKind.REGION and code not in index.regions:
            self.add_error("code", "Code de région inconnu (ex. 11).")
        if kind == AreaKind.DEPARTMENT and code not in index.departments:
            self.add_error("code", "Code de département inconnu (ex. 93).")
        if kind == AreaKind.COMMUNE and index.commune(code) is None:
            self.add_error("code", "Code INSEE de commune inconnu (ex. 93066).")
        if kind in (AreaKind.NATIONAL, AreaKind.RADIUS):
            code = ""
        data["code"] = code
        return data

    def validate_unique(self):
        """Duplicates are ignored by the view."""


class SourcingNoteForm(DsfrModelForm):
    class Meta:
        model = SourcingNote
        fields = ["date", "who_met", "learned", "next_steps"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "learned": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 2}),
        }


class ContactForm(DsfrModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone"]
