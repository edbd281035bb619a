"""Places of execution as territories (commune, EPCI/EPT, department, region, France).

``resolve_place`` is the entry point the rest of the project uses: it reads a free-text place (and an
optional code) with the pure resolver of place_resolver.py, built once from the referential index.
``Place`` is what it returns; ``code_kind`` reads the DECP code type.
"""

from dataclasses import asdict, dataclass, field

from dentelle.referentials.text import normalise

KIND_LABELS = {
    "commune": "commune",
    "epci": "intercommunalité (EPCI)",
    "ept": "établissement public territorial (EPT)",
    "department": "département",
    "region": "région",
    "national": "France entière",
}


@dataclass(frozen=True)
class Place:
    kind: str
    code: str
    name: str
    department_code: str | None = None
    region_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    commune_codes: tuple[str, ...] = field(default=())  # communes for a commune or a grouping; empty above

    def as_dict(self):
        data = asdict(self)
        data["commune_codes"] = list(self.commune_codes)
        data["kind_label"] = KIND_LABELS[self.kind]
        return data

    def describe(self):
        return self.describe_with_names(lambda code: None, lambda code: None)

    def describe_with_names(self, department_name, region_name):
        """Lines for a person: kind, name and code, then department and region (named when known)."""

        def named(code, lookup):
            name = lookup(code)
            return f"{name} ({code})" if name else code

        lines = [f"{KIND_LABELS[self.kind]} : {self.name} ({self.code})"]
        if self.department_code:
            lines.append(f"département : {named(self.department_code, department_name)}")
        if self.region_code:
            lines.append(f"région : {named(self.region_code, region_name)}")
        if self.latitude is not None:
            lines.append(f"coordonnées : {self.latitude:.5f}, {self.longitude:.5f}")
        if len(self.commune_codes) > 1:
            lines.append(f"communes : {len(self.commune_codes)}")
        return "\n".join(lines)


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
