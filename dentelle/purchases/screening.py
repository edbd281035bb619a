# pure: no database
"""The opportunity scanner (pure): lot facts in, findings with reasons, legal basis and figures out.

Rules (ids are stable: decisions are kept across re-scans by ``(lot, rule_id, subject)``):

- R1-clause           social clause with estimated hours (labour-intensive trade, above the floors)
- R2-obligation-2026  mandatory social condition for consultations from 2026-08-22 at/above EU thresholds
- R3-reservation      reserve the lot (L2113-13, or L2113-12 for EA/ESAT) when enough able structures
- R4-allotment        split a multi-territory maintenance lot by department / EPT / EPCI
- R5-carve-out        carve SIAE-able line items out of a big works operation (small-lots exception)
- R6-new-sector       clause in a sector where clauses are rare (training) on the holder's support jobs
- R7-award-criterion  social award criterion where a calibrated clause does not fit
"""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from dentelle.core.formatting import grouped_int
from dentelle.insertion.hours import estimate_for_family
from dentelle.purchases.allotment import Unit, propose_split
from dentelle.purchases.plausibility import plausible_hours
from dentelle.purchases.screening_data import (  # noqa: F401  (re-exported: the scanner's public facts)
    FindingDraft,
    LineItemFacts,
    LotFacts,
    day,
    estimate_figures,
    euros,
    pct,
)
from dentelle.purchases.screening_works import carve_outs, line_items_clause
from dentelle.referentials.text import fold
from dentelle.rules import default_rules, family_for_cpv
from dentelle.rules.thresholds import thresholds_at

MAINTENANCE_FAMILIES = {"cleaning", "green_spaces", "building_maintenance", "waste_collection"}
MAINTENANCE_WORDS = ("entretien", "maintenance", "nettoyage", "proprete", "gardiennage")  # folded


@lru_cache(maxsize=64)
def _settings(rules):
    """The [screening] values of a rules object, read once (the scanner asks for them on every lot)."""
    return {key: param.value for key, param in rules.screening.items()}


@lru_cache(maxsize=8192)  # bounded: about 1.5 kB per estimate, and the web process lives long
def _estimate(amount, family, duration_months, transferred_staff_monthly_hours, rounding):
    # Plans repeat the same amounts for the same trades; estimates are read-only here, so share them.
    return estimate_for_family(amount, family, duration_months, transferred_staff_monthly_hours, rounding)


@lru_cache(maxsize=256)
def _thresholds(when, rules):
    return thresholds_at(when, rules)


def screen_lot(facts, rules=None, today=None):
    """All findings for one lot (a list of ``FindingDraft``)."""
    rules = rules or default_rules()
    when = facts.launch_date or today or date.today()
    thresholds = _thresholds(when, rules)
    family = family_for_cpv(facts.cpv, rules) if facts.cpv else None
    estimate = None
    if family is not None and facts.amount and _needs_estimate(facts, family, thresholds, rules):
        duration = facts.duration_months if family.method == "cleaning" else None  # unused otherwise
        estimate = _estimate(
            facts.amount, family, duration, facts.transferred_staff_monthly_hours, rules.rounding
        )
    findings = []
    for rule in (_r1_clause, _r2_obligation, _r3_reservation, _r4_allotment, _r6_new_sector, _r7_criterion):
        draft = rule(facts, family, estimate, thresholds, rules)
        if draft is not None:
            findings.append(draft)
    if facts.line_items:
        findings.extend(carve_outs(facts, thresholds, rules))
    by_rule = {f.rule_id: f for f in findings} if len(findings) > 1 else {}
    if "R1-clause" in by_rule and "R2-obligation-2026" in by_rule:
        # One volume per lot: the trade-by-trade estimate of R1 when it exists.
        r1, r2 = by_rule["R1-clause"], by_rule["R2-obligation-2026"]
        r2.estimated_hours = r1.estimated_hours
        r2.reasons = [r for r in r2.reasons if not r.startswith(("Volume suggéré", "Volume plafonné"))]
        r2.reasons.append(
            f"Volume suggéré : {grouped_int(r1.estimated_hours)} h d'insertion (voir R1-clause)."
        )
    return findings


def _needs_estimate(facts, family, thresholds, rules):
    """Whether any rule below would read the hours estimate (skip the estimator otherwise: it is
    the costliest step of a scan). Mirrors the early exits of R1, R2, R6 and R7."""
    share = family.params["labour_share"].value
    if not (facts.clause_hours or facts.insertion_market or facts.line_items):
        if share is not None and share >= _settings(rules)["labour_intensive_min_share"]:
            return True
    if (
        thresholds.obligation_applies(facts.launch_date)
        and not facts.has_social_condition
        and not facts.obligation_exception_code
    ):
        return True
    if facts.clause_hours:
        return False
    return family.new_sector or (family.fit_for_siae and not facts.social_award_criterion)


def _r1_clause(facts, family, estimate, thresholds, rules):
    if facts.clause_hours or facts.insertion_market:
        return None
    if facts.line_items:
        return line_items_clause(facts, rules)
    if family is None or estimate is None:
        return None
    min_share = _settings(rules)["labour_intensive_min_share"]
    share = family.params["labour_share"].value
    if share is None or share < min_share or not estimate.clause_advised:
        return None
    dispense = thresholds.dispense(facts.nature)
    if dispense.value is not None and facts.amount < dispense.value:
        return None
    min_months = _settings(rules)["clause_min_duration_months"]
    if facts.duration_months is not None and facts.duration_months < min_months:
        return None
    reasons = [
        f"Métier à forte main-d'œuvre : {family.label} ({pct(share)} de main-d'œuvre, seuil {pct(min_share)}).",
        f"Montant {euros(facts.amount)} au-dessus du seuil de dispense ({euros(dispense.value)}).",
        f"{grouped_int(estimate.hours)} h d'insertion estimées : {euros(facts.amount)} × {pct(share)} × "
        f"{pct(family.params['insertion_rate'].value)} ÷ {family.params['loaded_hourly_cost'].value} €/h"
        if estimate.method == "standard"
        else f"{grouped_int(estimate.hours)} h d'insertion estimées (méthode propreté, reprise du personnel déduite).",
    ]
    reasons += estimate.warnings
    volume = plausible_hours(estimate.hours, facts.nature, rules)
    if volume.capped:
        reasons.append(volume.reason)
    return FindingDraft(
        "R1-clause",
        "social_clause",
        reasons,
        "CCP L2112-2 (condition d'exécution) ; CCAG 2021 art. 16.1",
        _with_cap(estimate, volume),
        volume.hours,
    )


def _with_cap(estimate, volume):
    """The estimate's figures, plus the chain figure and the ceiling when the volume was capped."""
    if not volume.capped:
        return estimate
    return lambda: {**estimate_figures(estimate), **volume.figures()}


def _r2_obligation(facts, family, estimate, thresholds, rules):
    if not thresholds.obligation_applies(facts.launch_date):
        return None
    if facts.has_social_condition or facts.obligation_exception_code:
        return None
    value = facts.market_amount if facts.market_amount is not None else facts.amount
    threshold = thresholds.eu_threshold(facts.nature, facts.buyer_category)
    if value is None or threshold.value is None or value < threshold.value:
        return None
    row = thresholds.obligation()
    volume = plausible_hours(
        estimate.hours if estimate is not None and estimate.clause_advised else None, facts.nature, rules
    )
    hours = volume.hours
    reasons = [
        _launch_sentence(facts.launch_date, row["valid_from"]),
        f"Valeur estimée du marché {euros(value)} ≥ seuil européen {euros(threshold.value)} en vigueur à cette date.",
        NO_CONDITION_SENTENCE,
    ]
    if hours:
        reasons.append(f"Volume suggéré : {grouped_int(hours)} h d'insertion.")
    if volume.capped:
        reasons.append(volume.reason)
    return FindingDraft(
        "R2-obligation-2026",
        "mandatory_condition",
        reasons,
        f"Loi n° 2021-1104 art. 35 ; {row['article']}",
        lambda: {  # built only when figures are asked for (the CLI leaves them out by default)
            "seuil_europeen": {"valeur": str(threshold.value), "source": threshold.source},
            "date_obligation": {"valeur": str(row["valid_from"]), "source": row["source"]},
            "valeur_marche": {"valeur": str(value), "source": "Montant estimé HT de l'opération"},
        },
        hours,
    )


NO_CONDITION_SENTENCE = (
    "Aucune condition d'exécution sociale ou d'emploi n'est prévue et aucune exception n'est motivée : "
    "prévoir une clause ou enregistrer une exception (code et motif)."
)


@lru_cache(maxsize=1024)
def _launch_sentence(launch_date, valid_from):
    return f"Consultation prévue le {day(launch_date)}, après l'entrée en vigueur du {day(valid_from)}."


def _r3_reservation(facts, family, estimate, thresholds, rules):
    if family is None or not family.fit_for_siae or facts.reservation_kind or facts.able_structures is None:
        return None
    settings = _settings(rules)
    minimum = settings["min_able_structures"]
    yearly = facts.annual_amount or _yearly(facts)
    capacity = facts.able_capacity
    assumed = capacity is None and bool(facts.able_structures)
    if assumed:
        capacity = facts.able_structures * settings["default_capacity_per_structure"]
    capacity_cap = (capacity or 0) * settings["max_lot_share_of_capacity"]
    if facts.able_structures >= minimum:
        if yearly is None or yearly > capacity_cap:
            return None
        article, kind, who = "CCP L2113-13 et R2113-7", "siae", "SIAE"
        count = facts.able_structures
    elif (facts.disability_structures or 0) >= minimum:
        article, kind, who = "CCP L2113-12 et R2113-7", "disability", "EA et ESAT"
        count = facts.disability_structures
    else:
        return None
    share = thresholds.reservation_min_share()
    whole = facts.market_amount is None or facts.market_amount == facts.amount
    if kind == "siae":
        capacity_sentence = (
            f"Montant annuel {euros(yearly)} ≤ capacité annuelle estimée {euros(capacity_cap)}"
            + (
                _r3_assumption(facts.able_structures, settings["default_capacity_per_structure"])
                if assumed
                else "."
            )
        )
    else:
        assumed = False  # the capacity check above applies to the SIAE count only
        capacity_sentence = "Capacité des EA et ESAT non évaluée (chiffre d'affaires inconnu) : à vérifier."
    reasons = [_r3_count_sentence(count, who, family.label, minimum), capacity_sentence]
    reasons.append(_r3_proposal_sentence(whole, share.value))
    default_source = rules.screening["default_capacity_per_structure"].source
    return FindingDraft(
        "R3-reservation",
        "reservation",
        reasons,
        article,
        lambda: {
            "structures_capables": {"valeur": count, "source": "Annuaire Dentelle des SIAE"},
            "montant_annuel": {"valeur": str(yearly), "source": "Programmation"},
            "part_minimale": {"valeur": str(share.value), "source": share.source},
            "capacite": {
                "valeur": str(capacity_cap),
                "source": default_source if assumed else "Chiffres d'affaires connus des structures capables",
                "hypothese": assumed,
            },
        },
        proposal={"reservation_kind": kind},
    )


@lru_cache(maxsize=1024)
def _r3_assumption(structures, per_structure):
    return (
        f" (hypothèse à vérifier, pas une donnée : {structures} structures × {euros(per_structure)} HT/an "
        "chacune, chiffre d'affaires inconnu)."
    )


@lru_cache(maxsize=1024)
def _r3_count_sentence(count, who, label, minimum):
    return f"{count} structures ({who}) capables sur le territoire du lot pour le métier « {label} » (minimum {minimum})."


@lru_cache(maxsize=64)
def _r3_proposal_sentence(whole, share):
    target = "le marché entier (lot unique)" if whole else "ce lot"
    return (
        f"Proposition : réserver {target} ; part minimale de travailleurs défavorisés ou handicapés "
        f"{pct(share)} (R2113-7)."
    )


def _yearly(facts):
    if facts.amount is None:
        return None
    if facts.duration_months and facts.duration_months > 12:
        return (facts.amount * 12 / facts.duration_months).quantize(Decimal("1"))
    return facts.amount


def _is_maintenance(facts, family):
    if family is not None and family.id in MAINTENANCE_FAMILIES:
        return True
    folded = fold(facts.title)  # « PROPRETÉ », « Propreté » and « proprete » alike
    return any(w in folded for w in MAINTENANCE_WORDS)


def _r4_allotment(facts, family, estimate, thresholds, rules):
    if not facts.able_by_unit or not _is_maintenance(facts, family) or not facts.amount:
        return None
    many_departments = len(facts.department_codes) >= _settings(rules)["allotment_min_departments"]
    many_sites = (facts.sites_count or 0) >= _settings(rules)["allotment_min_sites"]
    if not (many_departments or many_sites):
        return None
    units = [
        Unit(kind, code, name, able, Decimal(str(weight)))
        for kind, code, name, able, weight in facts.able_by_unit
    ]
    min_amount = _settings(rules)["allotment_min_lot_amount"]
    minimum = int(_settings(rules)["min_able_structures"])
    split = propose_split(facts.amount, units, min_amount, minimum, facts.title)
    if not split.splits:
        return None
    scope = (
        f"{len(facts.department_codes)} départements" if many_departments else f"{facts.sites_count} sites"
    )
    reasons = [
        f"Marché d'entretien couvrant {scope} : un allotissement territorial ouvre l'accès aux structures locales.",
        f"Avant : 1 lot de {euros(facts.amount)}. Après : {len(split.after)} lots — "
        + " ; ".join(
            f"{lot.label} {euros(lot.amount)} ({lot.able_structures} structures)" for lot in split.after
        )
        + ".",
        f"Chaque lot ≥ {euros(min_amount)} et ≥ {minimum} structures capables ; "
        "les territoires trop petits sont regroupés.",
    ]
    return FindingDraft(
        "R4-allotment",
        "allotment",
        reasons,
        "CCP L2113-10 (allotissement) ; L2113-11",
        lambda: {
            "lot_min": {
                "valeur": str(min_amount),
                "source": rules.screening["allotment_min_lot_amount"].source,
            }
        },
        proposal=split.as_dict(),
    )


def _r6_new_sector(facts, family, estimate, thresholds, rules):
    if family is None or not family.new_sector or facts.clause_hours or not facts.amount:
        return None
    dispense = thresholds.dispense(facts.nature)
    if dispense.value is not None and facts.amount < dispense.value:
        return None
    volume = plausible_hours(
        estimate.hours if estimate is not None and estimate.clause_advised else None, facts.nature, rules
    )
    hours = volume.hours
    reasons = [
        f"Secteur où les clauses sont rares ({family.label}) : le titulaire emploie aussi des fonctions "
        f"support ({', '.join(family.support_jobs)}) accessibles à des personnes en insertion.",
        f"Montant {euros(facts.amount)} au-dessus du seuil de dispense ({euros(dispense.value)}).",
    ]
    if hours:
        reasons.append(f"{grouped_int(volume.chain_hours)} h d'insertion estimées.")
        if volume.capped:
            reasons.append(volume.reason)
    else:
        reasons += estimate.warnings if estimate else []
        reasons.append("Volume d'heures à calibrer avec le facilitateur (paramètres du métier inconnus).")
    return FindingDraft(
        "R6-new-sector",
        "new_sector",
        reasons,
        "CCP L2112-2 ; CCAG 2021 art. 16.1",
        _with_cap(estimate, volume) if estimate else {},
        hours,
    )


def _r7_criterion(facts, family, estimate, thresholds, rules):
    if family is None or not family.fit_for_siae or family.new_sector or facts.social_award_criterion:
        return None
    if facts.clause_hours or not facts.amount:
        return None
    dispense = thresholds.dispense(facts.nature)
    if dispense.value is not None and facts.amount < dispense.value:
        return None
    max_hours = _settings(rules)["award_criterion_max_hours"]
    if estimate is not None and estimate.hours is None:
        why = "le volume d'une clause ne peut pas être calibré (paramètres du métier inconnus)"
    elif estimate is not None and not estimate.clause_advised:
        why = f"le volume estimé ({grouped_int(estimate.hours)} h) est trop faible pour une clause"
    elif estimate is not None and estimate.hours < max_hours:
        why = f"le volume estimé ({grouped_int(estimate.hours)} h) est sous {grouped_int(max_hours)} h"
    else:
        return None
    reasons = [
        f"Prestation « {family.label} » susceptible d'être exécutée en partie par des personnes en insertion, "
        f"mais {why}.",
        "Un critère d'attribution sur la performance en matière d'insertion (objectif, non discriminatoire) "
        "convient mieux qu'une clause non chiffrée.",
    ]
    return FindingDraft(
        "R7-award-criterion",
        "award_criterion",
        reasons,
        "CCP R2152-7 ; CE 25 mars 2013 n° 364950",
        estimate if estimate else {},
    )
