"""The in-memory SIAE index: structure features as numpy arrays, built once from the database.

`get_structure_index()` returns cached `StructureArrays`; it rebuilds when the directory changed
(version = the token of the `siaes_directory` data version, changed by database triggers on every write
to structures, competences, areas, capacities and won contracts: `dentelle.core.versions`), checked at most every `CHECK_SECONDS`,
and at once after a save in this process (signals).
"""

import csv
import threading
import time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from dentelle.core.diskcache import cached
from dentelle.core.versions import data_version
from dentelle.matching.places import cpv_labels, department_regions, place_names
from dentelle.matching.structures import AreaRecord, CompetenceRecord, StructureRecord, build_structure_arrays
from dentelle.matching.weights import WEIGHTS_PATH, load_weights
from dentelle.referentials.index import _loads_signature
from dentelle.referentials.models import NafCode
from dentelle.siaes.models import Capacity, Competence, ServiceArea, Siae, WonContract
from dentelle.siaes.naf_cpv import TABLE_PATH, default_table, normalise_naf
from dentelle.siaes.querysets import cpv_prefix

DIRECTORY_VERSION = "siaes_directory"  # its triggers: migration siaes 0006
ROME_TRADES_FILE = "siae/siae_metiers_rome_2019_07.csv"
CHECK_SECONDS = 0.0  # always compare the version (one primary-key read); batches pass arrays explicitly
_lock = threading.Lock()
_state = {"arrays": None, "version": None, "checked_at": 0.0, "dirty": True}


def directory_version():
    """The directory's version token (one primary-key read), which database triggers change on every
    write to the tables this index reads, whichever process or code path wrote (bulk imports and
    `QuerySet.update()` included). None when the row is missing."""
    return data_version(DIRECTORY_VERSION)


def invalidate_structure_index(**_kwargs):
    _state["dirty"] = True


for _model in (Siae, Competence, ServiceArea, Capacity, WonContract):
    post_save.connect(
        invalidate_structure_index, sender=_model, dispatch_uid=f"matching-index-{_model.__name__}"
    )
    post_delete.connect(
        invalidate_structure_index, sender=_model, dispatch_uid=f"matching-index-del-{_model.__name__}"
    )


def get_structure_index(force=False):
    now = time.monotonic()
    with _lock:
        arrays = _state["arrays"]
        if (
            arrays is not None
            and not force
            and not _state["dirty"]
            and now - _state["checked_at"] < CHECK_SECONDS
        ):
            return arrays
        version = directory_version()
        _state["checked_at"] = now
        if arrays is None or force or version != _state["version"] or (version is None and _state["dirty"]):
            arrays = cached_index(version) if not force else build_index_from_db(version)
            _state.update(arrays=arrays, version=version)
        _state["dirty"] = False
        return arrays


@lru_cache(maxsize=1)
def rome_trades(path=None):
    """SIRET → job titles (ROME appellations) of the shared ASP trades file (117 structures, 2019-07).

    The directory does not import this file; the matching reads it in place as extra profile text, so
    "Jardinier / Jardinière" tells what a structure does when its competences are only kind defaults.
    A missing or unreadable file gives no trades (the text criterion simply has less to read)."""
    path = Path(path or Path(settings.DENTELLE_DATA_DIR) / ROME_TRADES_FILE)
    trades = {}
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                siret, title = (row.get("siret") or "").strip(), (row.get("appellation") or "").strip()
                if siret and title:
                    trades.setdefault(siret, []).append(title)
    except (OSError, UnicodeDecodeError, csv.Error):
        return {}
    return trades


def generic_naf_prefixes(naf):
    """CPV prefixes the NAF→CPV table derives from `naf` through a line marked non-specific (96.09Z
    "autres services personnels" → 9839): they say little about the trade, so they weigh like kind
    defaults (origin `naf_generic` in the weights)."""
    dotted = normalise_naf(naf)
    if not dotted:
        return frozenset()
    table = default_table()
    rows = table.by_naf.get(dotted) or table.by_division.get(dotted[:2], [])
    return frozenset(row.cpv_prefix for row in rows if not row.specific)


def structure_records(queryset=None):
    """StructureRecords of the directory (every structure: inactive ones are gated in scoring)."""
    labels = cpv_labels()
    trades = rome_trades()
    naf_labels = dict(NafCode.objects.values_list("code", "label"))
    siaes = list(
        (queryset if queryset is not None else Siae.objects.all())
        .order_by("pk")
        .values(
            "pk",
            "siret",
            "name",
            "brand",
            "kind",
            "is_active",
            "naf",
            "department_code",
            "region_code",
            "commune_insee_code",
            "latitude",
            "longitude",
            "description",
            "offers_service_provision",
            "offers_staff_provision",
            "offers_goods_production",
        )
    )
    competences, areas, capacities, won = {}, {}, {}, {}
    for siae_id, prefix, origin in Competence.objects.values_list("siae_id", "cpv_prefix", "origin"):
        competences.setdefault(siae_id, []).append((prefix, origin))
    for siae_id, kind, code, radius, origin in ServiceArea.objects.values_list(
        "siae_id", "kind", "code", "radius_km", "origin"
    ):
        areas.setdefault(siae_id, []).append(AreaRecord(kind, code, radius, origin != "default"))
    for siae_id, metric, value in Capacity.objects.values_list("siae_id", "metric", "value"):
        capacities.setdefault(siae_id, {})[metric] = float(value)
    for pk, siae_id, decp_id, cpv in WonContract.objects.exclude(cpv_code="").values_list(
        "pk", "siae_id", "decp_id", "cpv_code"
    ):
        won.setdefault(siae_id, []).append((cpv, decp_id or f"won:{pk}"))

    records = []
    for row in siaes:
        pk = row["pk"]
        rows = []
        won_prefixes = set()
        # Won contracts become competences with their contract as evidence, so the evaluation can leave
        # one contract out; a won_contract Competence row without its contract is kept as is.
        for cpv, evidence in won.get(pk, []):
            prefix = cpv_prefix(cpv)
            won_prefixes.add(prefix)
            rows.append(CompetenceRecord(prefix, "won_contract", evidence))
        profile_labels = []
        generic = generic_naf_prefixes(row["naf"])
        for prefix, origin in competences.get(pk, []):
            if origin == "won_contract" and prefix in won_prefixes:
                continue
            if origin == "naf" and prefix in generic:
                origin = "naf_generic"
            rows.append(CompetenceRecord(prefix, origin))
            if origin not in {"won_contract", "kind", "naf_generic"}:  # defaults say nothing specific
                profile_labels.append(labels.get((prefix + "00000000")[:8], ""))
        naf = row["naf"]
        naf_label = naf_labels.get(f"{naf[:2]}.{naf[2:]}" if len(naf) == 5 else naf, "")
        capacity = capacities.get(pk, {})
        fte = None
        if "insertion_fte" in capacity or "permanent_fte" in capacity:
            fte = capacity.get("insertion_fte", 0.0) + capacity.get("permanent_fte", 0.0)
        elif "authorised_places" in capacity:
            fte = capacity["authorised_places"]  # ESAT: authorised places ≈ workers
        offers = tuple(
            name
            for name, flag in (
                ("service_provision", row["offers_service_provision"]),
                ("staff_provision", row["offers_staff_provision"]),
                ("goods_production", row["offers_goods_production"]),
            )
            if flag
        )
        records.append(
            StructureRecord(
                pk=pk,
                name=row["brand"] or row["name"],
                kind=row["kind"],
                siret=row["siret"],
                is_active=row["is_active"],
                department_code=row["department_code"],
                region_code=row["region_code"],
                commune_code=row["commune_insee_code"],
                latitude=row["latitude"],
                longitude=row["longitude"],
                competences=rows,
                areas=areas.get(pk, []),
                turnover=capacity.get("annual_turnover"),
                largest_contract=capacity.get("largest_contract"),
                fte=fte,
                free_monthly_hours=capacity.get("free_monthly_hours"),
                offers=offers,
                # What it does, never what it is called: the name goes to its own, weaker index.
                profile_text=" ".join(
                    [naf_label, row["description"][:1000], *profile_labels, *trades.get(row["siret"], [])]
                ),
            )
        )
    return records


# The code the arrays come from (all of the matching package: cheap to hash, never stale).
INDEX_SOURCES = sorted(Path(__file__).parent.glob("*.py")) + [
    Path(__file__).parent.parent / "siaes" / name for name in ("naf_cpv.py", "querysets.py")
]


def cached_index(version):
    """The index of directory state `version`, from the on-disk cache when a previous process built it.

    The key names everything the arrays are built from: the directory's version token (changed by
    triggers on any write), the referentials' loads (labels, place names, regions), the weights file,
    the ROME trades file and the NAF → CPV table, and (as file contents) the code that builds them."""

    if version is None:
        return build_index_from_db(version)
    rome = Path(settings.DENTELLE_DATA_DIR) / ROME_TRADES_FILE
    key = (
        settings.DATABASES["default"]["NAME"],
        version,
        [tuple(map(str, row)) for row in _loads_signature()],
    )
    sources = [*INDEX_SOURCES, WEIGHTS_PATH, TABLE_PATH, rome]
    return cached("structure-index", key, lambda: build_index_from_db(version), sources)


def build_index_from_db(version=None, records=None):
    weights = load_weights()
    return build_structure_arrays(
        records if records is not None else structure_records(),
        department_region=department_regions(),
        place_names=place_names(),
        origin_weights=weights.origin_weights,
        default_radius_km=weights.territory["default_radius_km"],
        version=version,
    )
