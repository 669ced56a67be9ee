"""OSCAL catalogs (JSON, or XML with lxml): a control catalog becomes a framework members can assess themselves against."""

from __future__ import annotations

from pathlib import Path

from interlocal.assessments import actions as assessment_actions
from interlocal.assessments.models import Scale
from interlocal.importers.base import CHANGED, NEW, UNCHANGED, Option, Report, Source, read_text, row_guard
from interlocal.importers.parsers.oscal import Catalog, parse_catalog_json, parse_catalog_xml
from interlocal.vocab import FrameworkKind

_STATUS = {"new": NEW, "changed": CHANGED, "unchanged": UNCHANGED}


class OscalCatalogSource(Source):
    """An OSCAL catalog in JSON (e.g. NIST CSF 2.0): functions, categories and items, withdrawn ones marked."""

    name = "oscal-catalog"
    help = "OSCAL catalog (JSON or XML) -> an assessment framework; withdrawn controls kept and marked"
    extensions = (".json", ".xml")
    options = (
        Option(
            "--scale", "key of the scale items are answered on (default: ncsr-7, the NCSR maturity scale)"
        ),
        Option("--kind", f"framework kind: {', '.join(FrameworkKind.values)} (default: cyber)"),
    )

    def parse(self, path: Path, report: Report) -> Catalog | None:
        """Read and check the whole catalog; the first malformed element rejects it, by its path."""
        if path.suffix.lower() == ".xml":
            try:
                parsed = parse_catalog_xml(path.read_bytes())
            except OSError as exc:
                report.reject(None, "<file>", f"cannot read: {exc}")
                return None
        else:
            text = read_text(path, report)
            if text is None:
                return None
            parsed = parse_catalog_json(text)
        for problem in parsed.problems:
            report.reject(problem.row, problem.field, problem.message)
        return parsed.value

    def apply(self, parsed: Catalog, report: Report) -> None:
        """Create or update the framework through framework_load; loading the same catalog again changes nothing."""
        kind = self.values.get("kind") or FrameworkKind.CYBER
        if kind not in FrameworkKind.values:
            report.reject(None, "--kind", f"not one of {', '.join(FrameworkKind.values)}: {kind!r}")
            return
        scale_key = self.values.get("scale") or "ncsr-7"
        scale = Scale.objects.filter(key=scale_key).first()
        if scale is None and scale_key == "ncsr-7":
            with row_guard(report, None, "--scale"):
                assessment_actions.builtin_frameworks_ensure(acting_user=self.acting_user)
            scale = Scale.objects.filter(key=scale_key).first()
        if scale is None:
            report.reject(None, "--scale", f"no scale with key {scale_key!r}")
            return
        nodes = [
            assessment_actions.NodeSpec(
                code=n.code,
                title=n.title,
                kind=n.kind,
                parent=n.parent,
                statement=n.statement,
                withdrawn=n.withdrawn,
                withdrawn_note=n.withdrawn_note,
            )
            for n in parsed.nodes
        ]
        with row_guard(report, None, "catalog"):
            result = assessment_actions.framework_load(
                acting_user=self.acting_user,
                key=parsed.key,
                version=parsed.version,
                title=parsed.title,
                kind=kind,
                scale=scale,
                nodes=nodes,
                source=f"OSCAL catalog {parsed.uuid}",
            )
            status = NEW if result.framework_created else CHANGED if result.framework_changed else UNCHANGED
            report.add(status, "framework", f"{parsed.key} {parsed.version}", parsed.title)
            withdrawn = {n.code for n in parsed.nodes if n.withdrawn}
            for code, outcome in result.outcomes:
                report.add(_STATUS[outcome], "node", code, "withdrawn" if code in withdrawn else "")
            counts = parsed.counts()
            report.note(
                f"{parsed.title} {parsed.version}: {counts.get('item', 0)} active items in "
                f"{counts.get('category', 0)} categories and {counts.get('function', 0)} functions; "
                f"withdrawn, kept and marked: {sum(1 for n in parsed.nodes if n.withdrawn and n.kind == 'item')} "
                f"items, {sum(1 for n in parsed.nodes if n.withdrawn and n.kind != 'item')} groups"
                + (" (CSF 2.0 rule: 1.1 subcategories without examples)" if parsed.csf2_rule else "")
            )
