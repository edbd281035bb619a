from django import forms
from django.conf import settings

from dentelle.referentials.models import Region


def human_size(size):
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")


# DECP files are sniffed by content, but a spreadsheet or an executable must be refused by name first:
# otherwise the user gets a misleading "missing columns" or "not UTF-8" diagnosis.
ACCEPTED_SUFFIXES = (".json", ".csv", ".json.gz", ".csv.gz", ".gz", ".parquet")


def upload_problem(name, size, limit=None):
    """French reason why an uploaded DECP file is refused before reading it, or None. ``limit``: bytes
    (default: the uploads analysed in the request, DENTELLE_MAX_UPLOAD_BYTES)."""
    if not str(name or "").lower().endswith(ACCEPTED_SUFFIXES):
        return "Formats acceptés : .json, .csv ou leur version compressée .gz, .parquet (fichier consolidé)."
    if not size:
        return "Le fichier envoyé est vide."
    limit = settings.DENTELLE_MAX_UPLOAD_BYTES if limit is None else limit
    if size > limit:
        return f"Fichier trop volumineux ({human_size(size)}) : {human_size(limit)} au maximum."
    return None


def region_choices():
    return [("", "Toutes les régions")] + [
        (r.code, f"{r.name} ({r.code})") for r in Region.objects.order_by("name")
    ]


class DecpUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier DECP",
        help_text=(
            "JSON v1 ou v2 (éventuellement compressé .gz), CSV v1 aplati, ou fichier consolidé national "
            "(decp.csv ou decp.parquet)."
        ),
    )
    region = forms.CharField(
        label="Région d'exécution",
        required=False,
        max_length=3,
        help_text="Code INSEE de la région (ex. 11 pour l'Île-de-France) ; vide = toutes.",
    )

    buyer = forms.CharField(
        label="Acheteur à comparer (SIRET)",
        required=False,
        max_length=20,
        help_text="Facultatif : sa fiche de comparaison avec les acheteurs de sa catégorie et ses dix marchés à regarder.",
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
        # The page hands large files to the worker: the job's limit, not the request's.
        limit = max(settings.DENTELLE_DECP_MAX_UPLOAD_BYTES, settings.DENTELLE_MAX_UPLOAD_BYTES)
        problem = upload_problem(uploaded.name, uploaded.size, limit)
        if problem:
            raise forms.ValidationError(problem)
        return uploaded

    def clean_buyer(self):
        buyer = (self.cleaned_data.get("buyer") or "").replace(" ", "")
        if buyer and not (buyer.isdigit() and len(buyer) == 14):
            raise forms.ValidationError("SIRET de l'acheteur attendu (14 chiffres).")
        return buyer

    def clean_region(self):
        region = (self.cleaned_data.get("region") or "").strip()
        if region and not region.isdigit():
            raise forms.ValidationError("Code de région INSEE attendu (chiffres, ex. 11).")
        return region
