"""Turn a free-text place of execution into a territory (commune, EPCI/EPT, department, region, France).

``PlaceResolver`` is pure: it works on plain dictionaries (built from the referential index by
``PlaceResolver.from_index``) and can be tested without a database. The rest of the project calls
``places.resolve_place``; the words of the text are read by place_reading.py.

How a place is read, in order:
1. the structured code, if any (postcode, INSEE code, department, region, country) gives a scope;
2. codes written in the text ("24 rue du Pot de Fer 45000 ORLEANS", "Saint-Denis (93)") do too;
3. the words of the text are matched inside that scope, longest phrase first, so that
   "Hôtel de Ville 13528 Port de Bouc Cédex" finds Port-de-Bouc in department 13;
4. without a scope, the whole text must name a country, region, department, grouping or commune.
A commune is returned only when it is certain; otherwise the department (never a guessed one).
"""

import re
from functools import lru_cache

from dentelle.core.geo import department_of_postcode
from dentelle.referentials import place_names as names
from dentelle.referentials.place import Place
from dentelle.referentials.place_reading import (
    CODE_ONLY,
    DEPT_IN_PARENS,
    POSTCODE_IN_TEXT,
    name_words,
    roman_ordinals,
)
from dentelle.referentials.text import REPLACEMENT_CHAR, compact, lossy, normalise


class PlaceResolver:
    def __init__(self, communes, postcodes, commune_names, departments, regions, groupings):
        """communes: {insee: CommuneInfo-like}; postcodes: {postcode: [insee]};
        commune_names: {normalised name: [insee]} best first; departments: {code: (name, region)};
        regions: {code: name}; groupings: {siren: GroupingInfo-like (name, kind, commune_codes)}."""
        self.communes, self.postcodes, self.departments = communes, postcodes, departments
        self.regions, self.groupings = regions, groupings
        self.commune_names = {"exact": commune_names, "lossy": {}}
        for commune in communes.values():  # from the accented names: "Orléans" → "orlans"
            for name in (commune.name, *getattr(commune, "other_names", ())):
                self.commune_names["lossy"].setdefault(lossy(name), []).append(commune.insee_code)
        self.dept_names = self._name_table(
            {code: [name] for code, (name, _r) in departments.items()}, names.DEPARTMENT_ALIASES
        )
        self.region_names = self._name_table(
            {code: [name] for code, name in regions.items()}, names.REGION_ALIASES
        )
        self.grouping_names = self._name_table({siren: [g.name] for siren, g in groupings.items()}, {})
        self.centroids = self._centroids()
        self.resolve = lru_cache(maxsize=100_000)(self._resolve)

    def __getstate__(self):  # pickled by the on-disk cache (core/diskcache.py): not the memo
        state = self.__dict__.copy()
        state.pop("resolve", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.resolve = lru_cache(maxsize=100_000)(self._resolve)

    @classmethod
    def from_index(cls, index):
        names_table = {key: list(codes) for key, codes in index._by_name.items()}
        return cls(
            index.communes, index._by_postcode, names_table, index.departments, index.regions, index.groupings
        )

    @staticmethod
    def _name_table(names_by_code, aliases):
        """{"exact": {key: code}, "lossy": {...}} with article-less and space-less variants."""
        table = {"exact": {}, "lossy": {}}
        entries = [(name, code) for code, found in names_by_code.items() for name in found]
        entries += list(aliases.items())
        for name, code in entries:
            for mode, fold in (("exact", normalise), ("lossy", lossy)):
                key = fold(name)
                variants = {key, compact(key), re.sub(r"^(la|le|les|l) ", "", key)}
                variants.add(re.sub(r"\b(de|du|des|la|le|les|d|l)\b ", "", key).strip())
                for variant in variants:
                    table[mode].setdefault(variant, code)
        return table

    def _centroids(self):
        sums = {}
        for commune in self.communes.values():
            if commune.kind != "COM" or commune.latitude is None:
                continue
            for key in (("department", commune.department_code), ("region", commune.region_code)):
                lat, lon, n = sums.get(key, (0.0, 0.0, 0))
                sums[key] = (lat + commune.latitude, lon + commune.longitude, n + 1)
        return {key: (round(lat / n, 5), round(lon / n, 5)) for key, (lat, lon, n) in sums.items()}

    # --- building places -----------------------------------------------------------------------
    def commune_place(self, code):
        commune = self.communes[code]
        return Place(
            "commune",
            code,
            commune.name,
            commune.department_code,
            commune.region_code,
            commune.latitude,
            commune.longitude,
            (code,),
        )

    def department_place(self, code):
        name, region = self.departments[code]
        lat, lon = self.centroids.get(("department", code), (None, None))
        return Place("department", code, name, code, region, lat, lon)

    def region_place(self, code):
        lat, lon = self.centroids.get(("region", code), (None, None))
        return Place("region", code, self.regions[code], None, code, lat, lon)

    def grouping_place(self, siren):
        grouping = self.groupings[siren]
        members = [
            self.communes[c]
            for c in grouping.commune_codes
            if c in self.communes and self.communes[c].kind == "COM"
        ]
        depts = {c.department_code for c in members}
        regions = {c.region_code for c in members}
        dept = depts.pop() if len(depts) == 1 else None  # a grouping across departments has none
        points = [(c.latitude, c.longitude) for c in members if c.latitude is not None]
        lat = round(sum(p[0] for p in points) / len(points), 5) if points else None
        lon = round(sum(p[1] for p in points) / len(points), 5) if points else None
        kind = "ept" if grouping.kind == "EPT" else "epci"
        return Place(
            kind,
            siren,
            grouping.name,
            dept,
            regions.pop() if len(regions) == 1 else None,
            lat,
            lon,
            tuple(c.insee_code for c in members),
        )

    def department_region(self, dept):
        return self.departments[dept][1] if dept in self.departments else None

    @staticmethod
    def national_place():
        return Place("national", "FR", "France entière")

    # --- resolution ----------------------------------------------------------------------------
    def _resolve(self, text, code=None, kind=None):
        raw = (text or "").strip()
        mode = "lossy" if REPLACEMENT_CHAR in raw else "exact"
        key = roman_ordinals(lossy(raw) if mode == "lossy" else normalise(raw))
        code = re.sub(r"\s", "", code or "").upper()
        if not code and CODE_ONLY.match(key.replace(" ", "")):
            code, key = key.replace(" ", "").upper(), ""

        candidates, dept, region, national, from_insee = self._scope_from_code(code, kind)
        if candidates is None and dept is None and region is None:
            for postcode in POSTCODE_IN_TEXT.findall(raw):
                from_insee = False
                candidates, dept = self._postcode_scope(postcode)
                if candidates or dept:
                    break
            match = DEPT_IN_PARENS.search(raw)
            if candidates is None and dept is None and match and match.group(1).upper() in self.departments:
                dept = match.group(1).upper()

        core = name_words(key)
        named_dept = self.dept_names[mode].get(core) if core else None
        if candidates:
            found = self._match_communes(key, mode, set(candidates))
            if found:
                return self.commune_place(self._prefer_arrondissement(found, candidates))
            depts = {self.communes[c].department_code for c in candidates}
            if len(candidates) == 1 and not named_dept and not from_insee and not self._has_cue(key):
                return self.commune_place(candidates[0])
            dept = depts.pop() if len(depts) == 1 else dept
        if dept:
            if named_dept and named_dept != dept:
                return None  # the code and the text name two different departments: do not guess
            if named_dept or self._has_cue(key):
                return self.department_place(dept)
            in_dept = {
                c for c in self._commune_codes_in(key, mode) if self.communes[c].department_code == dept
            }
            found = self._match_communes(key, mode, in_dept) if in_dept else None
            return self.commune_place(found) if found else self.department_place(dept)
        if region:
            text_place = self._from_text(key, mode)
            if text_place and text_place.region_code == region:
                return text_place
            return self.region_place(region)
        return self._from_text(key, mode) or (self.national_place() if national else None)

    def _scope_from_code(self, code, kind):
        """(commune candidates, department, region, national, from_insee) suggested by a structured code."""
        if not code:
            return None, None, None, False, False
        if kind == "country" or code in names.NATIONAL_CODES:
            return None, None, None, True, False
        if kind == "region":
            return None, None, (code if code in self.regions else None), False, False
        if len(code) == 5 and re.fullmatch(r"\d{5}|2[AB]\d{3}", code):
            if kind == "department":  # a postcode typed in the department field
                return None, self._dept_of_postcode(code), None, False, False
            candidates = list(self.postcodes.get(code, ()))
            if code in self.communes and kind == "commune":
                return [code] + [c for c in candidates if c != code], None, None, False, False
            if candidates:
                return candidates, None, None, False, False
            if code in self.communes and kind is None:
                # Not a postcode: an INSEE code, unless the text names another commune (CEDEX codes).
                return [code], self._dept_of_postcode(code), None, False, True
            return None, self._dept_of_postcode(code), None, False, False
        if kind == "arrondissement" and code[:2].isdigit():
            dept = code[:3] if code.startswith("97") else code[:2]
            return None, (dept if dept in self.departments else None), None, False, False
        if code in self.departments:
            return None, code, None, False, False
        if len(code) == 1 and code.isdigit() and f"0{code}" in self.departments and kind == "department":
            return None, f"0{code}", None, False, False
        return None, None, None, False, False

    @staticmethod
    def _has_cue(key):
        return any(key.startswith(c) or f" {c}" in key for c in names.DEPARTMENT_CUES)

    def _postcode_scope(self, postcode):
        candidates = list(self.postcodes.get(postcode, ()))
        return (candidates, None) if candidates else (None, self._dept_of_postcode(postcode))

    def _dept_of_postcode(self, postcode):
        try:
            dept = department_of_postcode(postcode)
        except ValueError:
            return None
        return dept if dept in self.departments else None

    def _ngrams(self, key):
        """Phrases of the text, longest first and, for equal length, rightmost first."""
        words = key.split()
        for size in range(len(words), 0, -1):
            for start in range(len(words) - size, -1, -1):
                yield " ".join(words[start : start + size])

    def _commune_codes_in(self, key, mode):
        table = self.commune_names[mode]
        return {
            code
            for gram in self._ngrams(key)
            if gram not in names.GENERIC_WORDS
            for code in table.get(gram, ())
        }

    def _match_communes(self, key, mode, allowed):
        """The commune of ``allowed`` named by the longest phrase of the text, if exactly one."""
        table = self.commune_names[mode]
        for gram in self._ngrams(key):
            if gram in names.GENERIC_WORDS or gram.isdigit():
                continue
            hits = list(dict.fromkeys(code for code in table.get(gram, ()) if code in allowed))
            if len(hits) == 1:
                return hits[0]
            if hits:  # a commune and its own déléguée or arrondissement share the name: keep the first
                main = [c for c in hits if self.communes[c].kind in ("COM", "ARM")]
                return main[0] if len(main) == 1 else None
        return None

    def _prefer_arrondissement(self, found, candidates):
        """'75013 Paris': the text names Paris, the postcode says which arrondissement."""
        for code in candidates:
            commune = self.communes[code]
            if commune.kind == "ARM" and commune.parent_code == found:
                return code
        return found

    def _from_text(self, key, mode):
        """A territory named by the whole text (no code to narrow it down)."""
        core = name_words(key)
        if not core:
            return None
        if core in names.NATIONAL_PHRASES or key in names.NATIONAL_PHRASES:
            return self.national_place()
        cue = self._has_cue(key)
        dept = self.dept_names[mode].get(core)
        if dept and (cue or not key.startswith("region")):
            return self.department_place(dept)
        region = self.region_names[mode].get(core)
        if region and region in self.regions:
            return self.region_place(region)
        siren = self.grouping_names[mode].get(core)
        if siren:
            return self.grouping_place(siren)
        usage = names.USAGE_PLACES.get(core)
        if usage in self.departments:
            return self.department_place(usage)
        found = self._commune_named(core, mode)
        if found:
            return self.commune_place(found)
        for gram in self._ngrams(core):  # « Aéroport Roissy Charles de Gaulle », « Tour First, La Défense »
            usage = names.USAGE_PLACES.get(gram)
            if usage in self.departments:
                return self.department_place(usage)
        words = core.split()
        for start in range(1, len(words)):  # « Lycée Jean Jaurès de Montreuil »: the commune ends the text
            if words[start - 1] in names.SITE_CONNECTORS:
                found = self._commune_named(" ".join(words[start:]), mode)
                if found:
                    return self.commune_place(found)
        if cue:  # "Conseil départemental de la Loire, service des routes"
            for gram in self._ngrams(core):
                if gram in self.dept_names[mode]:
                    return self.department_place(self.dept_names[mode][gram])
        return None

    def _commune_named(self, key, mode):
        """The commune a whole phrase names: unique, or far more populous than its homonyms."""
        if key in names.GENERIC_WORDS:
            return None
        codes = self.commune_names[mode].get(key, ())
        main = [c for c in codes if self.communes[c].kind in ("COM", "ARM")] or list(codes)
        if len(main) == 1 or (len(main) > 1 and self._dominant(main)):
            return main[0]
        return None

    def communes_named(self, text):
        """The communes a whole name designates, by department code (« Paris », « Saint-Denis », a
        department given as « Saint-Denis (93) »): what a site file lists when its « commune » cell is not
        one commune. A commune's own arrondissements or delegated communes are left out."""
        raw = (text or "").strip()
        match = DEPT_IN_PARENS.search(raw)
        dept = match.group(1).upper() if match else None
        raw = DEPT_IN_PARENS.sub(" ", raw)
        mode, fold = ("lossy", lossy) if REPLACEMENT_CHAR in raw else ("exact", normalise)
        codes = self.commune_names[mode].get(fold(raw), ())
        main = [c for c in codes if self.communes[c].kind in ("COM", "ARM")] or list(codes)
        if dept:
            main = [c for c in main if self.communes[c].department_code == dept]
        return sorted(dict.fromkeys(main), key=lambda c: (self.communes[c].department_code, c))

    def _dominant(self, codes):
        """Homonyms: keep the first only if it is far more populous than the next (Paris vs a hamlet)."""
        first, second = (self.communes[c].population or 0 for c in codes[:2])
        return first >= 20 * max(second, 1)
