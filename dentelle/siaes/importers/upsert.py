"""Upsert of SiaeRecord into the directory: one structure per SIRET, lineage per field.

Rules (the same for every source):
- a field a person edited (`Siae.edited_fields`) is never overwritten;
- an empty source value never erases a known one (absence of data is not data);
- newer data wins: a value set from data dated D is only replaced by data dated ≥ D, so importing
  the 2019 ASP list after the 2021 Le marché export does not undo it, and re-running every import
  changes nothing;
- communes are resolved through the referentials; an unknown commune is reported, never guessed.
"""

from collections import defaultdict

from dentelle.core.geo import department_of_postcode, haversine_km
from dentelle.siaes.enums import SERVICE_KIND_FIELDS, ServiceKind
from dentelle.siaes.kinds import default_service_kinds
from dentelle.siaes.models import Capacity, Competence, Convention, ServiceArea, Siae
from dentelle.siaes.naf_cpv import suggest_competences

MAX_DISTANCE_FROM_COMMUNE_KM = 100
CHUNK = 500
SCALAR_FIELDS = (
    "name",
    "brand",
    "kind",
    "naf",
    "legal_form",
    "address",
    "postcode",
    "city",
    "website",
    "description",
)
DERIVED_ORIGINS = ("naf", "kind")
MAX_LENGTHS = {
    f.name: f.max_length for f in Siae._meta.get_fields() if getattr(f, "max_length", None) and f.concrete
}


def chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def merge_by_siret(records, report):
    """One record per SIRET: conventions and identifiers are merged, blanks filled from later rows."""
    merged = {}
    for record in records:
        first = merged.get(record.siret)
        if first is None:
            merged[record.siret] = record
            continue
        report.count("lignes fusionnées (même SIRET)")
        for convention in record.conventions:
            if convention not in first.conventions:
                first.conventions.append(convention)
        for key, values in record.external_ids.items():
            known = first.external_ids.setdefault(key, [])
            known.extend(v for v in values if v not in known)
        for name in ("brand", "naf", "legal_form", "address", "postcode", "city", "insee_code", "website"):
            if not getattr(first, name) and getattr(record, name):
                setattr(first, name, getattr(record, name))
        for metric, value in record.capacities.items():
            if metric == "authorised_places":  # several FINESS establishments under one SIRET add up
                first.capacities[metric] = first.capacities.get(metric, 0) + value
            else:
                first.capacities.setdefault(metric, value)
    return list(merged.values())


class Resolver:
    """Commune and coordinates of a record, from the referentials index."""

    def __init__(self, index, report):
        self.index, self.report = index, report

    def commune(self, record):
        index = self.index
        if record.insee_code:
            info = index.commune(record.insee_code)
            if info is None:
                self.report.warning(record.line, "code_insee", f"commune inconnue : {record.insee_code!r}")
            return info
        if not (record.postcode or record.city):
            return None
        by_postcode = index.communes_by_postcode(record.postcode) if record.postcode else []
        # Paris, Lyon, Marseille: the postcode designates one arrondissement, more precise than the city.
        arrondissements = [c for c in by_postcode if c.kind == "ARM"]
        if record.city:
            named = index.communes_by_name(record.city)
            both = [c for c in named if c in by_postcode]
            if both:
                if len(arrondissements) == 1 and arrondissements[0].parent_code == both[0].insee_code:
                    return arrondissements[0]
                return both[0]
        if len(by_postcode) == 1:
            return by_postcode[0]
        if record.city and record.postcode[:2].isdigit():
            # Same name in the postcode's department (a commune merged since the address was written).
            department = department_of_postcode(record.postcode) if len(record.postcode) == 5 else None
            same = [c for c in index.communes_by_name(record.city) if c.department_code == department]
            if len(same) == 1:
                return same[0]
        if len(arrondissements) == 1:
            return arrondissements[0]
        self.report.warning(
            record.line, "commune", f"commune inconnue : {record.city!r} (code postal {record.postcode!r})"
        )
        return None

    def place(self, record):
        """{field: value} for commune, department, region and coordinates (only what is known)."""
        info = self.commune(record)
        values = {}
        lat, lon = record.latitude, record.longitude
        if info is not None:
            values["commune_insee_code"] = info.insee_code
            values["department_code"] = info.department_code
            values["region_code"] = info.region_code
            if info.latitude is not None and lat is not None:
                distance = haversine_km(lat, lon, info.latitude, info.longitude)
                if distance > MAX_DISTANCE_FROM_COMMUNE_KM:
                    self.report.warning(
                        record.line,
                        "latitude",
                        f"point à {distance:.0f} km de la commune {info.name} (axes inversés ?) : "
                        "centroïde de la commune retenu",
                    )
                    lat = lon = None
            if lat is None and info.latitude is not None:
                lat, lon = info.latitude, info.longitude
        if lat is not None:
            values["latitude"], values["longitude"] = round(lat, 6), round(lon, 6)
        return values


class Upserter:
    def __init__(self, report, source, file_label, index):
        self.report, self.source, self.file_label = report, source, file_label
        self.resolver = Resolver(index, report)
        self.changes = 0

    def lineage(self, record):
        return {"source": self.source, "file": self.file_label, "date": record.data_date.isoformat()}

    def set_field(self, siae, name, value, record, changed):
        if value in ("", None) or getattr(siae, name) == value:
            return
        limit = MAX_LENGTHS.get(name)
        if limit and isinstance(value, str) and len(value) > limit:
            # PostgreSQL refuses a longer text (SQLite stores it): both get the same cut, announced.
            self.report.warning(
                record.line, name, f"texte trop long ({len(value)} caractères, {limit} au plus) : tronqué"
            )
            value = value[:limit]
            if getattr(siae, name) == value:
                return
        if name in siae.edited_fields:
            self.report.count("valeurs protégées (modifiées à la main) conservées")
            return
        known = siae.provenance.get(name)
        if known and known.get("date", "") > record.data_date.isoformat():
            return
        setattr(siae, name, value)
        siae.provenance[name] = self.lineage(record)
        changed.add(name)

    def apply(self, siae, record, place):
        changed = set()
        if not record.create:  # enrichment only (asp-ids): conventions and identifiers, nothing else
            self.apply_external_ids(siae, record, changed)
            return changed
        for name in SCALAR_FIELDS:
            self.set_field(siae, name, getattr(record, name), record, changed)
        for name, value in place.items():
            self.set_field(siae, name, value, record, changed)
        if record.is_active is not None:
            self.set_field(siae, "is_active", record.is_active, record, changed)
        self.apply_service_kinds(siae, record, changed)
        self.apply_external_ids(siae, record, changed)
        return changed

    @staticmethod
    def apply_external_ids(siae, record, changed):
        for key, values in record.external_ids.items():
            known = list(siae.external_ids.get(key, []))
            new = [v for v in values if v and v not in known]
            if new:
                siae.external_ids = {**siae.external_ids, key: known + new}
                changed.add("external_ids")

    def apply_service_kinds(self, siae, record, changed):
        declared = record.service_kinds
        if not declared:
            if any(f in siae.provenance or getattr(siae, f) for f in SERVICE_KIND_FIELDS.values()):
                return
            declared = default_service_kinds(siae.kind or record.kind)
            lineage = {"source": "défaut selon le type", "date": record.data_date.isoformat()}
        else:
            lineage = self.lineage(record)
        for kind, name in SERVICE_KIND_FIELDS.items():
            wanted = kind in declared
            if getattr(siae, name) == wanted or name in siae.edited_fields:
                continue
            known = siae.provenance.get(name)
            if known and known.get("date", "") > lineage["date"]:
                continue
            setattr(siae, name, wanted)
            siae.provenance[name] = lineage
            changed.add(name)

    def run(self, records):
        records = merge_by_siret(records, self.report)
        existing = {}
        for part in chunks([r.siret for r in records]):
            existing.update({s.siret: s for s in Siae.objects.filter(siret__in=part)})
        to_create, to_update, touched = [], {}, []
        for record in records:
            siae = existing.get(record.siret)
            if siae is None and not record.create:
                self.report.warning(
                    record.line,
                    "siret",
                    f"SIRET {record.siret} absent de l'annuaire : non créé (pas d'adresse)",
                )
                self.report.count("SIRET inconnus non créés")
                continue
            place = self.resolver.place(record)
            if siae is None:
                siae = Siae(
                    siret=record.siret,
                    siren=record.siret[:9],
                    provenance={},
                    edited_fields=[],
                    external_ids={},
                )
                self.apply(siae, record, place)
                siae.search_text = siae.compute_search_text()
                to_create.append(siae)
            else:
                changed = self.apply(siae, record, place)
                if changed:
                    siae.search_text = siae.compute_search_text()
                    to_update[siae.siret] = (siae, changed)
                else:
                    self.report.count("structures inchangées")
            touched.append((siae, record))
        Siae.objects.bulk_create(to_create, batch_size=CHUNK)
        if to_create and to_create[0].pk is None:  # backends that do not return ids
            ids = dict(Siae.objects.filter(siret__in=[s.siret for s in to_create]).values_list("siret", "pk"))
            for siae in to_create:
                siae.pk = ids[siae.siret]
        by_fields = defaultdict(list)  # one UPDATE shape per set of changed fields: short CASE clauses
        for siae, changed in to_update.values():
            by_fields[frozenset(changed | {"search_text", "provenance"})].append(siae)
        for fields, objects in by_fields.items():
            Siae.objects.bulk_update(objects, sorted(fields), batch_size=CHUNK)
        self.report.count("structures créées", len(to_create))
        self.report.count("structures modifiées", len(to_update))
        self.changes += len(to_create) + len(to_update)
        self.sync_related(touched)
        self.report.counts["modifications"] = self.changes
        return self.changes

    # --- conventions, derived competences, default service area, capacities --------------------
    def sync_related(self, touched):
        ids = [siae.pk for siae, _r in touched]
        conventions, competences, areas, capacities = set(), defaultdict(dict), defaultdict(list), {}
        for part in chunks(ids):
            conventions.update(
                Convention.objects.filter(siae_id__in=part).values_list("siae_id", "kind", "asp_id")
            )
            for siae_id, prefix, origin, pk, rationale in Competence.objects.filter(
                siae_id__in=part, origin__in=DERIVED_ORIGINS
            ).values_list("siae_id", "cpv_prefix", "origin", "pk", "rationale"):
                competences[siae_id][(prefix, origin)] = (pk, rationale)
            for area in ServiceArea.objects.filter(siae_id__in=part):
                areas[area.siae_id].append(area)
            for capacity in Capacity.objects.filter(siae_id__in=part):
                capacities[(capacity.siae_id, capacity.metric)] = capacity
        new_conventions, new_competences, stale_competences, new_areas, moved_areas = [], [], [], [], []
        reworded_competences = []
        new_capacities, changed_capacities = [], []
        for siae, record in touched:
            for kind, asp_id, department in record.conventions:
                if (siae.pk, kind, asp_id) not in conventions:
                    conventions.add((siae.pk, kind, asp_id))
                    new_conventions.append(
                        Convention(
                            siae=siae,
                            kind=kind,
                            asp_id=asp_id,
                            department_code=department,
                            source=self.source,
                        )
                    )
            if "competences" not in siae.edited_fields:
                wanted = {(s.cpv_prefix, s.origin): s for s in suggest_competences(siae.naf, siae.kind)}
                why = {key: s.rationale[:400] for key, s in wanted.items()}  # the column's length
                have = competences.get(siae.pk, {})
                for key in wanted:
                    if key not in have:
                        new_competences.append(
                            Competence(siae=siae, cpv_prefix=key[0], origin=key[1], rationale=why[key])
                        )
                    elif have[key][1] != why[key]:
                        # The NAF → CPV table is the source of the "why": a reworded line reaches
                        # the structures on the next import.
                        reworded_competences.append(Competence(pk=have[key][0], rationale=why[key]))
                stale_competences += [pk for key, (pk, _why) in have.items() if key not in wanted]
            self.sync_default_area(siae, areas.get(siae.pk, []), new_areas, moved_areas)
            for metric, value in record.capacities.items():
                current = capacities.get((siae.pk, metric))
                source = f"{self.source} ({self.file_label})"[:200]
                if current is None:
                    new_capacities.append(
                        Capacity(siae=siae, metric=metric, value=value, source=source, as_of=record.data_date)
                    )
                elif (
                    current.recorded_by_id is None
                    and current.value != value
                    and current.as_of <= record.data_date
                ):
                    current.value, current.source, current.as_of = value, source, record.data_date
                    changed_capacities.append(current)
        Convention.objects.bulk_create(new_conventions, batch_size=CHUNK)
        Competence.objects.bulk_create(new_competences, batch_size=CHUNK)
        Competence.objects.bulk_update(reworded_competences, ["rationale"], batch_size=CHUNK)
        for part in chunks(stale_competences):
            Competence.objects.filter(pk__in=part).delete()
        ServiceArea.objects.bulk_create(new_areas, batch_size=CHUNK)
        ServiceArea.objects.bulk_update(moved_areas, ["code"], batch_size=CHUNK)
        Capacity.objects.bulk_create(new_capacities, batch_size=CHUNK)
        Capacity.objects.bulk_update(changed_capacities, ["value", "source", "as_of"], batch_size=CHUNK)
        for label, items in (
            ("conventions ajoutées", new_conventions),
            ("compétences ajoutées (NAF ou type)", new_competences),
            ("compétences retirées (NAF changé)", stale_competences),
            ("justifications de compétences mises à jour", reworded_competences),
            ("zones d'intervention par défaut ajoutées", new_areas),
            ("zones d'intervention par défaut déplacées", moved_areas),
            ("capacités ajoutées", new_capacities),
            ("capacités mises à jour", changed_capacities),
        ):
            if items:
                self.report.count(label, len(items))
                self.changes += len(items)

    @staticmethod
    def sync_default_area(siae, areas, new_areas, moved_areas):
        """A structure with no declared area serves its own department (origin "default")."""
        if not siae.department_code or "service_areas" in siae.edited_fields:
            return
        if not areas:
            new_areas.append(
                ServiceArea(siae=siae, kind="department", code=siae.department_code, origin="default")
            )
        elif len(areas) == 1 and areas[0].origin == "default" and areas[0].code != siae.department_code:
            areas[0].code = siae.department_code
            moved_areas.append(areas[0])


__all__ = ["Upserter", "ServiceKind"]
