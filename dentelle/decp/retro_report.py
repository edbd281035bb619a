"""The national retrospective as French text lines (CLI) and as an XLSX workbook (``--out``)."""

from decimal import Decimal

from dentelle.core.exports import xlsx_bytes
from dentelle.decp.retro_figures import category_label

GROUP_COLUMNS = (
    ("contracts", "Marchés"),
    ("amount", "Montant (€ HT)"),
    ("social_known", "Marchés où la considération sociale est publiée"),
    ("with_social", "dont avec considération sociale"),
    ("social_share", "Part avec considération sociale"),
    ("hours", "Heures d'insertion que le scanner aurait proposées"),
    ("missed_hours", "dont sur des marchés sans considération sociale"),
    ("reservations", "Réservations que le scanner aurait proposées"),
    ("siae_won", "Marchés remportés par des structures de l'annuaire"),
)


def number(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value * 100:.1f} %".replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def euros(value):
    return "—" if value is None else f"{number(Decimal(value))} €"


def _group_line(label, row):
    return (
        f"  {label} : {number(row['contracts'])} marchés, {euros(row['amount'])}, "
        f"considération sociale {number(row['social_share'])}, "
        f"{number(row['hours'])} h proposées (dont {number(row['missed_hours'])} h sur des marchés sans "
        f"considération sociale), {number(row['reservations'])} réservations proposées, "
        f"{number(row['siae_won'])} remportés par des structures de l'annuaire"
    )


def lines(result, top=10):
    out = [
        "",
        "Rétrospective : ce que le scanner aurait proposé (seuils en vigueur à la date de notification)",
        f"  scanner appelé {number(result.scanner_calls)} fois pour {number(result.table.height)} marchés "
        "(une fois par combinaison distincte de ce qu'il lit)",
    ]
    out.append("Par catégorie d'acheteur :")
    for row in result.categories.iter_rows(named=True):
        out.append(_group_line(category_label(row["category"]), row))
    out.append("Par année de notification :")
    for row in result.years.iter_rows(named=True):
        out.append(_group_line(str(row["year"] or "date inconnue"), row))
    out.append(f"Départements (les {top} premiers par heures sur des marchés sans considération sociale) :")
    for row in result.departments.head(top).iter_rows(named=True):
        out.append(_group_line(row["department"] or "lieu non rattachable", row))
    buyers = result.buyers.sort("missed_hours", descending=True).head(top)
    out.append(f"Acheteurs (les {top} premiers par heures sur des marchés sans considération sociale) :")
    for row in buyers.iter_rows(named=True):
        out.append(
            _group_line(f"{row['buyer_name']} ({row['buyer_siret']}, {category_label(row['category'])})", row)
        )
    if result.card is not None:
        out += card_lines(result.card)
    if result.top is not None:
        out.append(
            f"Les {result.top.height} marchés passés à regarder en premier (propositions du scanner d'abord) :"
        )
        for row in result.top.iter_rows(named=True):
            out.append("  " + contract_line(row))
    return out


def card_lines(card):
    out = [
        f"Fiche de comparaison : {card.name} ({card.siret})",
        f"  catégorie « {category_label(card.category)} » : {card.peers} acheteurs dans le fichier, "
        f"dont {card.same_size} de même taille ({card.size})",
    ]
    for label, value, rank, rank_size, median in card.rows:
        shown, median_shown = _measure(label, value), _measure(label, median)
        rank_text = "sans rang" if rank is None else f"rang {rank}/{card.peers}"
        size_text = "" if rank_size is None else f", rang {rank_size}/{card.same_size} à taille égale"
        out.append(f"  {label} : {shown} ({rank_text}{size_text} ; médiane de la catégorie {median_shown})")
    return out


def _measure(label, value):
    if value is None:
        return "—"
    if label.startswith("Part"):
        return number(float(value))
    if label.startswith("Montant"):
        return euros(value)
    return number(round(value))


def contract_line(row):
    day = row["notification_date"].strftime("%d/%m/%Y") if row["notification_date"] else "date inconnue"
    proposal = []
    if row["hours"]:
        proposal.append(f"{number(row['hours'])} h d'insertion")
    if row["reservation"]:
        proposal.append("réservation")
    if not proposal:
        proposal.append(
            "aucune proposition du scanner (division CPV intensive en main-d'œuvre : à revoir)"
            if row.get("labour_intensive")
            else "aucune proposition du scanner"
        )
    return (
        f"{row['id']} du {day} — {row['object'] or '(objet non lu)'} — CPV {row['cpv'] or '?'}, "
        f"{euros(row['amount'])}, département {row['department'] or '?'} : {' + '.join(proposal)}"
    )


def _group_rows(frame, key, label=lambda value: value):
    for row in frame.iter_rows(named=True):
        yield [label(row[key]), *(_cell(row[column]) for column, _title in GROUP_COLUMNS)]


def _cell(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def workbook(result):
    """The XLSX of a retrospective: one sheet per grouping, the peer card and the contracts to look at."""
    header = [title for _column, title in GROUP_COLUMNS]
    buyers = result.buyers
    sheets = [
        (
            "Catégories",
            ["Catégorie d'acheteur", *header],
            _group_rows(result.categories, "category", category_label),
        ),
        ("Années", ["Année de notification", *header], _group_rows(result.years, "year")),
        ("Départements", ["Département", *header], _group_rows(result.departments, "department")),
        (
            "Acheteurs",
            ["SIRET", "Acheteur", "Catégorie", "Taille", *header],
            (
                [row["buyer_siret"], row["buyer_name"], category_label(row["category"]), row["size"]]
                + [_cell(row[column]) for column, _title in GROUP_COLUMNS]
                for row in buyers.iter_rows(named=True)
            ),
        ),
    ]
    if result.card is not None:
        card = result.card
        sheets.append(
            (
                "Fiche de comparaison",
                [
                    "Mesure",
                    card.name,
                    "Rang dans la catégorie",
                    "Rang à taille égale",
                    "Médiane de la catégorie",
                ],
                [
                    [label, _cell(value), rank, rank_size, _cell(median)]
                    for label, value, rank, rank_size, median in card.rows
                ],
            )
        )
    if result.top is not None:
        sheets.append(
            (
                "Marchés à regarder",
                [
                    "Identifiant",
                    "Date de notification",
                    "Objet",
                    "CPV",
                    "Montant (€ HT)",
                    "Département",
                    "Heures proposées",
                    "Réservation proposée",
                ],  # fmt: skip
                [
                    [
                        row["id"],
                        row["notification_date"],
                        row["object"],
                        row["cpv"],
                        _cell(row["amount"]),
                        row["department"],
                        row["hours"],
                        row["reservation"],
                    ]  # fmt: skip
                    for row in result.top.iter_rows(named=True)
                ],
            )
        )
    return xlsx_bytes(sheets, streamed=True)


def as_dict(result):
    """The retrospective in the CLI's JSON output."""

    def rows(frame):
        return [{key: _cell(value) for key, value in row.items()} for row in frame.iter_rows(named=True)]

    data = {
        "scanner_calls": result.scanner_calls,
        "categories": rows(result.categories),
        "years": rows(result.years),
        "departments": rows(result.departments),
    }
    if result.card is not None:
        data["card"] = {
            "siret": result.card.siret,
            "name": result.card.name,
            "category": result.card.category,
            "size": result.card.size,
            "category_buyers": result.card.peers,
            "same_size_buyers": result.card.same_size,
            "measures": [
                {
                    "measure": label,
                    "value": _cell(value),
                    "rank": rank,
                    "size_rank": rank_size,
                    "median": _cell(median),
                }
                for label, value, rank, rank_size, median in result.card.rows
            ],
        }
    if result.top is not None:
        data["contracts_to_review"] = [
            {
                "id": row["id"],
                "object": row["object"],
                "hours": row["hours"],
                "reservation": row["reservation"],
            }
            for row in result.top.iter_rows(named=True)
        ]
    return data
