"""Maps as inline SVG drawn from our own coordinates: no tiles, no network (pure module).

An equirectangular projection corrected by the cosine of the mean latitude is enough at the scale
of a region or of metropolitan France.
"""

import math
from html import escape

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


def points_map(points, labels, title, max_points=MAX_POINTS):
    """points: [(lat, lon, tooltip)]; labels: [(lat, lon, text)] (department centroids)."""
    shown = metropolitan_if_mixed(points)[:max_points]
    if shown and all(in_metropole(p[0], p[1]) for p in shown):
        labels = [label for label in labels if in_metropole(label[0], label[1])]
    projection = Projection([(p[0], p[1]) for p in shown] + [(lab[0], lab[1]) for lab in labels])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="dentelle-map">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f6f6f6"/>',
    ]
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


def bubble_map(bubbles, title):
    """bubbles: [(lat, lon, label, count, colour)]: one circle per department, area ∝ count."""
    projection = Projection([(b[0], b[1]) for b in bubbles])
    biggest = max([b[3] for b in bubbles] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="dentelle-map">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f6f6f6"/>',
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
