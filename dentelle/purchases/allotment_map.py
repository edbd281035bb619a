"""SVG map of a lot's sites coloured by proposed lot, with department outlines (lot page, no JavaScript).

The referentials hold commune centres, not outlines: the department outlines are drawn from the
communes' Voronoi cells (each point of a fine grid takes the department of its nearest commune centre),
which follows the real boundaries within a few hundred metres in Île-de-France. The page says so.
"""

from functools import lru_cache

import numpy as np

from dentelle.referentials.models import Commune
from dentelle.siaes import svgmap

WIDTH = 640
GRID = 180  # cells across the map for the outlines
# Colour-blind-safe palette (Okabe-Ito, then Tol's muted); lots beyond cycle.
COLOURS = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#882255",
    "#44AA99",
    "#999933",
    "#AA4499",
]


def colour(index):
    return COLOURS[index % len(COLOURS)]


class Frame:
    """Equirectangular projection of a box (south, west, north, east) onto the SVG, north up."""

    def __init__(self, south, west, north, east, width=WIDTH):
        self.south, self.west, self.north, self.east = south, west, north, east
        self.kx = np.cos(np.radians((south + north) / 2))
        self.scale = width / max((east - west) * self.kx, 1e-9)
        self.width = width
        self.height = round((north - south) * self.scale)

    def xy(self, lat, lon):
        return (lon - self.west) * self.kx * self.scale, (self.north - lat) * self.scale


def frame_for(points, margin=0.06):
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    dy, dx = max(north - south, 0.02), max(east - west, 0.03)
    return Frame(south - margin * dy, west - margin * dx, north + margin * dy, east + margin * dx)


@lru_cache(maxsize=16)
def _outline_paths(box, width):
    """(boundary path, [(code, x, y)] labels) of the departments within ``box`` (rounded bounds)."""

    frame = Frame(*box, width=width)
    pad = 0.15
    rows = list(
        Commune.objects.filter(
            kind__in=("COM", "ARM"),
            latitude__gte=box[0] - pad,
            latitude__lte=box[2] + pad,
            longitude__gte=box[1] - pad,
            longitude__lte=box[3] + pad,
        )
        .exclude(insee_code__in=("75056", "13055", "69123"))  # the arrondissements stand for them
        .values_list("department_id", "latitude", "longitude")
    )
    if len(rows) < 2:
        return "", []
    codes = sorted({r[0] for r in rows})
    label = np.array([codes.index(r[0]) for r in rows])
    px = np.array([r[2] for r in rows]) * frame.kx
    py = np.array([r[1] for r in rows])
    cols = GRID
    cell = frame.width / cols
    nrows = max(1, round(frame.height / cell))
    gx = frame.west * frame.kx + (np.arange(cols) + 0.5) * cell / frame.scale
    gy = frame.north - (np.arange(nrows) + 0.5) * cell / frame.scale
    grid = np.empty((nrows, cols), dtype=int)
    for r in range(nrows):  # one row of cells at a time: small memory
        d = (gx[:, None] - px[None, :]) ** 2 + (gy[r] - py[None, :]) ** 2
        grid[r] = label[np.argmin(d, axis=1)]
    outline = svgmap.borders_path(grid, cell)  # the directory maps' border drawing
    labels = []
    for k, code in enumerate(codes):
        inside = grid == k
        if inside.sum() < 40:  # a sliver at the map's edge: no label
            continue
        rr, cc = np.nonzero(inside)
        labels.append((code, float(cc.mean() + 0.5) * cell, float(rr.mean() + 0.5) * cell))
    return outline, labels


def _svg(value):
    """A coordinate as SVG text: a dot for decimals, whatever the page's language (« 264,5 » breaks SVG)."""
    return f"{float(value):.1f}"


def site_map(sites, lots):
    """Map context for the template: sites (x, y, colour, title), lot centres, outlines, legend.

    ``sites``: stored Site objects; ``lots``: the optimiser's lot dicts (label, centre, sites keys)."""
    if not sites:
        return None
    points = [(s.latitude, s.longitude) for s in sites]
    points += [tuple(lot["centre"]) for lot in lots]
    frame = frame_for(points)
    box = tuple(round(v, 3) for v in (frame.south, frame.west, frame.north, frame.east))
    frame = Frame(*box)
    outline, labels = _outline_paths(box, frame.width)  # referentials not loaded: no commune, no outline
    lot_of = {key: k for k, lot in enumerate(lots) for key in lot["sites"]}
    dots = []
    for s in sites:
        x, y = frame.xy(s.latitude, s.longitude)
        k = lot_of.get(str(s.pk))
        dots.append(
            {
                "x": _svg(x),
                "y": _svg(y),
                "colour": colour(k) if k is not None else "#666666",
                "title": f"{s.name} — {s.commune_name or s.department}"
                + (f" — {lots[k]['label']}" if k is not None else ""),
            }
        )
    centres = []
    for k, lot in enumerate(lots):
        x, y = frame.xy(*lot["centre"])
        centres.append({"x": _svg(x), "y": _svg(y), "colour": colour(k), "label": lot["label"]})
    return {
        "width": frame.width,
        "height": frame.height,
        "outline": outline,
        "labels": [{"code": c, "x": _svg(x), "y": _svg(y)} for c, x, y in labels],
        "dots": dots,
        "centres": centres,
        "legend": [{"label": lot["label"], "colour": colour(k)} for k, lot in enumerate(lots)],
    }
