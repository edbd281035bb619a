from django import template

register = template.Library()


@register.filter
def hours(value):
    """170000.4 → « 170 000 » (whole hours, French thousands separator)."""
    try:
        return f"{round(float(value)):,}".replace(",", "\u202f")
    except (TypeError, ValueError):
        return "—"
