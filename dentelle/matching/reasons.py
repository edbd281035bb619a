# pure: no database
"""French reasons behind one structure's score ("pourquoi ce score"), from a ScoreResult (pure)."""

from dataclasses import dataclass, field

import numpy as np

from dentelle.core.formatting import format_amount, format_number, format_share
from dentelle.matching.competence import best_competence_row, place_stems
from dentelle.matching.scoring import CRITERIA_LABELS
from dentelle.matching.structures import AREA_KINDS
from dentelle.siaes.kinds import reservation_note

ORIGIN_LABELS = {
    "declared": "déclarée par la structure",
    "naf": "déduite de son code NAF",
    "naf_generic": "déduite d'un code NAF peu spécifique",
    "won_contract": "apprise d'un marché remporté",
    "sourcing": "relevée lors du sourcing",
    "kind": "déduite de son type",
}
MODE_LABELS = {
    "staff_provision": "mise à disposition de personnel",
    "services": "prestation de services",
    "works": "travaux",
    "supplies": "fournitures",
}
CAPACITY_LABELS = {
    "turnover": "chiffre d'affaires",
    "largest_contract": "plus gros marché réalisé",
    "fte": "effectif (ETP)",
    "free_monthly_hours": "heures mensuelles disponibles",
}


@dataclass
class CriterionExplanation:
    criterion: str
    label: str
    value: float
    weight: float
    reasons: list = field(default_factory=list)


@dataclass
class Explanation:
    row: int
    pk: int
    name: str
    kind: str
    score: float
    eligible: bool
    criteria: list
    blocking: list = field(default_factory=list)

    def as_dict(self):
        return {
            "id": self.pk,
            "name": self.name,
            "kind": self.kind,
            "score": round(self.score, 4),
            "eligible": self.eligible,
            "blocking": self.blocking,
            "criteria": [
                {
                    "criterion": c.criterion,
                    "label": c.label,
                    "value": round(c.value, 4),
                    "weight": c.weight,
                    "reasons": c.reasons,
                }
                for c in self.criteria
            ],
        }


def _euros(value):
    return format_amount(value)


def _decimal(value):
    """A criterion's part as users read it: 0.58 → « 0,58 » (French decimal comma)."""
    return format_number(value, 2)


def _place_name(arrays, kind, code):
    name = arrays.names_of_places.get((kind, code))
    return f"{name} ({code})" if name else code


def competence_reasons(query, arrays, result, row, cpv_label):
    reasons = []
    comp_row = best_competence_row(arrays, result.comp_row_value, row)
    if comp_row >= 0:
        code = arrays.comp_codes[comp_row]
        origin = ORIGIN_LABELS.get(arrays.comp_origins[comp_row], arrays.comp_origins[comp_row])
        label = cpv_label(code) or ""
        lot_code = query.cpv_codes[0] if query.cpv_codes else ""
        relation = (
            "identique au code du lot"
            if code.rstrip("0") == str(lot_code).rstrip("0")
            else f"proche du lot {lot_code}"
        )
        reasons.append(
            f"Compétence CPV {code} {label} ({origin}), {relation} : {_decimal(result.cpv_part[row])}.".replace(
                "  ", " "
            )
        )
    elif (arrays.comp_struct == row).any():
        reasons.append("Aucune de ses compétences déclarées n'est dans la même division CPV que le lot.")
    else:
        reasons.append("Aucune compétence CPV connue pour cette structure.")
    if comp_row < 0 and result.text_part[row] <= 0:
        reasons.append(
            "Sans preuve de métier, le critère reste à son plancher : il abaisse la structure sans l'écarter "
            "(les marchés remportés par des SIAE montrent qu'elles prennent le travail local qu'elles peuvent "
            "encadrer ; le type de structure n'est jamais compté comme une compétence)."
        )
    if result.text_part[row] > 0:
        exclude = place_stems(query.place)
        words = arrays.text.shared_terms(query.text, row, arrays.profiles, exclude)
        in_name = [
            word
            for word in arrays.name_text.shared_terms(query.text, row, arrays.names, exclude)
            if word not in words
        ]
        if words:
            reasons.append(
                f"Le profil de la structure partage avec l'objet du lot : {', '.join(words[:6])} "
                f"({_decimal(result.text_part[row])})."
            )
        if in_name:
            reasons.append(
                f"Mot(s) du lot dans le nom de la structure : {', '.join(in_name[:4])} — compte peu, "
                "un nom n'est pas une compétence."
            )
    return reasons


def territory_reasons(query, arrays, result, row):
    place = query.place
    if place is None:
        return ["Lieu d'exécution inconnu : critère neutre."]
    reasons = []
    rows = np.flatnonzero(arrays.area_struct == row)
    declared = bool(rows.size) and bool(arrays.area_declared[rows].all())
    described = []
    for r in rows:
        kind = AREA_KINDS[arrays.area_kind[r]]
        if kind == "national":
            described.append("France entière")
        elif kind == "region" and arrays.area_region[r] >= 0:
            described.append("région " + _place_name(arrays, "region", arrays.regions[arrays.area_region[r]]))
        elif kind == "department" and arrays.area_dept[r] >= 0:
            described.append(
                "département " + _place_name(arrays, "department", arrays.departments[arrays.area_dept[r]])
            )
        elif kind == "commune":
            described.append("commune " + _place_name(arrays, "commune", str(arrays.area_commune[r])))
        elif kind == "radius":
            described.append(f"{format_number(arrays.area_radius[r])} km autour de son site")
    zone = ", ".join(described) or "non renseignée"
    prefix = "Zone d'intervention" if declared else "Zone d'intervention non déclarée, par défaut"
    reasons.append(f"{prefix} : {zone}.")
    share = result.coverage_share[row]
    place_label = place.name or place.code or "le lieu d'exécution"
    if share >= 0.999:
        reasons.append(f"Couvre tout le lieu d'exécution ({place_label}).")
    elif share > 0:
        part = _covered_part(arrays, place, rows)
        reasons.append(
            f"Couvre une partie du lieu d'exécution ({place_label}) : {part} (environ {format_share(share, 0)})."
        )
    else:
        reasons.append(f"Le lieu d'exécution ({place_label}) est hors de sa zone d'intervention.")
    distance = result.distance_km[row]
    if not np.isnan(distance):
        centre = "du lieu d'exécution" if place.kind == "commune" else f"du centre de {place_label}"
        where = "dans le périmètre du lot" if distance == 0 else f"à {format_number(distance)} km {centre}"
        reasons.append(f"Site {where} : la distance est le premier critère (plus proche, plus haut).")
    else:
        reasons.append("Coordonnées du site inconnues : distance comptée comme un site à 30 km.")
    return reasons


def _covered_part(arrays, place, rows):
    wanted = set(place.department_codes)
    parts = []
    for r in rows:
        kind = AREA_KINDS[arrays.area_kind[r]]
        if kind == "region" and arrays.area_region[r] >= 0:
            region = arrays.area_region[r]
            depts = [
                d
                for i, d in enumerate(arrays.departments)
                if arrays.department_region_idx[i] == region and (place.is_national or d in wanted)
            ]
            parts.append("départements " + ", ".join(depts))
        elif kind in {"department", "commune"} and arrays.area_dept[r] >= 0:
            code = arrays.departments[arrays.area_dept[r]]
            if kind == "commune":
                parts.append("commune " + _place_name(arrays, "commune", str(arrays.area_commune[r])))
            else:
                parts.append("département " + _place_name(arrays, "department", code))
        elif kind == "radius":
            site = arrays.dept_idx[arrays.area_struct[r]]
            if site >= 0:
                parts.append(
                    f"autour de son site, département {_place_name(arrays, 'department', arrays.departments[site])}"
                )
    return "; ".join(dict.fromkeys(parts)) or "une partie"


def network_reason(arrays, row):
    count = int(arrays.establishments[row]) if arrays.establishments is not None else 1
    if count > 1:
        return f"Réseau de {format_number(count)} établissements de la même entreprise dans l'annuaire : plus de capacité d'encadrement."
    return "Établissement isolé dans l'annuaire : capacité d'encadrement un peu moindre qu'un réseau."


def size_reason(arrays, row):
    fte = arrays.fte[row]
    if np.isnan(fte):
        return (
            "Effectif inconnu : compté comme une structure de 30 personnes — une structure d'effectif connu "
            "plus grand (souvent un ESAT, dont les places sont publiées) passe devant à distance égale."
        )
    return f"Effectif connu : {format_number(fte)} personnes (places ou ETP) — les grandes structures remportent plus de marchés."


def capacity_reasons(query, arrays, result, row):
    network = network_reason(arrays, row) + " " + size_reason(arrays, row)
    if not query.annual_amount:
        return ["Montant annuel du lot inconnu : critère neutre.", network]
    known = {name: values[row] for name, values in result.capacity_parts.items() if not np.isnan(values[row])}
    if not known:
        return [
            "Chiffre d'affaires et plus gros marché inconnus : rien à comparer au montant du lot.",
            network,
        ]
    reasons = [f"Montant annuel du lot : {_euros(query.annual_amount)}.", network]
    figures = {
        "turnover": arrays.turnover[row],
        "largest_contract": arrays.largest_contract[row],
        "fte": arrays.fte[row],
        "free_monthly_hours": arrays.free_monthly_hours[row],
    }
    for name, value in known.items():
        figure = figures[name]
        shown = _euros(figure) if name in {"turnover", "largest_contract"} else format_number(figure)
        verdict = "suffisant" if value >= 0.999 else ("juste" if value >= 0.4 else "insuffisant")
        reasons.append(f"{CAPACITY_LABELS[name].capitalize()} : {shown} — {verdict} ({_decimal(value)}).")
    return reasons


PURPOSE_NOTES = {
    "insertion": "L'objet du lot parle d'insertion : les SIAE (ACI, EI, AI, ETTI, EITI, GEIQ) y sont "
    "pleinement adaptées, les autres types moins.",
    "disability": "L'objet du lot vise des travailleurs handicapés ou un marché réservé : ESAT et EA y sont "
    "pleinement adaptés, les autres types moins.",
}


def kind_reasons(query, arrays, result, row):
    kind = str(arrays.kinds[row])
    reasons = [
        f"Lot en {MODE_LABELS[result.mode]} ; type {kind} : adéquation {_decimal(result.parts['kind'][row])} "
        "(mode d'exécution et public visé par l'objet)."
    ]
    purpose = result.extra.get("purpose", "")
    if purpose:
        reasons.append(PURPOSE_NOTES[purpose])
    note = reservation_note(kind)
    if query.reservation_kind and note:
        reasons.append(note)
    if query.reservation_kind == "ess":
        reasons.append("Réservation ESS (L2113-15) : appartenance à l'ESS à vérifier.")
    return reasons


def explain(query, arrays, result, row, weights, cpv_label=lambda code: ""):
    """Explanation of structure `row`: each criterion's value, weight and reasons."""
    builders = {
        "competence": lambda: competence_reasons(query, arrays, result, row, cpv_label),
        "territory": lambda: territory_reasons(query, arrays, result, row),
        "capacity": lambda: capacity_reasons(query, arrays, result, row),
        "kind": lambda: kind_reasons(query, arrays, result, row),
    }
    criteria = [
        CriterionExplanation(
            name, CRITERIA_LABELS[name], float(result.parts[name][row]), weight, builders[name]()
        )
        for name, weight in weights.criteria.items()
    ]
    blocking = []
    if not arrays.active[row]:
        blocking.append("Structure inactive : exclue.")
    if not result.eligible[row] and arrays.active[row]:
        blocking.append(f"Le type {arrays.kinds[row]} ne peut pas être titulaire de ce lot réservé.")
    return Explanation(
        row=row,
        pk=int(arrays.pks[row]),
        name=arrays.names[row],
        kind=str(arrays.kinds[row]),
        score=float(result.score[row]),
        eligible=bool(result.eligible[row]),
        criteria=criteria,
        blocking=blocking,
    )
