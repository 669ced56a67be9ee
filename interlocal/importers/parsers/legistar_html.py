"""Reading saved Legistar web pages with lxml: decoding, limits, page URL, labels and Telerik grids.

Shared by the detail-page parser (LegislationDetail.aspx) and the list-page parser (Legislation.aspx,
Calendar.aspx, People.aspx). No Django here.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml import etree

from .textrepair import collapse_whitespace, normalize_text

# A saved Legistar page is 0.1-1 MB; 20 MB is twenty times the largest grid, and lxml needs about
# ten times the file size in memory, so the limit also bounds memory (checked before reading).
MAX_HTML_BYTES = 20 * 1024 * 1024
# libxml2 stops at this depth without XML_PARSE_HUGE; Legistar pages nest about 30 deep.
MAX_DEPTH = 256

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class PageError(ValueError):
    """A page that cannot be read at all; the message is one sentence without the file name."""


def decode_page(data: bytes) -> str:
    """Decode a saved page or text export: byte-order mark first, then a <meta charset>, then UTF-8."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise PageError(
                    f"not valid {encoding} text after its byte-order mark: {exc.reason}"
                ) from None
    head = data[:4096]
    if b"\x00" in head:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        if head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
            raise PageError("looks like UTF-16 text without a byte-order mark; save it as UTF-8")
        raise PageError("not a text or HTML file (it holds NUL bytes)")
    declared = _META_CHARSET.search(head)
    encoding = "utf-8"
    if declared:
        try:
            encoding = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            raise PageError(f"unknown character set {declared.group(1).decode('ascii')!r}") from None
        if encoding.startswith(("utf-16", "utf-32")):
            # The bytes have no NUL, so the declaration is wrong (browsers save UTF-8 and keep the tag).
            encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise PageError(
            f"not {encoding} text: byte 0x{data[exc.start]:02x} at line {line}, offset {exc.start}"
        ) from None


def looks_truncated(text: str) -> bool:
    """A document that opens <html> but never closes it was cut short (browsers always save the end)."""
    return bool(re.search(r"<html[\s>]", text[:4096], re.IGNORECASE)) and not re.search(
        r"</html\s*>", text[-4096:], re.IGNORECASE
    )


def parse_html(text: str) -> Any:
    """The page's lxml tree; PageError when libxml2 gave up (too deep) or found no document."""
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=False, no_network=True)
    # lxml refuses str with an XML encoding declaration; bytes in a fixed encoding always work.
    root = etree.fromstring(text.encode("utf-8", errors="surrogatepass"), parser)
    for error in parser.error_log:
        if "Excessive depth" in error.message:
            raise PageError(f"HTML nested deeper than {MAX_DEPTH} levels; not a page Legistar produces")
    if root is None:
        raise PageError("no HTML document in the file")
    # A line break separates words ("Chicago, Illinois<br>CANCELLED"); text_of joins text nodes as they are.
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")
    return root


def text_of(element: Any) -> str:
    """An element's visible text, whitespace collapsed (scripts and styles skipped)."""
    parts = element.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
    return collapse_whitespace(normalize_text("".join(parts)))


def by_id_suffix(root: Any, *suffixes: str) -> Any:
    """The first element whose id ends with one of the suffixes (ASP.NET prefixes ids with ctl00_...)."""
    for suffix in suffixes:
        found = root.xpath("//*[substring(@id, string-length(@id) - string-length($s) + 1) = $s]", s=suffix)
        if found:
            return found[0]
    return None


# --- the page's own address --------------------------------------------------------------------

_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)


def page_url(text: str, root: Any) -> str | None:
    """Where the page was saved from: <base href>, the browser's "saved from" comment, canonical, og:url."""
    candidates: list[str] = []
    candidates += root.xpath("//base/@href")
    saved = _SAVED_FROM.search(text[:4096])
    if saved:
        candidates.append(saved.group(1))
    candidates += root.xpath("//link[@rel='canonical']/@href")
    candidates += root.xpath("//meta[@property='og:url']/@content")
    for candidate in candidates:
        if urlsplit(candidate.strip()).scheme in ("http", "https"):
            return candidate.strip()
    return None


def legistar_site(root: Any) -> str | None:
    """The https://CLIENT.legistar.com/ root when absolute links in the page point there."""
    for href in root.xpath("//a/@href | //form/@action | //link/@href"):
        parts = urlsplit(href.strip())
        if parts.scheme in ("http", "https") and parts.netloc.lower().endswith(".legistar.com"):
            return f"{parts.scheme}://{parts.netloc}/"
    return None


def client_of(url: str | None) -> str | None:
    """The Legistar client name of a https://CLIENT.legistar.com/... address."""
    if not url:
        return None
    host = urlsplit(url).netloc.lower()
    if host.endswith(".legistar.com") and host.count(".") == 2:
        return host.split(".")[0]
    return None


def resolve(href: str | None, base: str | None) -> str | None:
    """A link made absolute against the page's address when known; kept as written otherwise."""
    if not href:
        return None
    href = href.strip()
    if href.startswith(("javascript:", "#", "mailto:")):
        return None
    return urljoin(base, href) if base else href


_OPEN_WINDOW = re.compile(
    r"""(?:radopen|window\.open|openWindow|OpenTelerikWindow)\s*\(\s*['"]([^'"]+)['"]""", re.IGNORECASE
)


def link_of(anchor: Any, base: str | None) -> str | None:
    """Where an anchor leads: the window its onclick opens (radopen('HistoryDetail.aspx?...'), then
    `return false`, the href being the page itself or "#"), else its href."""
    href = anchor.get("href") or ""
    opened = _OPEN_WINDOW.search(anchor.get("onclick") or "") or _OPEN_WINDOW.search(href)
    if opened:
        return resolve(opened.group(1), base)
    return resolve(href, base) if href and not href.strip().startswith(("javascript:", "#")) else None


def query_int(url: str | None, name: str = "ID") -> int | None:
    """An integer query parameter of a link, e.g. the ID (Legistar's MatterId) of a detail link."""
    if not url:
        return None
    values = parse_qs(urlsplit(url).query).get(name) or []
    return int(values[0]) if values and values[0].isdigit() else None


# --- Telerik grids ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One grid cell: its text and its links (text, absolute-or-kept URL)."""

    text: str
    links: tuple[tuple[str, str | None], ...] = ()

    def link(self) -> str | None:
        """The first link's URL."""
        return next((url for _, url in self.links if url), None)


@dataclass(frozen=True)
class GridRow:
    """A grid row with its cells by header text (the headers as the client's page shows them)."""

    index: int
    cells: dict[str, Cell] = field(default_factory=dict)


def _headers(table: Any) -> list[str]:
    for tr in table.xpath("./thead/tr | ./tr[th]"):
        if "rgPager" in (tr.get("class") or ""):
            continue
        cells = tr.xpath("./th | ./td")
        names = [text_of(c) for c in cells]
        if any(names):
            return names
    return []


def _unique(names: Sequence[str]) -> list[str]:
    # Chicago's people grid repeats City/State/Zip for two addresses: keep both, numbered.
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column {i + 1}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def iter_grid(table: Any, base: str | None) -> Iterator[GridRow]:
    """The data rows of a Telerik RadGrid (rgMasterTable), keyed by header text; pager rows skipped."""
    headers = _unique(_headers(table))
    rows = table.xpath("./tbody/tr | ./tr[not(th)]")
    for index, tr in enumerate(rows):
        cls = tr.get("class") or ""
        if "rgPager" in cls or "rgNoRecords" in cls or "rgCommandRow" in cls:
            continue
        tds = tr.xpath("./td")
        if len(tds) < 2 or len(tds) != len(headers):
            continue
        cells = {}
        for name, td in zip(headers, tds, strict=True):
            links = tuple(
                (text_of(a), link_of(a, base)) for a in td.xpath(".//a") if text_of(a) or a.get("href")
            )
            cells[name] = Cell(text_of(td), links)
        yield GridRow(index, cells)


def header_key(text: str) -> str:
    """A header or label folded for matching: lower case, no punctuation but '#', single spaces."""
    return collapse_whitespace(re.sub(r"[^\w#]+", " ", text.lower().replace("\u2019", "'")))
