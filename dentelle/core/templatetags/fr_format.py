"""Template filters for the one French number format (dentelle.core.formatting).

{% load fr_format %} then {{ lot.estimated_amount|euros }}, {{ hours|heures }}, {{ count|nombre }},
{{ value|nombre:2 }}, {{ percent|pourcent }}, {{ share|part }}, {{ parameter|valeur }}.
"""

from django import template

from dentelle.core import formatting

register = template.Library()


@register.filter
def nombre(value, decimals=0):
    return formatting.format_number(value, int(decimals))


@register.filter
def valeur(value):
    """A parameter with its own decimals: 170000 → "170 000", 0.45 → "0,45"."""
    return formatting.format_value(value)


@register.filter
def euros(value, decimals=0):
    return formatting.format_amount(value, int(decimals))


@register.filter
def heures(value):
    return formatting.format_hours(value)


@register.filter
def pourcent(value, decimals=1):
    return formatting.format_percent(value, int(decimals))


@register.filter
def part(value, decimals=1):
    return formatting.format_share(value, int(decimals))
