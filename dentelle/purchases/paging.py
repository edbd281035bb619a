"""Bounds of the API's `limit`/`offset`: checked here, whatever guard sits in front (CLI, tests, views).

A negative slice makes the ORM raise, and an offset beyond 64 bits overflows the database driver:
both answer 400 with a French reason. A `limit` above the maximum is lowered to it (documented).
"""

from ninja.errors import HttpError

MAX_LIMIT = 1000
MAX_ID = 2**63 - 1  # 64-bit primary keys: beyond, SQLite's driver overflows (PostgreSQL: out of range)
MAX_OFFSET = 10**9  # far beyond any plan; below every database's integer limit
PAGING_HELP = (
    f"Pagination : `limit` de 1 à {MAX_LIMIT} (200 par défaut ; au-delà, ramené à {MAX_LIMIT}), "
    "`offset` positif ou nul. Hors de ces bornes : erreur 400 expliquée. La réponse porte les en-têtes "
    f"`X-Total-Count` (lignes au total, filtres appliqués) et `X-Limit` (limite appliquée : {MAX_LIMIT} pour "
    "une demande au-delà)."
)


def page_bounds(limit, offset, max_limit=MAX_LIMIT):
    """(start, stop) of the slice to serve, or HttpError(400) in French."""
    if limit < 1:
        raise HttpError(400, f"Paramètre « limit » : nombre entre 1 et {max_limit} attendu (reçu {limit}).")
    if offset < 0:
        raise HttpError(400, f"Paramètre « offset » : nombre positif ou nul attendu (reçu {offset}).")
    if offset > MAX_OFFSET:
        raise HttpError(400, f"Paramètre « offset » : nombre trop grand (maximum {MAX_OFFSET}).")
    return offset, offset + min(limit, max_limit)


def check_ids(**ids):
    """Identifiers given as filters must fit the database's integers (None: filter not used)."""
    for name, value in ids.items():
        if value is not None and not 0 <= value <= MAX_ID:
            raise HttpError(400, f"Paramètre « {name} » : identifiant hors limites (reçu {value}).")


def id_or_none(value):
    """A path identifier that cannot exist (out of range) is simply not found."""
    return value if 0 <= value <= MAX_ID else None
