# pure: no database
"""The directory's arrays restricted to a few structures (the reasons of one structure's opportunities)."""

from dataclasses import replace

import numpy as np

from dentelle.matching.structures import competence_passes
from dentelle.matching.text import restrict_text_index

# StructureArrays columns with one value per structure (picked by row in structure_subset).
STRUCTURE_COLUMNS = (
    "pks",
    "kinds",
    "active",
    "lat",
    "lon",
    "lat_rad",
    "lon_rad",
    "cos_lat",
    "dept_idx",
    "kind_codes",
    "turnover",
    "largest_contract",
    "fte",
    "free_monthly_hours",
    "offers_staff",
    "offers_service",
    "offers_goods",
    "siren",
)
# Columns with one value per competence.
COMPETENCE_COLUMNS = (
    "comp_digits",
    "comp_sig",
    "comp_weight",
    "comp_evidence",
)
# Columns with one value per service area.
AREA_COLUMNS = (
    "area_kind",
    "area_dept",
    "area_region",
    "area_commune",
    "area_radius",
    "area_declared",
    "area_site_dept_covered",
)


def structure_subset(arrays, rows):
    """StructureArrays of structures `rows` only (renumbered 0..k-1), sharing the vocabularies
    (departments, regions, kinds, idf) of `arrays`: scoring a lot against the subset gives those rows
    exactly the values the whole directory gives them, for a fraction of the cost (reasons of one
    structure's opportunities)."""
    rows = np.asarray(rows, dtype=np.int64)
    new_of = {int(old): new for new, old in enumerate(rows)}
    comp = np.flatnonzero(np.isin(arrays.comp_struct, rows))
    area = np.flatnonzero(np.isin(arrays.area_struct, rows))
    comp_struct = np.asarray([new_of[int(r)] for r in arrays.comp_struct[comp]], dtype=np.int32)
    unique, inverse = np.unique(arrays.comp_inverse[comp], return_inverse=True)
    starts = (
        np.flatnonzero(np.r_[True, comp_struct[1:] != comp_struct[:-1]]) if comp.size else np.zeros(0, int)
    )
    capacity = np.asarray([new_of[int(r)] for r in arrays.capacity_rows if int(r) in new_of], dtype=np.int64)
    picked = {name: getattr(arrays, name)[rows] for name in STRUCTURE_COLUMNS}
    picked |= {name: getattr(arrays, name)[comp] for name in COMPETENCE_COLUMNS}
    picked |= {name: getattr(arrays, name)[area] for name in AREA_COLUMNS}
    return replace(
        arrays,
        **picked,
        n=len(rows),
        names=[arrays.names[r] for r in rows],
        sirets=[arrays.sirets[r] for r in rows],
        comp_struct=comp_struct,
        comp_codes=[arrays.comp_codes[i] for i in comp],
        comp_origins=[arrays.comp_origins[i] for i in comp],
        comp_unique_digits=arrays.comp_unique_digits[unique],
        comp_unique_sig=arrays.comp_unique_sig[unique],
        comp_inverse=inverse.astype(np.int32),
        comp_starts=starts.astype(np.int64),
        comp_owners=comp_struct[starts] if comp.size else np.zeros(0, np.int32),
        comp_passes=competence_passes(comp_struct),
        capacity_rows=capacity,
        area_struct=np.asarray([new_of[int(r)] for r in arrays.area_struct[area]], dtype=np.int32),
        text=restrict_text_index(arrays.text, rows, arrays.profiles),
        profiles=[arrays.profiles[r] for r in rows],
        name_text=restrict_text_index(arrays.name_text, rows, arrays.names),
        establishments=arrays.establishments[rows] if arrays.establishments is not None else None,
        row_of_pk={int(arrays.pks[r]): new for new, r in enumerate(rows)},
    )
