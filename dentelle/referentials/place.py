# pure: no database
"""A place of execution as a territory: the one place type of the project (pure, stdlib only).

The referentials' resolver returns it (``referentials.places.resolve_place``), the plan importer stores
its kind, code and departments on the lot, and the matching scores structures against it.
"""

from dataclasses import asdict, dataclass, field

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
    # Every department the place spans (a region's, an EPCI across a border); empty for France.
    department_codes: tuple[str, ...] = field(default=())
    site_known: bool = False  # the point is a real site (the buyer's), not the area's centre

    def distance_counts_inside(self, wide_kinds):
        """Whether distance to the point ranks structures inside the place: yes for a commune-like place
        or an area whose point is a real site; no inside a region, France, or a department known only
        by its centre (an arbitrary point: every structure of the department is "there")."""
        return self.site_known or self.kind not in wide_kinds

    @property
    def is_national(self):
        return self.kind == "national"

    @property
    def is_point(self):
        return self.kind in {"commune", "epci", "ept"}

    def as_dict(self):
        data = asdict(self)
        data["commune_codes"] = list(self.commune_codes)
        data["department_codes"] = list(self.department_codes)
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
