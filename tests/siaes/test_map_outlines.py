"""Department outlines drawn from the communes' centroids (svgmap.department_outlines): a border where the
nearest commune changes department, nothing where no commune is near (sea, abroad)."""

import re

from dentelle.siaes import svgmap


def _segments(path):
    return re.findall(r"M(\d+) (\d+)([VH])(\d+)", path)


def test_border_between_two_departments_runs_halfway_between_their_communes():
    # Two columns of communes 0.1° of longitude (7 km) apart, each its own department, on the same latitudes.
    communes = [(48.0 + k * 0.05, 2.0, "91") for k in range(20)] + [
        (48.0 + k * 0.05, 2.1, "77") for k in range(20)
    ]
    projection = svgmap.Projection([(48.0, 1.9), (49.0, 2.2)])
    path = svgmap.department_outlines(projection, communes)
    vertical = [int(x) for x, _y, kind, _end in _segments(path) if kind == "V"]
    left, _ = projection(48.5, 2.0)
    right, _ = projection(48.5, 2.1)
    middle = (left + right) / 2
    # the longest vertical border is the one between the departments, within two cells of the midline
    assert any(abs(x - middle) <= 2 * svgmap.OUTLINE_CELL for x in vertical)
    assert all(x < left - 5 or x > right + 5 or abs(x - middle) <= 2 * svgmap.OUTLINE_CELL for x in vertical)


def test_one_department_alone_has_only_its_edge_and_no_commune_no_outline():
    projection = svgmap.Projection([(48.0, 2.0), (49.0, 3.0)])
    assert svgmap.department_outlines(projection, []) == ""
    single = [(48.5, 2.5, "77")]
    path = svgmap.department_outlines(projection, single)
    xs = [int(s[0]) for s in _segments(path)]
    centre_x, _ = projection(48.5, 2.5)
    reach = svgmap.OUTLINE_REACH_KM / 111.0 * projection.scale
    assert xs and all(abs(x - centre_x) <= reach + 3 * svgmap.OUTLINE_CELL for x in xs)


def test_points_map_draws_outlines_under_the_points_only_when_given_communes():
    points = [(48.5, 2.2, "Structure A"), (48.6, 2.3, "Structure B")]
    communes = [(48.5, 2.2, "91"), (48.6, 2.3, "77")]
    with_outlines = svgmap.points_map(points, [], "Carte", communes=communes)
    assert 'class="dentelle-map-borders"' in with_outlines
    assert with_outlines.index("dentelle-map-borders") < with_outlines.index("<circle")
    assert "dentelle-map-borders" not in svgmap.points_map(points, [], "Carte")
