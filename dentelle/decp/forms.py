from django import forms
from django.conf import settings


def human_size(size):
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


def region_choices():
    from dentelle.referentials.models import Region

    return [("", "Toutes les régions")] + [
        (r.code, f"{r.name} ({r.code})") for r in Region.objects.order_by("name")
    ]


class DecpUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier DECP",
        help_text="JSON v1 ou v2 (éventuellement compressé .gz) ou CSV v1 aplati.",
    )
    region = forms.CharField(
        label="Région d'exécution",
        required=False,
        max_length=3,
        help_text="Code INSEE de la région (ex. 11 pour l'Île-de-France) ; vide = toutes.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = region_choices()
        if len(choices) > 1:
            self.fields["region"] = forms.ChoiceField(
                label="Région d'exécution", required=False, choices=choices
            )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        limit = settings.DENTELLE_MAX_UPLOAD_BYTES
        if uploaded.size > limit:
            raise forms.ValidationError(
                f"Fichier trop volumineux ({human_size(uploaded.size)}) : {human_size(limit)} au maximum."
            )
        return uploaded

    def clean_region(self):
        region = (self.cleaned_data.get("region") or "").strip()
        if region and not region.isdigit():
            raise forms.ValidationError("Code de région INSEE attendu (chiffres, ex. 11).")
        return region
