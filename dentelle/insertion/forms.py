from django import forms
from django.conf import settings

from dentelle.core.forms import DsfrForm, DsfrModelForm
from dentelle.core.validators import validate_insee_commune
from dentelle.insertion.enums import ClauseCategory, FulfilmentMode, IaeCriterion
from dentelle.insertion.models import Beneficiary, Contract


class MonthField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "month", "class": "fr-input"})
    input_formats = ["%Y-%m", "%m/%Y", "%Y-%m-%d"]


class ContractChoiceField(forms.ModelChoiceField):
    """Contracts by reference, each with its object and holder: the picker can be searched by any of them."""

    def label_from_instance(self, obj):
        return f"{obj.reference} — {obj.title[:90]} — {obj.holder_name}"


class DeclarationForm(DsfrForm):
    contract = ContractChoiceField(
        label="Marché",
        queryset=Contract.objects.none(),
        help_text="Tapez dans le filtre un n° de marché, un mot de l'objet ou le titulaire.",
    )
    month = MonthField(label="Mois")
    fulfilment_mode = forms.ChoiceField(label="Modalité", choices=FulfilmentMode.choices)
    beneficiary = forms.ModelChoiceField(
        label="Bénéficiaire (identifiant pseudonyme)", queryset=Beneficiary.objects.none()
    )
    hours = forms.DecimalField(label="Heures", min_value=0.01, max_digits=8, decimal_places=2)
    comment = forms.CharField(label="Commentaire", required=False, max_length=300)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = Contract.objects.filter(organisation=organisation).order_by(
            "reference", "pk"
        )
        self.fields["contract"].widget.attrs["data-filterable"] = "Filtrer les marchés"
        self.fields["beneficiary"].widget.attrs["data-filterable"] = "Filtrer les bénéficiaires"
        self.fields["beneficiary"].queryset = Beneficiary.objects.filter(organisation=organisation)


class CorrectionForm(DsfrForm):
    month = MonthField(label="Mois")
    fulfilment_mode = forms.ChoiceField(label="Modalité", choices=FulfilmentMode.choices)
    hours = forms.DecimalField(label="Heures", min_value=0, max_digits=8, decimal_places=2)
    comment = forms.CharField(label="Motif de la correction", max_length=300)


class BeneficiaryForm(DsfrModelForm):
    clause_categories = forms.MultipleChoiceField(
        label="Publics éligibles (clause)",
        choices=ClauseCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    iae_criteria = forms.MultipleChoiceField(
        label="Critères IAE (codes les emplois)",
        choices=IaeCriterion.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Beneficiary
        fields = [
            "external_reference",
            "clause_categories",
            "iae_criteria",
            "sex",
            "age_band",
            "is_qpv",
            "commune_insee_code",
            "employment_contract_type",
            "contract_start",
            "contract_end",
            "exit_outcome",
            "exited_on",
            "notes",
        ]
        widgets = {
            "contract_start": forms.DateInput(attrs={"type": "date"}),
            "contract_end": forms.DateInput(attrs={"type": "date"}),
            "exited_on": forms.DateInput(attrs={"type": "date"}),
        }

    def clean_commune_insee_code(self):
        code = (self.cleaned_data.get("commune_insee_code") or "").strip().upper()
        if code:
            validate_insee_commune(code)
        return code

    def clean(self):
        cleaned = super().clean()
        start, end, exited = (cleaned.get(f) for f in ("contract_start", "contract_end", "exited_on"))
        if start and end and end < start:
            self.add_error("contract_end", "La fin du contrat précède son début.")
        if start and exited and exited < start:
            self.add_error("exited_on", "La date de sortie précède le début du contrat.")
        return cleaned


class UploadForm(DsfrForm):
    file = forms.FileField(
        label="Fichier CSV ou XLSX",
        widget=forms.ClearableFileInput(attrs={"class": "fr-upload", "accept": ".csv,.xlsx"}),
    )
    wet_run = forms.BooleanField(label="Enregistrer (sinon : simulation)", required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.DENTELLE_MAX_UPLOAD_BYTES:
            limit = settings.DENTELLE_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"Fichier trop volumineux (limite : {limit} Mo).")
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError("Formats acceptés : CSV ou XLSX.")
        return upload
