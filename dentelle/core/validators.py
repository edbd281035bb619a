"""Field validators shared by the apps: SIRET/SIREN (python-stdnum), CPV, INSEE codes."""

import re

from django.core.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret

CPV_RE = re.compile(r"^\d{8}$")
INSEE_COMMUNE_RE = re.compile(r"^(\d{5}|2[AB]\d{3})$")

# La Poste's SIRET do not pass Luhn; stdnum knows this exception.


def clean_siret(value):
    """Return the 14-digit SIRET or raise ValueError with a French reason."""
    compact = stdnum_siret.compact(str(value or ""))
    if not compact:
        raise ValueError("SIRET manquant")
    if not (compact.isascii() and compact.isdigit()) or len(compact) != 14:
        raise ValueError(f"SIRET mal formé ({value!r} : 14 chiffres attendus)")
    if not stdnum_siret.is_valid(compact):
        raise ValueError(f"SIRET invalide ({compact} : clé de contrôle fausse)")
    return compact


def clean_siren(value):
    compact = stdnum_siren.compact(str(value or ""))
    if not compact.isdigit() or len(compact) != 9 or not stdnum_siren.is_valid(compact):
        raise ValueError(f"SIREN invalide ({value!r})")
    return compact


def checked(clean, value):
    """``clean(value)``, its ValueError (a French reason) raised as Django's ValidationError: a field
    validator from a cleaner."""
    try:
        return clean(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


def validate_siret(value):
    checked(clean_siret, value)


def normalise_cpv(value):
    """'77310000', '77310000-6' or '773100006' → '77310000'; raise ValueError otherwise."""
    text = re.sub(r"\s", "", str(value or ""))
    match = re.fullmatch(r"(\d{8})(?:-?(\d))?", text)
    if not match:
        raise ValueError(f"Code CPV mal formé ({value!r})")
    return match.group(1)


def validate_cpv(value):
    checked(normalise_cpv, value)


def validate_insee_commune(value):
    if not INSEE_COMMUNE_RE.match(value or ""):
        raise ValidationError(f"Code INSEE de commune invalide ({value!r})")
