"""Small repairs for text extracted from PDFs and web pages, shared by the parsers."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime
from html.parser import HTMLParser

# Latin-looking letters from Cyrillic and Greek that PDF text layers substitute for ASCII ones.
# Written as escapes so the source itself holds no look-alike letters.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic capitals
    "\u0410": "A", "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H",
    "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0422": "T", "\u0423": "Y", "\u0425": "X",
    "\u0405": "S", "\u0406": "I", "\u0408": "J", "\u051a": "Q", "\u051c": "W",
    # Cyrillic small
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y",
    "\u0445": "x", "\u0455": "s", "\u0456": "i", "\u0458": "j", "\u0501": "d", "\u051b": "q",
    "\u051d": "w", "\u04bb": "h", "\u04cf": "l",
    # Greek
    "\u0391": "A", "\u0392": "B", "\u0395": "E", "\u0396": "Z", "\u0397": "H", "\u0399": "I",
    "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O", "\u03a1": "P", "\u03a4": "T",
    "\u03a5": "Y", "\u03a7": "X", "\u03bf": "o",
}  # fmt: skip

_WORD = re.compile(r"[^\W\d_]+")


def fold_homoglyphs(text: str) -> str:
    """Replace look-alike Cyrillic/Greek letters by ASCII in words made only of ASCII and look-alikes."""

    def fold(match: re.Match[str]) -> str:
        word = match.group(0)
        # A word with any other non-ASCII letter is genuine foreign text: leave it alone.
        if all(ch.isascii() or ch in HOMOGLYPHS for ch in word):
            return "".join(HOMOGLYPHS.get(ch, ch) for ch in word)
        return word

    return _WORD.sub(fold, text)


# Invisible or presentation-only characters of PDF text layers; full NFKC would also flatten "m\u00b2" or "\u00bd".
_PRESENTATION = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u00ad": "",
        "\u200b": "",
        "\ufeff": "",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
    }
)


def normalize_text(text: str) -> str:
    """NFC-normalise, drop invisible characters, undo ligatures and fold homoglyphs; tabs and newlines stay."""
    return fold_homoglyphs(unicodedata.normalize("NFC", text).translate(_PRESENTATION))


def collapse_whitespace(text: str) -> str:
    """Collapse tabs and runs of spaces into one space and strip the ends."""
    return re.sub(r"\s+", " ", text).strip()


def split_cells(line: str) -> list[str]:
    """Split a tab-separated line into its non-empty, whitespace-collapsed cells."""
    return [cell for cell in (collapse_whitespace(c) for c in line.split("\t")) if cell]


# Words of Legistar labels and common values, used to decide how fragments split across cells rejoin.
LEGISTAR_WORDS: frozenset[str] = frozenset(
    [
        "file",
        "name",
        "type",
        "status",
        "created",
        "in",
        "control",
        "on",
        "agenda",
        "final",
        "action",
        "title",
        "sponsors",
        "sponsor",
        "indexes",
        "code",
        "sections",
        "attachments",
        "version",
        "enactment",
        "date",
        "introduced",
        "passed",
        "ver",
        "by",
        "result",
        "tally",
        "mover",
        "seconder",
        "meeting",
        "details",
        "video",
        "text",
        "number",
        "resolution",
        "ordinance",
        "bill",
        "report",
        "minutes",
        "appointment",
        "proclamation",
        "presentation",
        "item",
        "consent",
        "contract",
        "communication",
        "claim",
        "motion",
        "order",
        "budget",
        "amendment",
        "discussion",
        "public",
        "hearing",
        "informational",
        "new",
        "business",
        "unfinished",
        "other",
        "special",
        "general",
        "petition",
        "executive",
        "session",
        "closed",
        "ready",
        "failed",
        "adopted",
        "approved",
        "filed",
        "referred",
        "committee",
        "draft",
        "withdrawn",
        "tabled",
        "held",
        "vetoed",
        "enacted",
        "pending",
        "received",
        "continued",
        "postponed",
        "denied",
        "accepted",
        "completed",
        "recommended",
        "placed",
        "city",
        "council",
        "regular",
        "work",
        "study",
        "board",
        "commission",
        "planning",
        "zoning",
        "aldermen",
        "alderman",
        "directors",
        "mayor",
        "clerk",
        "county",
        "legislature",
        "commissioners",
        "finance",
        "safety",
        "works",
        "whole",
        "of",
        "the",
        "and",
        "a",
        "to",
        "for",
        "with",
        "pass",
        "fail",
        "read",
        "first",
        "second",
        "third",
        "reading",
        "amended",
        "do",
        "recommendation",
    ]
)

LEGISTAR_LABELS: tuple[str, ...] = (
    "File #:",
    "Version:",
    "Name:",
    "Type:",
    "Status:",
    "File created:",
    "In control:",
    "On agenda:",
    "Final action:",
    "Enactment date:",
    "Enactment #:",
    "Title:",
    "Sponsors:",
    "Indexes:",
    "Code sections:",
    "Attachments:",
    "Introduced:",
    "Agenda date:",
    "Agenda number:",
    "Requester:",
    "Cost:",
    "Notes:",
)

_DATE_LIKE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$")
_TOKEN_EDGE = re.compile(r"^\W+|\W+$")


def _is_known(word: str, vocabulary: Collection[str]) -> bool:
    """A token counts as known when it is a vocabulary word, a number or a US date."""
    if _DATE_LIKE.match(word) or re.fullmatch(r"\d+", word):
        return True
    core = _TOKEN_EDGE.sub("", word).lower()
    return bool(core) and core in vocabulary


def join_two(left: str, right: str, vocabulary: Collection[str]) -> tuple[str, bool]:
    """Rejoin two fragments split by extraction; return the text and whether the vocabulary confirmed it."""
    if not left or not right:
        return left + right, True
    if left[-1].isspace() or right[0].isspace():
        return collapse_whitespace(left) + " " + collapse_whitespace(right), True
    head, _, left_word = left.rpartition(" ")
    right_word, _, tail = right.partition(" ")
    prefix = head + " " if head else ""
    suffix = " " + tail if tail else ""
    candidates: list[tuple[int, str]] = []
    # Direct concatenation is what a mid-word cell break usually needs ("Res|olution", "3/31|/2021").
    if _is_known(left_word + right_word, vocabulary):
        candidates.append((3, left_word + right_word))
    # Some PDFs repeat the letter at the break ("Regular Se|ession").
    if left_word[-1].lower() == right_word[0].lower() and _is_known(left_word + right_word[1:], vocabulary):
        candidates.append((2, left_word + right_word[1:]))
    if _is_known(left_word, vocabulary) and _is_known(right_word, vocabulary):
        candidates.append((1, left_word + " " + right_word))
    if not candidates:
        return prefix + left_word + right_word + suffix, False
    best = max(candidates)[1]
    return prefix + best + suffix, True


def join_fragments(
    fragments: Sequence[str], vocabulary: Collection[str] = LEGISTAR_WORDS
) -> tuple[str, bool]:
    """Rejoin cell fragments left to right; the flag is False when any break was not confirmed."""
    parts = [collapse_whitespace(f) for f in fragments if collapse_whitespace(f)]
    if not parts:
        return "", True
    text, certain = parts[0], True
    for part in parts[1:]:
        text, ok = join_two(text, part, vocabulary)
        certain = certain and ok
    return text, certain


def _label_key(text: str) -> str:
    return collapse_whitespace(text).lower()


def group_label_cells(
    cells: Sequence[str], labels: Iterable[str] = LEGISTAR_LABELS, max_span: int = 3
) -> list[tuple[str, list[str]]]:
    """Group a row's cells into (label, value fragments), re-joining labels split across cells."""
    by_key = {_label_key(label): label for label in labels}
    groups: list[tuple[str, list[str]]] = []
    i = 0
    while i < len(cells):
        found: tuple[str, int] | None = None
        for span in range(1, max_span + 1):
            if i + span > len(cells):
                break
            joined = _label_key("".join(cells[i : i + span]))
            spaced = _label_key(" ".join(cells[i : i + span]))
            label = by_key.get(joined) or by_key.get(spaced)
            if label:
                found = (label, span)
                break
        if found:
            groups.append((found[0], []))
            i += found[1]
            continue
        if groups:
            groups[-1][1].append(cells[i])
        else:
            groups.append(("", [cells[i]]))
        i += 1
    return groups


def _chars(text: str) -> Counter[str]:
    return Counter(ch for ch in text.upper() if not ch.isspace())


def repair_file_number(fragments: Sequence[str], reference: str | None) -> str | None:
    """Rebuild a file number scrambled across cells, trusting `reference` when the fragments agree with it."""
    parts = [collapse_whitespace(f) for f in fragments if collapse_whitespace(f)]
    if reference:
        reference = collapse_whitespace(reference)
        if collapse_whitespace(" ".join(parts)) == reference or "".join(parts) == reference:
            return reference
        have, need = _chars("".join(parts)), _chars(reference)
        # The fragments must hold every character of the reference; extraction may only add one
        # repeated character per cell break.
        if not need - have and sum((have - need).values()) <= max(len(parts) - 1, 0):
            return reference
        return None
    if len(parts) == 1:
        return parts[0]
    return None


def parse_us_date(text: str | None) -> date | None:
    """Parse "4/13/2021" (or an ISO date); None for empty or unreadable text."""
    if not text:
        return None
    text = collapse_whitespace(text)
    for fmt in ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)(?:[-\u2022\u00b7*\u2013\u25e6\u25aa\u25cf\u25cb](?=\s)\s*)+(?P<text>\S.*)$"
)


def split_bullet(line: str) -> tuple[int, str] | None:
    """Return (indent width, text) when the line is a bullet ("- · text" counts once), else None."""
    match = _BULLET.match(line.rstrip())
    if not match:
        return None
    return len(match.group("indent").expandtabs(4)), match.group("text").strip()


def is_icon_caption(line: str) -> bool:
    """True for alt-text captions such as "Lead Partner(s) icon" or "Implementation tracker icon."."""
    return bool(re.search(r"\bicon\.?$", line.strip(), re.IGNORECASE))


_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head"})


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
            if tag == "li":
                self.parts.append("• ")
        elif tag in ("td", "th"):
            self.parts.append("\t")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append("\n" + alt + "\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str) -> str:
    """Strip HTML to text: one line per block element, blank-line separated, "• " for list items."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [line.strip(" ") for line in "".join(parser.parts).split("\n")]
    text = "\n\n".join(line for line in lines if line.strip())
    return text


def looks_like_html(text: str) -> bool:
    """True when the text starts like an HTML document or fragment."""
    return bool(re.match(r"\s*(<!doctype|<html|<body|<div|<section|<main|<p\b|<span|<table)", text, re.I))
