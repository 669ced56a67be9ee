from typing import Any

import pytest

from interlocal.importers.parsers.oscal import parse_catalog, parse_catalog_xml


def _catalog(groups: list[Any], props: list[Any] | None = None) -> dict[str, Any]:
    return {
        "catalog": {
            "uuid": "u-1",
            "metadata": {"title": "Tiny Catalog", "version": "1.0", "props": props or []},
            "groups": groups,
        }
    }


def _control(cid: str, *, withdrawn: bool = False, children: list[Any] | None = None) -> dict[str, Any]:
    control: dict[str, Any] = {"id": cid, "title": f"Control {cid}"}
    if withdrawn:
        control["props"] = [{"name": "status", "value": "withdrawn"}]
    if children:
        control["controls"] = children
    return control


def test_it_reads_groups_and_controls_as_functions_categories_and_items() -> None:
    parsed = parse_catalog(
        _catalog(
            [
                {
                    "id": "ac",
                    "title": "Access",
                    "controls": [_control("ac-1"), _control("ac-2", children=[_control("ac-2.1")])],
                }
            ]
        )
    )
    assert parsed.ok and parsed.value is not None
    kinds = {n.code: (n.kind, n.parent) for n in parsed.value.nodes}
    assert kinds == {
        "ac": ("function", ""),
        "ac-1": ("item", "ac"),
        "ac-2": ("category", "ac"),
        "ac-2.1": ("item", "ac-2"),
    }
    assert parsed.value.key == "tiny-catalog" and parsed.value.version == "1.0"


def test_it_marks_controls_with_the_withdrawn_status_prop() -> None:
    parsed = parse_catalog(
        _catalog(
            [
                {
                    "id": "ac",
                    "title": "Access",
                    "controls": [_control("ac-1", withdrawn=True), _control("ac-3")],
                }
            ]
        )
    )
    assert parsed.value is not None
    withdrawn = {n.code for n in parsed.value.nodes if n.withdrawn}
    assert withdrawn == {"ac-1"}
    assert parsed.value.counts() == {"function": 1, "item": 1}


def test_it_applies_the_csf_2_rule_only_to_csf_2_catalogs() -> None:
    bare = {"id": "ID.BE-01", "class": "subcategory", "title": "ID.BE-01",
            "parts": [{"id": "s", "name": "statement", "prose": "Role in the supply chain is known"}]}  # fmt: skip
    live = {"id": "ID.AM-01", "class": "subcategory", "title": "ID.AM-01",
            "parts": [{"id": "s2", "name": "statement", "prose": "Hardware is inventoried"},
                      {"id": "e", "name": "example", "prose": "Keep a list"}]}  # fmt: skip
    groups = [{"id": "ID", "class": "function", "title": "IDENTIFY", "controls": [
        {"id": "ID.BE", "class": "category", "title": "Business Environment", "controls": [bare]},
        {"id": "ID.AM", "class": "category", "title": "Asset Management", "controls": [live]},
    ]}]  # fmt: skip
    csf = [
        {"name": "framework-identifier", "ns": "https://csrc.nist.gov/ns/cprt", "value": "CSF"},
        {"name": "framework-version-identifier", "ns": "https://csrc.nist.gov/ns/cprt", "value": "CSF_2_0_0"},
    ]
    parsed = parse_catalog(_catalog(groups, csf))
    assert parsed.value is not None
    withdrawn = {n.code for n in parsed.value.nodes if n.withdrawn}
    assert withdrawn == {"ID.BE-01", "ID.BE"}
    titles = {n.code: n.title for n in parsed.value.nodes}
    assert titles["ID.AM-01"] == "Hardware is inventoried"
    other = parse_catalog(_catalog(groups))
    assert other.value is not None and not any(n.withdrawn for n in other.value.nodes)


def test_it_names_the_path_of_a_malformed_element() -> None:
    broken = _catalog(
        [
            {"id": "a", "title": "A"},
            {"id": "b", "title": "B", "controls": [_control("b-1"), {"title": "no id"}]},
        ]
    )
    parsed = parse_catalog(broken)
    assert parsed.value is None
    assert [(p.field, p.message) for p in parsed.problems] == [
        ("catalog.groups[1].controls[1].id", "missing")
    ]
    repeated = parse_catalog(
        _catalog([{"id": "a", "title": "A", "controls": [_control("a"), _control("x")]}])
    )
    assert repeated.problems[0].field == "catalog.groups[0].controls[0].id"
    assert parse_catalog({"catalog": {"uuid": "u"}}).problems[0].field == "catalog.metadata"
    assert parse_catalog([]).problems[0].field == "<document>"


XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u-x">
  <metadata><title>Tiny <em>XML</em> Catalog</title><version>2.1</version></metadata>
  <group id="ac" class="family">
    <title>Access Control</title>
    <control id="ac-1"><title>Policy</title>
      <part id="ac-1_smt" name="statement"><p>Write the <strong>policy</strong>.</p></part>
    </control>
    <control id="ac-2"><title>Accounts</title><prop name="status" value="withdrawn"/></control>
  </group>
</catalog>
"""


def test_it_reads_the_same_catalog_from_oscal_xml() -> None:
    pytest.importorskip("lxml", reason="OSCAL XML is read with lxml")
    parsed = parse_catalog_xml(XML)
    assert parsed.ok and parsed.value is not None
    assert (parsed.value.title, parsed.value.version, parsed.value.uuid) == ("Tiny XML Catalog", "2.1", "u-x")
    nodes = {n.code: n for n in parsed.value.nodes}
    assert nodes["ac-1"].statement == "Write the policy." and nodes["ac-1"].kind == "item"
    assert nodes["ac-2"].withdrawn and not nodes["ac-1"].withdrawn


def test_it_refuses_malformed_xml_naming_the_element_and_never_expands_entities() -> None:
    pytest.importorskip("lxml", reason="OSCAL XML is read with lxml")
    missing = XML.replace(b'<control id="ac-2">', b"<control>")
    assert [(p.field, p.message) for p in parse_catalog_xml(missing).problems] == [
        ("catalog.groups[0].controls[1].id", "missing")
    ]
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<catalog xmlns="http://csrc.nist.gov/ns/oscal/1.0" uuid="u"><metadata><title>x &b;</title>'
        b'<version>1</version></metadata><control id="c"><title>t</title></control></catalog>'
    )
    parsed = parse_catalog_xml(bomb)
    assert parsed.value is not None and "aaaaaaaaaa" not in parsed.value.title
    assert parse_catalog_xml(b"<profile/>").problems[0].field == "catalog"
    assert parse_catalog_xml(b"<catalog").problems[0].field == "<xml>"
