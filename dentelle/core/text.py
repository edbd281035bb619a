# pure: no database
"""The one accent and case folding of the project (pure, stdlib only).

``fold`` is what every comparison of French text goes through: keywords against titles, headers
against their aliases, names against the referentials. ``ascii_fold`` is the same folding for keys that
must stay ASCII (stored search text, column headers, mode names): any other character is dropped.
"""

import unicodedata

# NFKD leaves these letters whole: « second œuvre » must still meet « second oeuvre ».
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ẞ": "ss"})


def fold(text):
    """Lower case without accents or ligatures (« Maçonnerie, gros Œuvre » → « maconnerie, gros oeuvre »);
    characters that carry no accent (punctuation, €) are kept."""
    text = str(text or "").translate(_LIGATURES).lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def ascii_fold(text):
    """:func:`fold` keeping ASCII only (« l’Île » → « lile »)."""
    return fold(text).encode("ascii", "ignore").decode("ascii")


def plain_words(text):
    """Folded ASCII words separated by single spaces, apostrophes and hyphens splitting words: the key
    free-text search compares (« L'Atelier-Vert » → « l atelier vert »)."""
    return " ".join(ascii_fold(text).replace("'", " ").replace("-", " ").split())
