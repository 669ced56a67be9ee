import csv
import json
from pathlib import Path

from interlocal.assessments.models import Framework, FrameworkNode
from interlocal.importers.tests.helpers import fingerprint, run, shared
from interlocal.testkit import World

CATALOG = ("data", "nist-csf", "NIST_CSF_v2.0_catalog.json")
DERIVED = ("data", "nist-csf", "csf2_subcategories_derived.csv")


def test_it_imports_the_csf_2_0_catalog_with_106_active_subcategories_and_withdrawn_ones_marked(
    world: World,
) -> None:
    path = shared(*CATALOG)
    code, out = run("oscal-catalog", str(path))
    assert code == 0, out
    framework = Framework.objects.get(key="nist-cybersecurity-framework-2-0", version="1.0.0")
    active = FrameworkNode.objects.filter(framework=framework, withdrawn=False)
    assert active.filter(kind="function").count() == 6
    assert active.filter(kind="category").count() == 22
    assert active.filter(kind="item").count() == 106
    # The withdrawn CSF 1.1 subcategories are the ones the derived table marks inactive.
    with shared(*DERIVED).open(encoding="utf-8") as f:
        inactive = {
            r["subcategory_id"] for r in csv.DictReader(f) if r["active_in_csf_2_0"].strip() == "False"
        }
    withdrawn = set(framework.nodes.filter(kind="item", withdrawn=True).values_list("code", flat=True))
    assert withdrawn == inactive and len(inactive) == 79
    assert framework.nodes.get(code="ID.BE").withdrawn and not framework.nodes.get(code="GV.SC").withdrawn
    assert "106 active items in 22 categories and 6 functions" in out


def test_it_changes_nothing_when_the_same_catalog_is_imported_again(world: World) -> None:
    path = shared(*CATALOG)
    assert run("oscal-catalog", str(path))[0] == 0
    before = fingerprint()
    code, out = run("oscal-catalog", str(path))
    assert code == 0 and "No changes" in out
    assert fingerprint() == before


def test_it_refuses_a_malformed_catalog_naming_the_bad_element_and_writes_nothing(
    world: World, tmp_path: Path
) -> None:
    data = json.loads(shared(*CATALOG).read_text(encoding="utf-8"))
    del data["catalog"]["groups"][2]["controls"][4]["id"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    before = fingerprint()
    code, out = run("oscal-catalog", str(bad))
    assert code != 0
    assert "catalog.groups[2].controls[4].id: missing" in out
    assert fingerprint() == before


def test_it_refuses_a_file_that_is_not_an_oscal_catalog(world: World, tmp_path: Path) -> None:
    bad = tmp_path / "profile.json"
    bad.write_text(json.dumps({"profile": {}}), encoding="utf-8")
    code, out = run("oscal-catalog", str(bad))
    assert code != 0 and "catalog" in out and "not an OSCAL catalog" in out


def test_it_imports_an_oscal_xml_catalog_through_the_command(world: World, tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("lxml", reason="OSCAL XML is read with lxml")
    from interlocal.importers.tests.test_parsers_oscal import XML

    path = tmp_path / "tiny.xml"
    path.write_bytes(XML)
    code, out = run("oscal-catalog", str(path))
    assert code == 0, out
    framework = Framework.objects.get(key="tiny-xml-catalog", version="2.1")
    assert framework.nodes.get(code="ac-2").withdrawn
    assert "No changes" in run("oscal-catalog", str(path))[1]
