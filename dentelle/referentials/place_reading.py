"""How the words of a free-text place are read before any lookup (pure): codes written in the text,
introductory phrases dropped, Roman ordinals of arrondissements made Arabic (place_resolver.py)."""

import re

from dentelle.referentials import place_names as names

POSTCODE_IN_TEXT = re.compile(r"(?<![\d])(\d{5})(?![\d])")
DEPT_IN_PARENS = re.compile(r"\(\s*(\d{2,3}|2[AB])\s*\)", re.IGNORECASE)
CODE_ONLY = re.compile(r"^(\d{5}|2[AB]\d{3}|\d{2,3}|2[AB])$", re.IGNORECASE)


def _strip_leading(key):
    """Drop introductory words repeatedly ("sur le territoire de la ville de X" → "x")."""
    changed = True
    while changed and key:
        changed = False
        for phrase in names.LEADING_PHRASES:
            if key == phrase:
                return ""
            if key.startswith(phrase + " "):
                key, changed = key[len(phrase) + 1 :], True
                break
    return key


ROMAN_ORDINAL = re.compile(r"\b([ivxl]+)(e|er|eme|ieme)\b")
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}


def roman_ordinals(key):
    """« paris xviiie arrondissement » → « paris 18e arrondissement »."""

    def arabic(match):
        total, previous = 0, 0
        for letter in reversed(match.group(1)):
            value = _ROMAN[letter]
            total, previous = (total - value, previous) if value < previous else (total + value, value)
        return f"{total}e" if 0 < total <= 20 else match.group(0)

    return ROMAN_ORDINAL.sub(arabic, key) if "e" in key else key


def name_words(key):
    """The words that can be a name: codes, 'cedex' and leading phrases removed."""
    words = [w for w in key.split() if not w.isdigit() and w != "cedex"]
    return _strip_leading(" ".join(words))
