# pure: no database
"""Field parsing: one published record (v1/v2 JSON object or flattened CSV row) → ``DecpRecord``.

Every bad field is reported as a ``DecpProblem`` and left empty; nothing here raises.
"""

import re

from dentelle.core.numbers import AMOUNT, DURATION_MONTHS, NumberError, parse_integer, parse_number
from dentelle.core.parsing import iso_date
from dentelle.core.validators import normalise_cpv
from dentelle.decp.records import (
    ENVIRONMENTAL_VALUES,
    SOCIAL_VALUES,
    DecpProblem,
    DecpRecord,
    Holder,
    SubcontractingAct,
)

DATE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")


class _Fields:
    """Field parsers that report their problems against one record."""

    def __init__(self, index, record_id, problems):
        self.index, self.record_id, self.problems = index, record_id, problems

    def problem(self, name, reason):
        self.problems.append(DecpProblem(self.index, name, reason, self.record_id))

    def text(self, value, name):
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            self.problem(name, "texte attendu")
            return ""
        return str(value).strip()

    def cpv(self, value, name="codeCPV"):
        text = self.text(value, name)
        if not text:
            self.problem(name, "code CPV manquant")
            return ""
        # Some v1 publishers stored the code as a number and lost its leading zero (9132100 = 09132100).
        if re.fullmatch(r"\d{7}(-\d)?", text):
            self.problem(name, f"code CPV à 7 chiffres ({text}) complété par un zéro initial")
            text = "0" + text
        try:
            return normalise_cpv(text)
        except ValueError as exc:
            self.problem(name, str(exc))
            return ""

    def amount(self, value, name):
        if value is None or value == "":
            self.problem(name, "montant manquant")
            return None
        try:
            return parse_number(value, AMOUNT, french=False)  # bounded: no NaN, no infinity, no 1e999999
        except NumberError as exc:
            self.problem(name, f"montant invalide : {exc.reason}")
            return None

    def months(self, value, name="dureeMois"):
        if value is None or value == "":
            return None
        try:
            # Bounded before any int(): « 1e2000000 » would hold the worker for minutes.
            return parse_integer(value, DURATION_MONTHS, french=False)
        except NumberError as exc:
            self.problem(name, f"durée en mois invalide : {exc.reason}")
            return None

    def date(self, value, name):
        text = self.text(value, name)
        if not text:
            return None
        match = DATE_RE.match(text)
        try:
            if not match:
                raise ValueError
            return iso_date(match.group(1))
        except ValueError:  # DateError included
            self.problem(name, f"date invalide ({text!r} : AAAA-MM-JJ attendu)")
            return None

    def holder(self, item, name):
        if not isinstance(item, dict):
            self.problem(name, "titulaire mal formé")
            return None
        holder_id = re.sub(r"\s", "", self.text(item.get("id"), name))
        id_type = self.text(item.get("typeIdentifiant"), name)
        if not holder_id:
            self.problem(name, "identifiant du titulaire manquant")
            return None
        if id_type.upper() == "SIRET" and not re.fullmatch(r"\d{14}", holder_id):
            self.problem(name, f"SIRET du titulaire mal formé ({holder_id} : 14 chiffres attendus)")
        return Holder(holder_id, id_type, self.text(item.get("denominationSociale"), name))

    def enum_list(self, container, outer, inner, allowed):
        if container is None:
            self.problem(outer, "champ obligatoire absent (format v2)")
            return ()
        values = container.get(inner) if isinstance(container, dict) else container
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list):
            self.problem(outer, "liste de valeurs attendue")
            return ()
        kept = []
        for value in values:
            if isinstance(value, str) and value in allowed:
                if value not in kept:
                    kept.append(value)
            else:
                self.problem(outer, f"valeur inconnue ({value!r})")
        return tuple(kept)


def _unwrap(item, key):
    """v2 wraps each list element: {"titulaire": {...}}; v1 does not."""
    if isinstance(item, dict) and isinstance(item.get(key), dict):
        return item[key]
    return item


def record_from_json(item, index, version, problems):
    if not isinstance(item, dict):
        problems.append(DecpProblem(index, "(enregistrement)", "objet JSON attendu"))
        item = {}
    record_id = str(item.get("id") or "").strip()
    fields = _Fields(index, record_id, problems)
    if not record_id:
        fields.problem("id", "identifiant du marché manquant")
    is_concession = (
        "autoriteConcedante" in item
        or "concessionnaires" in item
        or (str(item.get("_type", "")).lower().startswith("contrat de concession"))
    )
    buyer = item.get("autoriteConcedante" if is_concession else "acheteur")
    buyer_field = "autoriteConcedante" if is_concession else "acheteur"
    if not isinstance(buyer, dict):
        fields.problem(buyer_field, "acheteur manquant")
        buyer = {}
    place = item.get("lieuExecution")
    if place is not None and not isinstance(place, dict):
        fields.problem("lieuExecution", "objet attendu")
    place = place if isinstance(place, dict) else {}

    holders_key, wrapper = (
        ("concessionnaires", "concessionnaire") if is_concession else ("titulaires", "titulaire")
    )
    raw_holders = item.get(holders_key)
    holders = []
    if raw_holders is None:
        fields.problem(holders_key, "aucun titulaire publié")
    elif not isinstance(raw_holders, list):
        fields.problem(holders_key, "liste attendue")
    else:
        for raw in raw_holders:
            holder = fields.holder(_unwrap(raw, wrapper), holders_key)
            if holder:
                holders.append(holder)

    social = environmental = ()
    acts = []
    if version == "2":
        social = fields.enum_list(
            item.get("considerationsSociales"),
            "considerationsSociales",
            "considerationSociale",
            SOCIAL_VALUES,
        )
        environmental = fields.enum_list(
            item.get("considerationsEnvironnementales"),
            "considerationsEnvironnementales",
            "considerationEnvironnementale",
            ENVIRONMENTAL_VALUES,
        )
        raw_acts = item.get("actesSousTraitance") or []
        if isinstance(raw_acts, dict):  # one act written without its list
            raw_acts = [raw_acts]
        if not isinstance(raw_acts, list):
            fields.problem("actesSousTraitance", "liste attendue")
            raw_acts = []
        for raw in raw_acts:
            act = _unwrap(raw, "acteSousTraitance")
            subcontractor = act.get("sousTraitant") if isinstance(act, dict) else None
            holder = fields.holder(subcontractor, "actesSousTraitance")
            if holder:
                amount = (
                    fields.amount(act["montant"], "actesSousTraitance.montant") if "montant" in act else None
                )
                acts.append(SubcontractingAct(holder.id, holder.id_type, amount))

    amount_key = "valeurGlobale" if is_concession else "montant"
    date_key = "dateSignature" if is_concession else "dateNotification"
    return DecpRecord(
        index=index,
        id=record_id,
        uid=fields.text(item.get("uid") or item.get("uuid"), "uid"),
        kind="concession" if is_concession else "marche",
        format_version=version,
        source=fields.text(item.get("source"), "source"),
        buyer_siret=fields.text(buyer.get("id"), buyer_field),
        buyer_name=fields.text(buyer.get("nom"), buyer_field),
        nature=fields.text(item.get("nature"), "nature"),
        object=fields.text(item.get("objet"), "objet"),
        cpv=fields.cpv(item.get("codeCPV")) if "codeCPV" in item or not is_concession else "",
        procedure=fields.text(item.get("procedure"), "procedure"),
        place_code=fields.text(place.get("code"), "lieuExecution.code"),
        place_type=fields.text(place.get("typeCode"), "lieuExecution.typeCode"),
        place_name=fields.text(place.get("nom"), "lieuExecution.nom"),
        duration_months=fields.months(item.get("dureeMois")),
        notification_date=fields.date(item.get(date_key), date_key),
        amount=fields.amount(item.get(amount_key), amount_key),
        holders=tuple(holders),
        social_considerations=social,
        environmental_considerations=environmental,
        subcontracting_acts=tuple(acts),
    )


# The text fields of a record in a flat file, one cell each: DecpRecord field → column.
CSV_TEXT_COLUMNS = {
    "uid": "uid",
    "source": "source",
    "buyer_siret": "acheteur_id",
    "buyer_name": "acheteur_nom",
    "nature": "nature",
    "object": "objet",
    "procedure": "procedure",
    "place_code": "lieu_execution_code",
    "place_type": "lieu_execution_type",
    "place_name": "lieu_execution_nom",
}


def cell(row, column):
    """A cell of a flat row (CSV v1, consolidated file) as text: stripped, "" when empty or absent."""
    return (row.get(column) or "").strip()


def missing_columns(name, kind, required, header):
    """Why the file ``name`` is not ``kind`` when its header lacks some ``required`` columns; else None."""
    missing = [column for column in required if column not in header]
    if not missing:
        return None
    return f"Fichier DECP « {name} » : ce n'est pas {kind}, colonnes manquantes : {', '.join(missing)}."


def flat_texts(row, columns):
    """The text fields of a record read from a flat row, ``columns`` naming the column of each."""
    return {field: cell(row, column) for field, column in columns.items()}


def record_from_csv(row, index, problems):
    record_id = cell(row, "id")
    fields = _Fields(index, record_id, problems)
    if not record_id:
        fields.problem("id", "identifiant du marché manquant")
    if None in row:  # more cells than columns
        fields.problem("(ligne)", "cellules en trop")
    holders = []
    ids = (
        [v.strip() for v in (row.get("titulaires_ids") or "").split("|")] if row.get("titulaires_ids") else []
    )
    names = (row.get("titulaires_noms") or "").split("|")
    types = (row.get("titulaires_types_id") or "").split("|")
    if ids and (len(names) != len(ids) or len(types) != len(ids)):
        fields.problem(
            "titulaires_ids", "nombre d'identifiants, de noms et de types de titulaires différents"
        )
    for position, holder_id in enumerate(ids):
        raw = {
            "id": holder_id,
            "typeIdentifiant": types[position] if position < len(types) else "",
            "denominationSociale": names[position] if position < len(names) else "",
        }
        holder = fields.holder(raw, "titulaires_ids")
        if holder:
            holders.append(holder)
    is_concession = cell(row, "type").lower().startswith("contrat de concession")
    return DecpRecord(
        index=index,
        id=record_id,
        kind="concession" if is_concession else "marche",
        format_version="1",
        **flat_texts(row, CSV_TEXT_COLUMNS),
        cpv=fields.cpv(row.get("code_cpv"), "code_cpv") if row.get("code_cpv") or not is_concession else "",
        duration_months=fields.months(row.get("duree_mois"), "duree_mois"),
        notification_date=fields.date(row.get("date_notification"), "date_notification"),
        amount=fields.amount(row.get("montant"), "montant"),
        holders=tuple(holders),
    )
