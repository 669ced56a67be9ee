"""The assessment pages' charts, drawn from the query layer's k-guarded results (never from answers)."""

from __future__ import annotations

from typing import Any

from interlocal import charts


def _top(levels: list[tuple[int, str]]) -> float:
    return float(max((v for v, _ in levels), default=1))


def summary_charts(rnd: Any, summary: Any, changes: list[Any] | None = None) -> dict[str, charts.Chart]:
    """Heat map (categories x levels), collaborative mean by function vs target, year over year by category."""
    if summary is None:
        return {}
    out: dict[str, charts.Chart] = {}
    names = [f"{v} {name}" for v, name in summary.levels]
    if summary.categories:
        out["heat"] = charts.heatmap(
            title=f"{rnd.title}: members by category score and level",
            rows=[c.code for c in summary.categories],
            columns=names,
            counts=[c.counts for c in summary.categories],
            row_label="Category",
            column_label="Level",
            table_extra=(
                ("Members", [str(c.n) for c in summary.categories]),
                (
                    "Mean level",
                    ["withheld" if c.mean is None else f"{c.mean:.2f}" for c in summary.categories],
                ),
            ),
        )
    shown = [f for f in summary.functions if f.mean is not None]
    if shown:
        out["functions"] = charts.hbars(
            title=f"{rnd.title}: mean level by function",
            labels=[f"{f.code} {f.title}" for f in shown],
            values=[f.mean for f in shown],
            target=summary.target,
            value_label="Mean level",
            scale_max=_top(summary.levels),
        )
    if changes:
        out["change"] = charts.grouped_bars(
            title=f"{rnd.title}: mean level by category, compared with the previous round",
            groups=[c.code for c in changes],
            series=[
                ("Previous round", [c.before for c in changes]),
                (str(rnd.year), [c.after for c in changes]),
            ],
            value_label="Mean level",
            target=summary.target,
            scale_max=_top(summary.levels),
        )
    return out


def member_charts(rnd: Any, report: Any) -> dict[str, charts.Chart]:
    """A member's score by function vs target (with the peers' mean where shown) and its percentile."""
    top = float(max(rnd.framework.scale.levels.values_list("value", flat=True), default=1))
    out: dict[str, charts.Chart] = {
        "functions": charts.hbars(
            title=f"{report.government}: score by function",
            labels=[f"{f.code} {f.title}" for f in report.functions],
            values=[f.score for f in report.functions],
            target=report.target,
            value_label="Score (mean level)",
            scale_max=top,
            compare=[f.peer_mean for f in report.functions] if report.peers_shown else None,
            compare_label="Peers' mean",
        )
    }
    if report.percentile is not None:
        out["percentile"] = charts.percentile_marker(
            title=f"{report.government}: overall score among peers",
            percentile=report.percentile,
            label=f"{report.government}'s position",
        )
    return out


def training_charts(rnd: Any, training: Any) -> dict[str, charts.Chart]:
    """Total head-count per topic (where at least k members answered)."""
    shown = [t for t in training.topics if t.head_count is not None]
    if not shown:
        return {}
    return {
        "heads": charts.hbars(
            title=f"{rnd.title}: staff who need each topic",
            labels=[f"{t.code} {t.title}" for t in shown],
            values=[float(t.head_count) for t in shown],
            target=None,
            value_label="Staff",
        )
    }
