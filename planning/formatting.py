"""Distances as people read them: 4,3 km in French, 4.3 km in English, 850 m under a kilometre.

The route builder's script formats the same way in the browser (Intl.NumberFormat with the
page's language, which rounds the exact value half away from zero, as here); a browser test
checks both sides print the same text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats

NBSP = "\u00a0"


def _rounded(value: float, places: int) -> Decimal:
    # Decimal(float) is the float's exact value: 4.35 is 4.3499…, rounded to 4.3 like Intl does.
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def kilometres(metres: float) -> str:
    """A distance in kilometres with one decimal, in the active language (4,3 km / 4.3 km)."""
    return f"{formats.number_format(_rounded(metres / 1000, 1), decimal_pos=1)}{NBSP}km"


def distance(metres: float) -> str:
    """A leg: metres under a kilometre (850 m), kilometres beyond (1,2 km)."""
    if _rounded(metres, 0) < 1000:
        return f"{formats.number_format(_rounded(metres, 0), decimal_pos=0)}{NBSP}m"
    return kilometres(metres)
