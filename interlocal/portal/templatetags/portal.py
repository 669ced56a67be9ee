"""Template filters for the portal."""

import markdown as md
import nh3
from django import template
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
