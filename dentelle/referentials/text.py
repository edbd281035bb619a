# pure: no database
"""Text normalisation shared by the loaders, the index and the place resolver (pure, stdlib only).

``normalise`` folds accents, case, hyphens and apostrophes so that "Saint-Étienne", "ST ETIENNE" and
"saint etienne" give the same key. ``lossy`` builds the key used for text whose accents were lost in
transit (some DECP files carry "Is\ufffdre" for "Isère"): every accented letter is dropped, and the
replacement character is dropped from the input too, so both sides meet on "isre".
"""

import re
import unicodedata
from functools import lru_cache

REPLACEMENT_CHAR = "\ufffd"
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})

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


def fold(text):
    """Lower-case text without accents (keeps punctuation)."""
    text = (text or "").translate(_LIGATURES)
    if text.isascii():
        return text.lower()
    # NFKD splits "é" into "e" + accent; the ASCII encoding then drops the accent (fast, in C).
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()


@lru_cache(maxsize=200_000)
def normalise(text):
    """Key for comparing names: no accents, lower case, single spaces, "st" → "saint"."""
    folded = _NON_ALNUM.sub(" ", fold((text or "").replace(REPLACEMENT_CHAR, ""))).strip()
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
