"""Places of execution as territories (commune, EPCI/EPT, department, region, France).

``resolve_place`` is the entry point the rest of the project uses: it reads a free-text place (and an
optional code) with the pure resolver of place_resolver.py, built once from the referential index.
``Place`` (referentials/place.py) is what it returns; ``code_kind`` reads the DECP code type.
"""

from dentelle.referentials.text import normalise


def code_kind(text):
    """DECP 'lieu_execution_type' → postcode | commune | department | region | country | arrondissement."""
    key = normalise(text)
    for word, kind in (
        ("postal", "postcode"),
        ("commune", "commune"),
        ("departement", "department"),
        ("region", "region"),
        ("pays", "country"),
        ("arrondissement", "arrondissement"),
        ("canton", "arrondissement"),
    ):
        if word in key:
            return kind
    return None


def resolve_place(text, code=None, code_kind_text=None):
    """Territory named by ``text`` (and an optional code and DECP code type), or None."""
    # lazy: cycle, referentials.index imports this module (through place_resolver)
    from dentelle.referentials.index import get_index

    kind = code_kind(code_kind_text) if code_kind_text else None
    return get_index().place_resolver.resolve(text or "", code or None, kind)


def communes_named(text):
    """Every commune (``Place``) a whole name designates, by department code: one for « Paris » (not the
    department), four for « Saint-Denis », one for « Saint-Denis (93) »."""
    # lazy: cycle, referentials.index imports this module (through place_resolver)
    from dentelle.referentials.index import get_index

    resolver = get_index().place_resolver
    return [resolver.commune_place(code) for code in resolver.communes_named(text)]
