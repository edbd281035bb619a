from django import forms

from dentelle.core.forms import DsfrForm, DsfrModelForm
from dentelle.core.validators import normalise_cpv
from dentelle.matching.models import LotResponse, ResponseKind
from dentelle.purchases.models import Nature, ReservationKind


class SearchForm(DsfrForm):
    cpv = forms.CharField(label="Code CPV", max_length=12, help_text="8 chiffres, ex. 77310000")
    place = forms.CharField(
        label="Lieu d'exécution",
        max_length=120,
        required=False,
        help_text="commune, code INSEE, département, région ou « France »",
    )
    amount = forms.DecimalField(label="Montant annuel HT (€)", required=False, min_value=0)
    text = forms.CharField(label="Objet", max_length=300, required=False)
    nature = forms.ChoiceField(label="Nature", choices=Nature.choices, initial=Nature.SERVICES)
    reservation = forms.ChoiceField(label="Réservation", choices=ReservationKind.choices, required=False)
    top = forms.IntegerField(
        label="Nombre de structures", min_value=1, max_value=100, initial=10, required=False
    )

    def clean_cpv(self):
        try:
            return normalise_cpv(self.cleaned_data["cpv"])
        except ValueError:
            raise forms.ValidationError("Code CPV mal formé : 8 chiffres attendus.") from None


class ResponseForm(DsfrModelForm):
    class Meta:
        model = LotResponse
        fields = ["kind", "reason", "partners"]
        widgets = {"kind": forms.RadioSelect, "reason": forms.Textarea(attrs={"rows": 3})}
        labels = {"kind": "Votre réponse"}
        help_texts = {"reason": "obligatoire si vous n'êtes pas intéressée"}

    def clean(self):
        data = super().clean()
        if data.get("kind") == ResponseKind.NOT_INTERESTED and not (data.get("reason") or "").strip():
            self.add_error("reason", "Indiquez pourquoi : ce motif aide l'acheteur à ajuster son lot.")
        return data
