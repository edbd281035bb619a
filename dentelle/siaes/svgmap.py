# pure: no database
"""Maps as inline SVG drawn from our own coordinates: no tiles, no network (pure module).

An equirectangular projection corrected by the cosine of the mean latitude is enough at the scale
of a region or of metropolitan France.
"""

import math
from html import escape

import numpy as np

WIDTH, HEIGHT, MARGIN = 640, 520, 24
MAX_POINTS = 3000
MAX_TOOLTIPS = 400  # beyond, points carry no title: the page stays light


class Projection:
    def __init__(self, points, width=WIDTH, height=HEIGHT, margin=MARGIN):
        lats = [p[0] for p in points] or [46.5]
        lons = [p[1] for p in points] or [2.5]
        self.lat_min, self.lat_max = min(lats), max(lats)
        self.lon_min, self.lon_max = min(lons), max(lons)
        self.kx = math.cos(math.radians((self.lat_min + self.lat_max) / 2))
        span_x = max((self.lon_max - self.lon_min) * self.kx, 0.05)
        span_y = max(self.lat_max - self.lat_min, 0.05)
        self.scale = min((width - 2 * margin) / span_x, (height - 2 * margin) / span_y)
        self.width, self.height, self.margin = width, height, margin

    def __call__(self, lat, lon):
        x = self.margin + (lon - self.lon_min) * self.kx * self.scale
        y = self.height - self.margin - (lat - self.lat_min) * self.scale
        return round(x, 1), round(y, 1)


METROPOLE = (41.0, 51.5, -5.5, 10.0)  # lat min, lat max, lon min, lon max


def in_metropole(lat, lon):
    return METROPOLE[0] <= lat <= METROPOLE[1] and METROPOLE[2] <= lon <= METROPOLE[3]


def metropolitan_if_mixed(points):
    """Overseas points would shrink mainland France to a dot: drawn only when nothing else is."""
    mainland = [p for p in points if in_metropole(p[0], p[1])]
    return mainland or list(points)


_CENTROIDS = {}  # id(index) → {department: (lat, lon)}; the index is rebuilt, never mutated


def department_centroids(index, departments=None):
    """Mean of the commune centroids of each department (communes of kind COM)."""
    key = id(index)
    if _CENTROIDS.get("key") != key:
        sums = {}
        for commune in index.communes.values():
            if commune.kind != "COM" or commune.latitude is None:
                continue
            lat, lon, n = sums.get(commune.department_code, (0.0, 0.0, 0))
            sums[commune.department_code] = (lat + commune.latitude, lon + commune.longitude, n + 1)
        _CENTROIDS.clear()
        _CENTROIDS.update(key=key, data={code: (lat / n, lon / n) for code, (lat, lon, n) in sums.items()})
    data = _CENTROIDS["data"]
    return dict(data) if departments is None else {code: data[code] for code in departments if code in data}


_COMMUNES = {}  # id(index) → [(lat, lon, department)]


def commune_points(index):
    """(lat, lon, department) of every commune with a centroid (kind COM), for department_outlines."""
    key = id(index)
    if _COMMUNES.get("key") != key:
        points = [
            (c.latitude, c.longitude, c.department_code)
            for c in index.communes.values()
            if c.kind == "COM" and c.latitude is not None and c.department_code
        ]
        _COMMUNES.clear()
        _COMMUNES.update(key=key, data=points)
    return _COMMUNES["data"]


OUTLINE_CELL = 2  # px: the raster step of the outlines
OUTLINE_REACH_KM = 8.0  # a cell farther than this from every commune centroid is sea or abroad
_NEIGHBOURS = ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1))


def department_outlines(projection, communes, cell=OUTLINE_CELL):
    """SVG path data of the department borders and of the land's edge, drawn from our own data: the
    communes' centroids (COG). Each cell of the map takes the department of its nearest commune (a raster
    Voronoi tessellation of the communes, grown from each centroid one cell at a time, which follows the
    real borders to within a commune's width); a border is drawn where two neighbouring cells differ.
    Cells farther than OUTLINE_REACH_KM from every centroid stay empty (sea, abroad).
    communes: [(lat, lon, department)]."""
    reach = max(2, round(OUTLINE_REACH_KM / 111.0 * projection.scale / cell))
    pad = reach + 2  # cells around the frame: communes just outside still shape the borders inside
    cols = math.ceil(projection.width / cell) + 2 * pad
    rows = math.ceil(projection.height / cell) + 2 * pad
    if not communes:
        return ""
    lat = np.fromiter((c[0] for c in communes), dtype=np.float64, count=len(communes))
    lon = np.fromiter((c[1] for c in communes), dtype=np.float64, count=len(communes))
    x = projection.margin + (lon - projection.lon_min) * projection.kx * projection.scale
    y = projection.height - projection.margin - (lat - projection.lat_min) * projection.scale
    col = np.floor(x / cell).astype(np.int64) + pad
    row = np.floor(y / cell).astype(np.int64) + pad
    inside = (col >= 0) & (col < cols) & (row >= 0) & (row < rows)
    if not inside.any():
        return ""
    codes = sorted({communes[k][2] for k in np.flatnonzero(inside)})
    number = {code: n + 1 for n, code in enumerate(codes)}
    labels = np.array([number.get(c[2], 0) for c in communes], dtype=np.int32)
    owner = np.zeros((rows, cols), dtype=np.int32)
    owner[row[inside], col[inside]] = labels[inside]
    for _ in range(reach):
        grown = owner.copy()
        for dy, dx in _NEIGHBOURS:
            shifted = _shift(owner, dy, dx)
            take = (grown == 0) & (shifted != 0)
            grown[take] = shifted[take]
        if np.array_equal(grown, owner):
            break
        owner = grown
    return borders_path(owner[pad:-pad, pad:-pad], cell)


def _outline_element(projection, communes):
    outline = department_outlines(projection, communes) if communes else ""
    if not outline:
        return ""
    return (
        f'<path d="{outline}" fill="none" stroke="#929292" stroke-width="1" stroke-linecap="square" '
        'class="dentelle-map-borders"/>'
    )


def _shift(grid, dy, dx):
    """The grid moved by (dy, dx) cells, zeros where nothing comes in."""
    moved = np.zeros_like(grid)
    rows, cols = grid.shape
    moved[max(dy, 0) : rows + min(dy, 0), max(dx, 0) : cols + min(dx, 0)] = grid[
        max(-dy, 0) : rows + min(-dy, 0), max(-dx, 0) : cols + min(-dx, 0)
    ]
    return moved


def borders_path(owner, cell):
    """Path data of the edges between cells of different owners, collinear edges joined (also the lot
    page's allotment map). ``cell``: the side of a cell in SVG units, whole or not."""
    parts = []
    rows, cols = owner.shape
    vertical = owner[:, 1:] != owner[:, :-1]  # edge at x = (j + 1) * cell between rows i
    for j in range(cols - 1):
        parts += _runs(
            vertical[:, j], lambda a, b, j=j: f"M{_n((j + 1) * cell)} {_n(a * cell)}V{_n(b * cell)}"
        )
    horizontal = owner[1:, :] != owner[:-1, :]  # edge at y = (i + 1) * cell between columns j
    for i in range(rows - 1):
        parts += _runs(
            horizontal[i, :], lambda a, b, i=i: f"M{_n(a * cell)} {_n((i + 1) * cell)}H{_n(b * cell)}"
        )
    return "".join(parts)


def _n(value):
    """An SVG coordinate: whole numbers as they are (« 12 »), others to a tenth with a dot (« 3.6 »)."""
    return str(value) if isinstance(value, int) else f"{value:.1f}"


def _runs(mask, draw):
    """One drawing per run of True in a 1-D mask: draw(start, end)."""
    if not mask.any():
        return []
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [draw(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def points_map(points, labels, title, max_points=MAX_POINTS, communes=None):
    """points: [(lat, lon, tooltip)]; labels: [(lat, lon, text)] (department centroids); communes:
    [(lat, lon, department)] to draw the department outlines under the points (None: no outlines)."""
    shown = metropolitan_if_mixed(points)[:max_points]
    if shown and all(in_metropole(p[0], p[1]) for p in shown):
        labels = [label for label in labels if in_metropole(label[0], label[1])]
    projection = Projection([(p[0], p[1]) for p in shown] + [(lab[0], lab[1]) for lab in labels])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="dentelle-map">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f6f6f6"/>',
    ]
    parts.append(_outline_element(projection, communes))
    if len(shown) > MAX_TOOLTIPS:
        parts.append('<g fill="#000091" fill-opacity="0.5">')
    for lat, lon, text in labels:
        x, y = projection(lat, lon)
        parts.append(
            f'<text x="{x}" y="{y}" font-size="12" fill="#666" text-anchor="middle">{escape(text)}</text>'
        )
    for lat, lon, tooltip in shown:
        x, y = projection(lat, lon)
        if len(shown) <= MAX_TOOLTIPS:
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="#000091" fill-opacity="0.6"><title>{escape(tooltip)}</title></circle>'
            )
        else:
            parts.append(f'<circle cx="{x}" cy="{y}" r="2"/>')
    if len(shown) > MAX_TOOLTIPS:
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def bubble_map(bubbles, title, communes=None):
    """bubbles: [(lat, lon, label, count, colour)]: one circle per department, area ∝ count; communes as
    in points_map (department outlines under the circles)."""
    projection = Projection([(b[0], b[1]) for b in bubbles])
    biggest = max([b[3] for b in bubbles] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="dentelle-map">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f6f6f6"/>',
        _outline_element(projection, communes),
    ]
    for lat, lon, label, count, colour in bubbles:
        x, y = projection(lat, lon)
        radius = 8 + 30 * math.sqrt(count / biggest)
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" fill="{colour}" fill-opacity="0.55" stroke="#333">'
            f"<title>{escape(label)} : {count}</title></circle>"
        )
        parts.append(
            f'<text x="{x}" y="{y + 4}" font-size="12" text-anchor="middle">{escape(label.split(" ")[0])} · {count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
