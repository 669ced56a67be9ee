"""Present a scenario's stored results: the side-by-side table and CSV rows (the chart: portal/visuals.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from interlocal.costshare.choices import Method
from interlocal.costshare.models import Scenario

CENT = Decimal("0.01")
# USWDS palette colours with at least 3:1 contrast against white, one per method.


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


@dataclass(frozen=True)
class MethodHead:
    """One compared method: whether its split is in the core and, if not, the coalition it overcharges."""

    code: str
    label: str
    in_core: bool | None
    worst: list[str]
    excess: Decimal
    note: str
    is_adopted: bool


@dataclass(frozen=True)
class Cell:
    """One partner's bill under one method and its saving against going alone."""

    bill: Decimal
    saving: Decimal
    percent: Decimal | None


@dataclass(frozen=True)
class PartnerRow:
    """One partner across methods."""

    name: str
    government_id: int | None
    standalone: Decimal
    cells: list[Cell]


@dataclass(frozen=True)
class Comparison:
    """A scenario's results laid out for reading."""

    total: Decimal
    standalone_total: Decimal
    methods: list[MethodHead]
    rows: list[PartnerRow]


def _cell(bill: Any, alone: Decimal) -> Cell:
    b = _money(bill)
    saving = alone - b
    pct = (100 * saving / alone).quantize(Decimal("0.1")) if alone else None
    return Cell(b, saving, pct)


def comparison(scenario: Scenario, only: str | None = None) -> Comparison | None:
    """The scenario's results as methods side by side (or just one method), or None before computing."""
    res = scenario.results
    if not res:
        return None
    labels = dict(Method.choices)
    codes = [m for m in res["allocations"] if only is None or m == only]
    heads = [
        MethodHead(
            code=m,
            label=labels.get(m, m),
            in_core=None if res["in_core"][m] is None else bool(res["in_core"][m]),
            worst=list(res.get("worst_coalition", {}).get(m, {}).get("members", [])),
            excess=_money(res.get("worst_coalition", {}).get(m, {}).get("excess", 0)),
            note=res.get("notes", {}).get(m, ""),
            is_adopted=scenario.adopted_method == m,
        )
        for m in codes
    ]
    rows = []
    for p in res["partners"]:
        alone = _money(res["standalone"][p])
        cells = [_cell(res["allocations"][m][p], alone) for m in codes]
        rows.append(PartnerRow(p, scenario.partner_ids.get(p), alone, cells))
    return Comparison(
        total=_money(res["total"]),
        standalone_total=sum((r.standalone for r in rows), Decimal(0)),
        methods=heads,
        rows=rows,
    )


def bill_for(scenario: Scenario, government_id: int) -> tuple[PartnerRow, MethodHead] | None:
    """One government's bill under the adopted method, or None if it is not billed."""
    table = comparison(scenario, only=scenario.adopted_method or None)
    if table is None or not table.methods:
        return None
    for row in table.rows:
        if row.government_id == government_id:
            return row, table.methods[0]
    return None


def csv_rows(scenario: Scenario) -> Iterator[list[str]]:
    """Rows of the CSV export: one per partner and method, with the inputs' provenance first."""
    yield ["scenario", scenario.name]
    yield ["fiscal_year", str(scenario.fiscal_year)]
    yield ["engine_version", scenario.engine_version]
    yield ["computed_at", scenario.computed_at.isoformat() if scenario.computed_at else ""]
    yield ["adopted_method", scenario.adopted_method]
    yield []
    yield ["partner", "method", "bill", "standalone", "saving", "saving_percent", "method_in_core"]
    table = comparison(scenario)
    if table is None:
        return
    for row in table.rows:
        for head, cell in zip(table.methods, row.cells, strict=True):
            yield [
                row.name,
                head.code,
                str(cell.bill),
                str(row.standalone),
                str(cell.saving),
                "" if cell.percent is None else str(cell.percent),
                "not checked" if head.in_core is None else ("yes" if head.in_core else "no"),
            ]
