# pure: no database
"""Text normalisation shared by the loaders, the index and the place resolver (pure, stdlib only).

``normalise`` folds accents (:func:`dentelle.core.text.ascii_fold`), case, hyphens and apostrophes so that "Saint-Étienne", "ST ETIENNE" and
"saint etienne" give the same key. ``lossy`` builds the key used for text whose accents were lost in
transit (some DECP files carry "Is\ufffdre" for "Isère"): every accented letter is dropped, and the
replacement character is dropped from the input too, so both sides meet on "isre".
"""

import re
from functools import lru_cache

from dentelle.core.text import ascii_fold

REPLACEMENT_CHAR = "\ufffd"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Token-level spellings that mean the same thing in French place names and EPCI names.
_TOKEN_ALIASES = {
    "st": "saint",
    "ste": "sainte",
    "sts": "saints",
    "stes": "saintes",
    "s": "sur",  # « Ivry s/ Seine »
    "bld": "boulevard",
    "bd": "boulevard",
    "boul": "boulevard",
    "av": "avenue",
}
# Multi-word forms contracted to the abbreviations used in the EPCI file ("CA du Grand Dole").
_PHRASE_ALIASES = [
    (re.compile(r"\bcommunaute d agglomeration\b"), "ca"),
    (re.compile(r"\bcommunaute de communes\b"), "cc"),
    (re.compile(r"\bcommunaute des communes\b"), "cc"),
    (re.compile(r"\bcommunaute urbaine\b"), "cu"),
    (re.compile(r"\bagglomeration\b"), "agglo"),
]


@lru_cache(maxsize=200_000)
def normalise(text):
    """Key for comparing names: no accents, lower case, single spaces, "st" → "saint"."""
    folded = _NON_ALNUM.sub(" ", ascii_fold((text or "").replace(REPLACEMENT_CHAR, ""))).strip()
    if "communaute" in folded or "agglomeration" in folded:
        for pattern, short in _PHRASE_ALIASES:
            folded = pattern.sub(short, folded)
    return " ".join(_TOKEN_ALIASES.get(token, token) for token in folded.split())


@lru_cache(maxsize=200_000)
def lossy(text):
    """Key with every non-ASCII letter dropped: matches text whose accents became '\ufffd'."""
    return normalise((text or "").encode("ascii", "ignore").decode("ascii"))


def compact(key):
    """A normalised key without spaces ("seinemaritime" meets "seine maritime")."""
    return key.replace(" ", "")
