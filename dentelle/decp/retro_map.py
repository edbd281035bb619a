"""Map of the missed potential: one circle per department, its area ∝ the insertion hours the scanner
would have proposed on contracts without a social consideration (inline SVG, no tiles, no network).

Drawn on the directory's projection and department outlines (``dentelle.siaes.svgmap``); circles are
labelled with their department code (the ten largest) and carry the department's name and its hours,
grouped the French way, in their tooltip."""

import math
from html import escape

from dentelle.core.formatting import grouped_int
from dentelle.siaes import svgmap

LABELLED = 10


def missed_hours_map(departments, index):
    """SVG text of ``departments`` ([(code, hours)]), or None when no department can be placed."""
    wanted = [(code, hours) for code, hours in departments if code and hours]
    centroids = svgmap.department_centroids(index, {code for code, _hours in wanted})
    placed = [(*centroids[code], code, hours) for code, hours in wanted if code in centroids]
    mainland = set(svgmap.metropolitan_if_mixed([(lat, lon) for lat, lon, _c, _h in placed]))
    placed = [p for p in placed if (p[0], p[1]) in mainland]
    if not placed:
        return None
    projection = svgmap.Projection([(lat, lon) for lat, lon, _c, _h in placed])
    biggest = max(hours for *_rest, hours in placed)
    title = "Heures d'insertion que le scanner aurait proposées sur des marchés sans considération sociale"
    width, height = svgmap.WIDTH, svgmap.HEIGHT
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="dentelle-map">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f6f6f6"/>',
        svgmap._outline_element(projection, svgmap.commune_points(index)),
    ]
    ordered = sorted(placed, key=lambda p: -p[3])  # the largest first: the small ones stay on top
    for rank, (lat, lon, code, hours) in enumerate(ordered):
        x, y = projection(lat, lon)
        radius = 3 + 26 * math.sqrt(hours / biggest)
        name = index.department_name(code) or ""
        parts.append(
            f'<circle cx="{x}" cy="{y}" r="{radius:.1f}" fill="#000091" fill-opacity="0.45" stroke="#000091">'
            f"<title>{escape(f'{code} {name}'.strip())} : {grouped_int(hours)} h</title></circle>"
        )
        if rank < LABELLED:
            parts.append(
                f'<text x="{x}" y="{y + 4}" font-size="12" font-weight="bold" text-anchor="middle">{escape(code)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
