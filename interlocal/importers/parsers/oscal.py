"""OSCAL catalogs (JSON) as framework hierarchies (pure: no Django).

A catalog's groups and controls become nodes: groups are functions (or sections), a control with child controls
a category, a control without one an item (CSF's `class` names win: function, category, subcategory). A control
is withdrawn when it carries the OSCAL prop `status: withdrawn`. NIST's CSF 2.0 catalog (v1.0.0) also lists the
CSF 1.1 subcategories that 2.0 withdrew, unmarked: in that catalog every current subcategory has implementation
examples (parts named "example") or risk-party props, and no withdrawn one does, so such a bare subcategory is
taken as withdrawn, and a category whose subcategories are all withdrawn with it.

A malformed catalog yields problems that name the bad element's path, e.g.
`catalog.groups[2].controls[4].id: missing`.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .records import Parsed, ParseProblem

# Properties that only order or label a control: they say nothing about whether it is current.
_BOOKKEEPING_PROPS = frozenset({"sort-id", "label"})
_CPRT_NS = "https://csrc.nist.gov/ns/cprt"
CSF2_WITHDRAWN_NOTE = (
    "A CSF 1.1 subcategory that CSF 2.0 withdrew (no implementation examples in the catalog)."
)


@dataclass(frozen=True)
class CatalogNode:
    """A group or control of the catalog, as a framework node; parent is the parent's id ("" at the top)."""

    code: str
    title: str
    kind: str  # function, category, section or item
    parent: str
    statement: str
    withdrawn: bool
    withdrawn_note: str


@dataclass(frozen=True)
class Catalog:
    """A catalog: what identifies it, and its nodes in document order (parents first)."""

    uuid: str
    title: str
    version: str
    key: str
    nodes: tuple[CatalogNode, ...]
    csf2_rule: bool  # whether the CSF 2.0 rule for unmarked withdrawn subcategories applied

    def counts(self) -> dict[str, int]:
        """Active nodes of each kind."""
        out: dict[str, int] = {}
        for n in self.nodes:
            if not n.withdrawn:
                out[n.kind] = out.get(n.kind, 0) + 1
        return out


def slug(text: str) -> str:
    """A lower-case, dash-separated ASCII name."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:120]


class _Bad(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path, self.message = path, message


def _obj(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Bad(path, f"an object expected, not {type(value).__name__}")
    return value


def _list(parent: dict[str, Any], key: str, path: str) -> list[Any]:
    value = parent.get(key, [])
    if not isinstance(value, list):
        raise _Bad(f"{path}.{key}", f"a list expected, not {type(value).__name__}")
    return value


def _text(parent: dict[str, Any], key: str, path: str, required: bool = True) -> str:
    value = parent.get(key)
    if value is None:
        if required:
            raise _Bad(f"{path}.{key}", "missing")
        return ""
    if not isinstance(value, str):
        raise _Bad(f"{path}.{key}", f"text expected, not {type(value).__name__}")
    if required and not value.strip():
        raise _Bad(f"{path}.{key}", "empty")
    return value.strip()


def _props(element: dict[str, Any], path: str) -> list[dict[str, Any]]:
    props = _list(element, "props", path)
    for i, p in enumerate(props):
        _obj(p, f"{path}.props[{i}]")
        _text(p, "name", f"{path}.props[{i}]")
    return props


def _parts(element: dict[str, Any], path: str) -> list[dict[str, Any]]:
    parts = _list(element, "parts", path)
    for i, p in enumerate(parts):
        _obj(p, f"{path}.parts[{i}]")
        _text(p, "name", f"{path}.parts[{i}]")
        _parts(p, f"{path}.parts[{i}]")
    return parts


def _prose(parts: list[dict[str, Any]], names: frozenset[str]) -> str:
    out: list[str] = []
    for p in parts:
        if p.get("name") in names:
            if isinstance(p.get("prose"), str):
                out.append(p["prose"].strip())
            out += [x for x in [_prose(p.get("parts") or [], frozenset({p.get("name", "")}) | names)] if x]
    return "\n".join(x for x in out if x)


def _is_withdrawn(props: list[dict[str, Any]]) -> bool:
    return any(p.get("name") == "status" and str(p.get("value", "")).lower() == "withdrawn" for p in props)


def _csf2(metadata: dict[str, Any]) -> bool:
    facts = {
        p.get("name"): str(p.get("value", "")) for p in metadata.get("props") or [] if isinstance(p, dict)
    }
    return facts.get("framework-identifier") == "CSF" and facts.get(
        "framework-version-identifier", ""
    ).startswith("CSF_2")


class _Walker:
    def __init__(self, csf2: bool) -> None:
        self.csf2 = csf2
        self.nodes: list[CatalogNode] = []
        self.seen: dict[str, str] = {}

    def _add(self, node: CatalogNode, path: str) -> None:
        if node.code in self.seen:
            raise _Bad(f"{path}.id", f"{node.code!r} repeats the id of {self.seen[node.code]}")
        self.seen[node.code] = path
        self.nodes.append(node)

    def group(self, element: Any, path: str, parent: str) -> None:
        g = _obj(element, path)
        code = _text(g, "id", path)
        title = _text(g, "title", path)
        props = _props(g, path)
        parts = _parts(g, path)
        kind = "function" if g.get("class") == "function" or not parent else "section"
        index = len(self.nodes)
        self._add(
            CatalogNode(code, title, kind, parent, _prose(parts, frozenset({"overview", "statement"})),
                        _is_withdrawn(props), "Marked withdrawn in the catalog." if _is_withdrawn(props) else ""),
            path,
        )  # fmt: skip
        for i, sub in enumerate(_list(g, "groups", path)):
            self.group(sub, f"{path}.groups[{i}]", code)
        for i, control in enumerate(_list(g, "controls", path)):
            self.control(control, f"{path}.controls[{i}]", code)
        self._roll_up(index)

    def control(self, element: Any, path: str, parent: str) -> None:
        c = _obj(element, path)
        code = _text(c, "id", path)
        title = _text(c, "title", path)
        props = _props(c, path)
        parts = _parts(c, path)
        children = _list(c, "controls", path)
        cls = c.get("class")
        if cls == "subcategory":
            kind = "item"
        elif cls in ("category", "function"):
            kind = str(cls)
        else:
            kind = "category" if children else "item"
        statement = _prose(parts, frozenset({"statement"}))
        if title == code and statement:
            # CSF subcategories are titled by their id; their statement says what they are.
            title = statement if len(statement) <= 300 else statement[:299].rstrip() + "…"
        withdrawn, note = _is_withdrawn(props), ""
        if withdrawn:
            note = "Marked withdrawn in the catalog."
        elif self.csf2 and cls == "subcategory":
            telling = [p for p in props if p.get("name") not in _BOOKKEEPING_PROPS]
            examples = [p for p in parts if p.get("name") == "example"]
            if not telling and not examples:
                withdrawn, note = True, CSF2_WITHDRAWN_NOTE
        index = len(self.nodes)
        self._add(CatalogNode(code, title, kind, parent, statement, withdrawn, note), path)
        for i, child in enumerate(children):
            self.control(child, f"{path}.controls[{i}]", code)
        self._roll_up(index)

    def _roll_up(self, index: int) -> None:
        # CSF rule: a category whose subcategories are all withdrawn is withdrawn with them.
        node = self.nodes[index]
        if not self.csf2 or node.withdrawn or node.kind != "category":
            return
        children = [n for n in self.nodes[index + 1 :] if n.parent == node.code]
        if children and all(n.withdrawn for n in children):
            self.nodes[index] = CatalogNode(
                node.code, node.title, node.kind, node.parent, node.statement, True,
                "Every subcategory of it was withdrawn in CSF 2.0.",
            )  # fmt: skip


def parse_catalog(data: Any) -> Parsed[Catalog | None]:
    """Read a parsed OSCAL catalog document; problems name the path of the bad element."""
    try:
        root = _obj(data, "<document>")
        catalog = _obj(root.get("catalog"), "catalog") if "catalog" in root else None
        if catalog is None:
            raise _Bad("catalog", "missing (not an OSCAL catalog)")
        uuid = _text(catalog, "uuid", "catalog")
        metadata = _obj(catalog.get("metadata"), "catalog.metadata")
        title = _text(metadata, "title", "catalog.metadata")
        version = _text(metadata, "version", "catalog.metadata")
        walker = _Walker(_csf2(metadata))
        for i, group in enumerate(_list(catalog, "groups", "catalog")):
            walker.group(group, f"catalog.groups[{i}]", "")
        for i, control in enumerate(_list(catalog, "controls", "catalog")):
            walker.control(control, f"catalog.controls[{i}]", "")
        if not walker.nodes:
            raise _Bad("catalog.groups", "the catalog has no groups or controls")
    except _Bad as bad:
        return Parsed(None, (ParseProblem(bad.path, bad.message),))
    return Parsed(Catalog(uuid, title, version, slug(title), tuple(walker.nodes), walker.csf2))


def parse_catalog_json(text: str) -> Parsed[Catalog | None]:
    """Parse an OSCAL catalog from JSON text."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Parsed(
            None, (ParseProblem("<json>", f"not JSON: {exc.msg} at line {exc.lineno}", exc.lineno),)
        )
    return parse_catalog(data)


# --- OSCAL XML: the same catalog model, read with lxml into the JSON shape above ------------------------

_REPEATED = {"group": "groups", "control": "controls", "prop": "props", "part": "parts"}


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _xml_element(element: Any) -> dict[str, Any]:
    """An OSCAL XML element as the JSON object OSCAL defines for it (the fields this parser reads)."""
    out: dict[str, Any] = dict(element.attrib)
    prose: list[str] = []
    for child in element:
        name = _local(child.tag)
        if name in _REPEATED:
            out.setdefault(_REPEATED[name], []).append(_xml_element(child))
        elif name in ("title", "version", "remarks"):
            out[name] = " ".join("".join(child.itertext()).split())
        elif name == "metadata":
            out["metadata"] = _xml_element(child)
        elif name in ("p", "ul", "ol", "table", "pre", "h1", "h2", "h3", "h4", "h5", "h6"):
            prose.append(" ".join("".join(child.itertext()).split()))
    if prose:
        out["prose"] = "\n".join(p for p in prose if p)
    return out


def parse_catalog_xml(data: bytes) -> Parsed[Catalog | None]:
    """Parse an OSCAL catalog from XML (no DTDs, entities or network), with the same checks as the JSON."""
    try:
        from lxml import etree
    except ImportError:  # lxml is an optional dependency of this parser
        return Parsed(None, (ParseProblem("<xml>", "reading OSCAL XML needs lxml; use the JSON catalog"),))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        return Parsed(None, (ParseProblem("<xml>", f"not well-formed XML: {exc.msg}", line),))
    if _local(root.tag) != "catalog":
        return Parsed(None, (ParseProblem("catalog", f"missing (the root element is <{_local(root.tag)}>)"),))
    return parse_catalog({"catalog": _xml_element(root)})
