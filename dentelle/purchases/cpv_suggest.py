"""Suggest a CPV code from a lot's text: trade-family keywords plus a label search in the CPV tree.

Confidence « haute » only when both agree (the label found lies under one of the family's prefixes)
or when the label search finds the exact label; « moyenne » when one source alone answers; a guess
below « haute » is shown, never applied silently.
"""

from dentelle.referentials.index import get_index
from dentelle.rules.lookups import families_for_text

STOP_WORDS = {
    "de",
    "des",
    "du",
    "la",
    "le",
    "les",
    "et",
    "pour",
    "en",
    "a",
    "au",
    "aux",
    "d",
    "l",
    "un",
    "une",
}


def _search(text, limit=5):
    return get_index().search_cpv(text, limit=limit)  # referentials not loaded: none, keywords only


def suggest_cpv(text, search=_search):
    text = (text or "").strip()
    if not text:
        return None
    families = families_for_text(text)
    family = families[0][0] if families else None
    words = [w for w in text.lower().replace("'", " ").split() if w not in STOP_WORDS and len(w) > 2]
    hits = []
    # Try the whole text, then shorter word windows (labels are short, plan texts are long).
    for size in (len(words), 3, 2, 1):
        for start in range(0, max(1, len(words) - size + 1)):
            chunk = " ".join(words[start : start + size])
            if chunk:
                hits = search(chunk)
            if hits:
                break
        if hits:
            break
    if family is not None:
        for info in hits:
            if any(info.code.startswith(p) for p in family.cpv_prefixes):
                return {"code": info.code, "label": info.label_fr, "confidence": "haute", "family": family.id}
    if hits and len(words) <= 3 and hits[0].label_fr.lower() == " ".join(words):
        return {"code": hits[0].code, "label": hits[0].label_fr, "confidence": "haute", "family": ""}
    if hits:
        return {
            "code": hits[0].code,
            "label": hits[0].label_fr,
            "confidence": "moyenne" if family is None else "faible",
            "family": "",
        }
    if family is not None:
        code = next((p for p in family.cpv_prefixes if len(p) == 8), family.cpv_prefixes[0].ljust(8, "0"))
        return {"code": code, "label": family.label, "confidence": "moyenne", "family": family.id}
    return None
