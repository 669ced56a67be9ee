"""Template filters for the portal."""

from decimal import ROUND_HALF_UP, Decimal

import markdown as md
import nh3
from django import template
from django.forms import BoundField
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "hr",
}


@register.filter(name="markdown")
def render_markdown(text: str | None) -> SafeString:
    """Render Markdown and strip anything but basic formatting, so stored text cannot inject script."""
    html = md.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, tags=_TAGS, attributes={"a": {"href", "title"}}))


@register.filter
def sq_mi(value: float | None) -> str:
    """Format square miles with two decimals."""
    return "" if value is None else f"{value:,.2f}"


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """Look a key up in a dict from a template."""
    return mapping.get(key)


@register.filter
def verb_label(verb: str) -> str:
    """An audit verb as words: initiative_advance -> Initiative advance."""
    words = verb.removesuffix("_admin").replace("_", " ")
    return words[:1].upper() + words[1:]


# U+2212, the typographic minus: screen readers say "minus" and it lines up with the digits.
_MINUS = "\u2212"
_DOLLAR_UNITS = {"$", "dollar", "dollars", "usd", "us dollars"}


@register.filter
def money(value: Decimal | float | int | str | None) -> str:
    """Dollars with cents, grouped, and a true minus sign before the dollar sign."""
    if value is None or value == "":
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{_MINUS if amount < 0 else ''}${abs(amount):,.2f}"


@register.filter
def in_unit(value: Decimal | None, unit: str) -> str:
    """A KPI value as money when its unit is dollars, else as the number."""
    if value is None:
        return ""
    if unit.strip().lower() in _DOLLAR_UNITS:
        return money(value)
    return f"{value:,}".replace("-", _MINUS)


@register.simple_tag
def select_options(field: BoundField) -> SafeString:
    """A select's options with the current value selected, in one pass (the partner filter lists a thousand)."""
    current = field.value()
    selected = mark_safe(" selected")
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, selected if current == value else "", text) for value, text in field.field.choices),  # type: ignore[attr-defined]
    )
