"""Template filters for plan and report pages: figures from a snapshot's strings, as readers expect them."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

_AGREEMENT_STATUS = {
    "in_force": "In force",
    "awaiting": "Awaiting adoption",
    "adopted_not_yet_effective": "Adopted, not yet in force",
    "ended": "Ended",
}


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def dollars(value: object) -> str:
    """Whole dollars grouped ($85,000), cents only when there are some; a dash when unknown."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    sign = "\u2212" if amount < 0 else ""
    amount = abs(amount)
    return f"{sign}${amount:,.0f}" if amount == amount.to_integral() else f"{sign}${amount:,.2f}"


@register.filter
def trim_zeros(value: object) -> str:
    """A figure without trailing zeros: 110.00 -> 110, 3.60 -> 3.6."""
    amount = _decimal(value)
    if amount is None:
        return ""
    text = f"{amount.normalize():f}"
    return text


@register.filter
def agreement_status(value: str) -> str:
    """An agreement status of a snapshot, in words."""
    return _AGREEMENT_STATUS.get(value, value)
