# pure: no database
"""Charts as inline SVG drawn on the server (no script, no external resource). Pure string building."""

from html import escape

MONTH_LABELS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
BLUE = "#000091"
LIGHT_BLUE = "#cacafb"
GREY = "#929292"
RED = "#ce0500"
GREEN = "#18753c"
ORANGE = "#b34000"


def _fmt(value):
    return f"{round(value):,}".replace(",", "\u202f")


def _nice_max(value):
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def _svg(width, height, title, body):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="dentelle-chart"><title>{escape(title)}</title>'
        f"<style>text{{font:12px Marianne,Arial,sans-serif;fill:#3a3a3a}}</style>{''.join(body)}</svg>"
    )


BAR_SWATCH = (12, 12, 10)  # width, height, rise above the text's baseline
LINE_SWATCH = (14, 4, 9)


def _legend(body, left, baseline, items, swatch=BAR_SWATCH):
    """One line of legend: for each (offset from ``left``, colour, text), a swatch then its text."""
    width, height, rise = swatch
    for offset, colour, text in items:
        x = left + offset
        body.append(
            f'<rect x="{x}" y="{baseline - rise}" width="{width}" height="{height}" fill="{colour}"/>'
        )
        body.append(f'<text x="{x + width + 6}" y="{baseline}">{text}</text>')


def _axis(body, left, top, plot_w, plot_h, y_max, ticks=4):
    for i in range(ticks + 1):
        value = y_max * i / ticks
        y = top + plot_h - plot_h * i / ticks
        body.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{_fmt(value)}</text>')


def cumulative_chart(progress, width=760, height=300):
    """Cumulative realised hours, projection to year end, and the objective line."""
    left, top, right, bottom = 70, 20, 20, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = _nice_max(max([progress.objective, *progress.cumulative_projection, 1]) * 1.05)
    step = plot_w / 12

    def x(i):
        return left + step * (i + 0.5)

    def y(v):
        return top + plot_h - plot_h * v / y_max

    body = []
    _axis(body, left, top, plot_w, plot_h, y_max)
    for i, label in enumerate(MONTH_LABELS):
        body.append(f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{label}</text>')
    oy = y(progress.objective)
    body.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{oy:.1f}" y2="{oy:.1f}" stroke="{RED}" stroke-width="2" '
        f'stroke-dasharray="6 4"/><text x="{left + plot_w}" y="{oy - 6:.1f}" text-anchor="end" fill="{RED}">'
        f"Objectif {_fmt(progress.objective)} h</text>"
    )
    projection = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(progress.cumulative_projection))
    body.append(
        f'<polyline points="{projection}" fill="none" stroke="{GREY}" stroke-width="2" stroke-dasharray="4 3"/>'
    )
    if progress.cumulative_realised:
        realised = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(progress.cumulative_realised))
        body.append(f'<polyline points="{realised}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
        for i, v in enumerate(progress.cumulative_realised):
            body.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{BLUE}"/>')
    last = progress.cumulative_projection[-1] if progress.cumulative_projection else 0
    body.append(
        f'<text x="{x(11):.1f}" y="{y(last) + 16:.1f}" text-anchor="end" fill="{GREY}">Projection {_fmt(last)} h</text>'
    )
    _legend(
        body,
        left,
        height - 8,
        [(0, BLUE, "Réalisé cumulé (validé)"), (190, GREY, "Projection (engagé × taux de réalisation)")],
        swatch=LINE_SWATCH,
    )
    return _svg(width, height, "Heures d'insertion cumulées et projection de fin d'année", body)


def monthly_chart(progress, width=760, height=260):
    """Per month: validated hours (filled bar) beside committed hours (light bar)."""
    left, top, right, bottom = 70, 20, 20, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    y_max = _nice_max(max([*progress.monthly_realised, *progress.monthly_committed, 1]) * 1.05)
    step = plot_w / 12
    bar = step * 0.36
    body = []
    _axis(body, left, top, plot_w, plot_h, y_max)
    for i, label in enumerate(MONTH_LABELS):
        x0 = left + step * i + step * 0.12
        for offset, value, colour, name in (
            (0, progress.monthly_committed[i], LIGHT_BLUE, "engagé"),
            (bar, progress.monthly_realised[i], BLUE, "réalisé"),
        ):
            h = plot_h * value / y_max
            body.append(
                f'<rect x="{x0 + offset:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{label} — {name} : {_fmt(value)} h</title></rect>'
            )
        body.append(
            f'<text x="{left + step * (i + 0.5):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{label}</text>'
        )
    _legend(
        body,
        left,
        height - 8,
        [(0, LIGHT_BLUE, "Engagé (marchés signés, réparti par mois)"), (300, BLUE, "Réalisé (validé)")],
    )
    return _svg(width, height, "Heures d'insertion par mois : engagé et réalisé", body)


def breakdown_chart(rows, labels=None, title="", width=760, limit=12):
    """Horizontal stacked bars per key: realised, remaining projection, pipeline."""
    labels = labels or {}
    rows = rows[:limit]
    bar_h, gap, left, right, top = 18, 8, 230, 90, 10
    height = top + len(rows) * (bar_h + gap) + 40
    plot_w = width - left - right
    x_max = _nice_max(max([r.projection + r.pipeline for r in rows] + [r.committed for r in rows] + [1]))
    body = []
    for n, row in enumerate(rows):
        y = top + n * (bar_h + gap)
        name = labels.get(row.key, row.key)
        name = name if len(name) <= 34 else name[:33] + "…"
        body.append(f'<text x="{left - 8}" y="{y + 13}" text-anchor="end">{escape(name)}</text>')
        x = left
        for value, colour, what in (
            (row.realised, BLUE, "réalisé"),
            (max(row.projection - row.realised, 0), LIGHT_BLUE, "reste projeté"),
            (row.pipeline, "#ffca00", "en projet"),
        ):
            w = plot_w * value / x_max
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}">'
                    f"<title>{escape(name)} — {what} : {_fmt(value)} h</title></rect>"
                )
            x += w
        body.append(f'<text x="{x + 6:.1f}" y="{y + 13}">{_fmt(row.projection + row.pipeline)} h</text>')
    _legend(
        body,
        left,
        height - 10,
        [
            (0, BLUE, "Réalisé"),
            (170, LIGHT_BLUE, "Reste projeté (engagé)"),
            (340, "#ffca00", "En projet (recommandations)"),
        ],
    )
    return _svg(width, height, title, body)


def gauge(progress, width=360, height=40):
    """A progress bar: realised and projection against the objective."""
    objective = max(progress.objective, 1)
    scale = max(objective, progress.projection, progress.projection + progress.pipeline)
    w = width - 2
    body = [f'<rect x="1" y="8" width="{w}" height="22" fill="#eeeeee" stroke="#cccccc"/>']
    for value, colour in (
        (progress.projection + progress.pipeline, "#ffca00"),
        (progress.projection, LIGHT_BLUE),
        (progress.realised, BLUE),
    ):
        body.append(
            f'<rect x="1" y="8" width="{w * min(value, scale) / scale:.1f}" height="22" fill="{colour}"/>'
        )
    ox = 1 + w * objective / scale
    body.append(f'<line x1="{ox:.1f}" x2="{ox:.1f}" y1="2" y2="38" stroke="{RED}" stroke-width="3"/>')
    colour = GREEN if progress.status == "on_track" else ORANGE
    return _svg(width, height, f"Avancement vers l'objectif ({progress.status_label.lower()})", body).replace(
        'class="dentelle-chart"', f'class="dentelle-chart" data-status-colour="{colour}"'
    )
