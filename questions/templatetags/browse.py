"""Template filters for imported text: every one escapes first and adds only our tags."""

import json
import re
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe

from questions.querysets import HIGHLIGHT_START, HIGHLIGHT_STOP

register = template.Library()

_MARKED = re.compile(
    re.escape(HIGHLIGHT_START)
    + r"([^"
    + re.escape(HIGHLIGHT_START + HIGHLIGHT_STOP)
    + r"]*)"
    + re.escape(HIGHLIGHT_STOP)
)
_BULLET = re.compile(r"^\s*[•·▪◦‣*-]\s+(?P<text>.+)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(?P<text>.+)$")


@register.filter
def highlight(text):
    """ts_headline output -> safe HTML: escape it all, then wrap matches in <mark>.

    Only a complete start/stop pair becomes a <mark>; stray sentinels (say, smuggled in
    through an import) are dropped, so the tags we add are always balanced.
    """
    if not text:
        return ""
    html = _MARKED.sub(r"<mark>\1</mark>", escape(text))
    return mark_safe(html.replace(HIGHLIGHT_START, "").replace(HIGHLIGHT_STOP, ""))


def _list_item(line):
    """("ul" | "ol", text) when the line is a list item, else None."""
    for kind, pattern in (("ul", _BULLET), ("ol", _NUMBERED)):
        match = pattern.match(line)
        if match:
            return kind, match.group("text").strip()
    return None


@register.filter
def answer_body(text):
    """Plain imported text -> escaped paragraphs and lists.

    Blocks are split on blank lines; inside a block every line is its own paragraph too,
    because some source pages separate paragraphs by a single line break. Lines that
    start with "•", "-", "1)" or "1." become list items, consecutive ones one list.
    """
    parts = []
    open_list = None
    for block in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n")):
        for raw in block.split("\n"):
            line = raw.replace("\xa0", " ").strip()
            if not line:
                continue
            item = _list_item(line)
            kind = item[0] if item else None
            if open_list and kind != open_list:
                parts.append(f"</{open_list}>")
                open_list = None
            if item:
                if not open_list:
                    parts.append(f"<{kind}>")
                    open_list = kind
                parts.append(f"<li>{escape(item[1])}</li>")
            else:
                parts.append(f"<p>{escape(line)}</p>")
        # A blank line ends a list: what follows is a new block.
        if open_list:
            parts.append(f"</{open_list}>")
            open_list = None
    return mark_safe("\n".join(parts))


@register.filter
def star_percent(rating):
    """4.5 -> "90": how much of five stars to fill, in steps of a tenth of a star (2%),
    each a `fill-N` class of the stylesheet."""
    if rating is None:
        return "0"
    try:
        value = max(Decimal(0), min(Decimal(5), Decimal(rating)))
    except ArithmeticError:  # NaN, or not a number at all: show no stars
        return "0"
    return str(2 * int((value * 10).to_integral_value()))


# Same escapes as Django's json_script: the JSON cannot close the <script> element or
# open a comment, whatever the imported text holds.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    """A dict -> JSON safe to put inside <script type="application/ld+json">.

    json_script would do, but it writes type="application/json", which search engines
    do not read as structured data.
    """
    dumped = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(dumped.translate(_JSON_ESCAPES))


@register.simple_tag
def site_name():
    return settings.SITE_NAME
