from django import template

from planning import formatting

register = template.Library()


@register.filter
def km(metres) -> str:
    """{{ route.metres|km }} → 4,3 km (French) / 4.3 km (English)."""
    return formatting.kilometres(float(metres or 0))


@register.filter
def distance(metres) -> str:
    """{{ leg.walk_metres|distance }} → 850 m, or 1,2 km from a kilometre on."""
    return formatting.distance(float(metres or 0))
