"""Server-side charts as accessible SVG, drawn with matplotlib; pure (no Django).

Each function returns a `Chart`: the SVG text (with role="img", a <title> and a <desc> that summarises
it in words), the same summary for an <img alt>, and the numbers as a table (caption, header, rows) the
page renders beside the chart, so a screen-reader or print reader loses nothing.

How a page shows it: `Chart.data_uri` in an <img src> with `alt=summary`. The site's CSP forbids inline
style (style-src 'self'), and matplotlib's SVG carries a <style> block and style="" attributes, so an
inline <svg> would render unstyled in the browser; an image from a data: URI is its own document, which
the CSP's img-src 'self' data: allows, and an <img> with alt is what axe expects. WeasyPrint draws the
same data: URI in the PDF.

Determinism: no pyplot (no global state, no GUI backend; the SVG canvas is used directly), a fixed
`svg.hashsalt` so clip-path ids do not change from run to run, and no Date in the metadata, so the
same numbers give the same bytes (tests and page caches can compare them).
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import math
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from io import StringIO
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
import matplotlib.dates as mdates
import matplotlib.patheffects as patheffects
import matplotlib.ticker
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path

ENGINE_VERSION = "charts-1"

# USWDS-like colours with enough contrast on white (WCAG 1.4.11: 3:1 for graphics).
INK = "#1b1b1b"
BLUE = "#005ea2"
GOLD = "#c05600"
GREY = "#71767a"
WITHHELD = "#e6e6e6"
# Sequential blues for heat map cells, light to dark; cells with too few answers stay hatched grey.
HEAT_CMAP = "Blues"

# Typed Any: matplotlib's stubs want literal keys, which a shared dict cannot give.
_LOCK = threading.Lock()  # guards the cache
_DRAW = threading.Lock()  # matplotlib's rc_context is process-wide state: one chart is drawn at a time
_RC: Any = {
    "svg.hashsalt": "interlocal-charts",
    "svg.fonttype": "none",  # text stays text: a third smaller, and measured faster in WeasyPrint than paths
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "text.color": INK,
}


# Issue 12's charts are drawn 5 inches wide with 10-point text: on a phone (about 360 px) they show at their
# natural size, and the page caps them at 36rem on wider screens (class il-chart--compact).
_RC_COMPACT: Any = {**_RC, "font.size": 10}
COMPACT_WIDTH = 5.0


@dataclass(frozen=True)
class Table:
    """The chart's numbers as a table: caption, column headers, and rows of cells (already text)."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    svg: str
    title: str
    summary: str
    table: Table
    extra: dict[str, str] = field(default_factory=dict)
    # The same numbers in fewer cells for the PDF, where the table is printed open beside the chart (a Gantt's
    # one "Active" cell per year becomes one "2026-2028, 2030" cell: a third of the cells to lay out).
    print_table: Table | None = None

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode("ascii")


_CACHE: OrderedDict[str, Chart] = OrderedDict()
_CACHE_SIZE = 64


def _cached(fn: Callable[..., Chart]) -> Callable[..., Chart]:
    """Keep the last charts drawn, by their arguments: the same numbers give the same chart, and a page and its
    PDF (or the next reader of a closed round) need not draw it again."""

    @functools.wraps(fn)
    def wrapper(**kwargs: Any) -> Chart:
        key = f"{fn.__name__}{sorted(kwargs.items())!r}"
        with _LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
        with _DRAW:
            chart = fn(**kwargs)
        with _LOCK:
            _CACHE[key] = chart
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
        return chart

    return wrapper


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value:.{digits}f}" if value != int(value) else str(int(value))


def _render(fig: Figure, title: str, summary: str) -> str:
    """Return the figure as SVG text with role="img", <title> and <desc> as the root's first children."""
    buf = StringIO()
    FigureCanvasSVG(fig)
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    svg = buf.getvalue()
    start = svg.index("<svg")
    end = svg.index(">", start)
    root = svg[start:end]
    root = root.replace("<svg", '<svg role="img" aria-labelledby="chart-title chart-desc"', 1)
    head = f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(summary)}</desc>'
    return svg[:start] + root + ">" + head + svg[end + 1 :]


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=72, layout="constrained")


@_cached
def heatmap(
    *,
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: Sequence[Sequence[int | None]],
    row_label: str = "Category",
    column_label: str = "Level",
    table_extra: Sequence[tuple[str, Sequence[str]]] = (),
) -> Chart:
    """Counts of members per row (category) and column (level); None marks a cell withheld (too few).

    table_extra adds columns (header, one text per row) to the data table only, e.g. each row's mean.
    """
    if len(counts) != len(rows) or any(len(r) != len(columns) for r in counts):
        raise ValueError(f"heatmap: counts must be {len(rows)} rows x {len(columns)} columns")
    shown = [[c for c in r if c is not None] for r in counts]
    top = max((max(r) for r in shown if r), default=0)
    withheld = sum(1 for r in counts for c in r if c is None)
    with matplotlib.rc_context(_RC):
        # Level names wrap under their column rather than rotate, so they stay readable and the height is known.
        wrapped = [
            "\n".join(textwrap.wrap(str(c).replace("/", "/ "), 13, break_long_words=False)) or str(c)
            for c in columns
        ]
        label_lines = max((w.count("\n") + 1 for w in wrapped), default=1)
        width = max(4.0, 1.2 + 0.95 * len(columns))
        fig = _figure(width, 0.9 + 0.16 * label_lines + 0.3 * len(rows))
        ax = fig.add_subplot()
        # One collection of cells (not a patch each, nor hatching): a tenth of the SVG, which WeasyPrint
        # draws in a fraction of the time. Withheld cells are grey with a dash instead of a number.
        cells: list[Rectangle] = []
        colours: list[Any] = []
        for i, row in enumerate(counts):
            for j, c in enumerate(row):
                cells.append(Rectangle((j - 0.5, i - 0.5), 1, 1))
                if c is None:
                    colours.append(WITHHELD)
                    ax.text(j, i, "\u2013", ha="center", va="center", color=GREY, clip_on=False)
                    continue
                colours.append(matplotlib.colormaps[HEAT_CMAP](0.1 + 0.85 * (c / top if top else 0)))
                dark = top and c / top > 0.55
                ax.text(j, i, str(c), ha="center", va="center", color="white" if dark else INK, clip_on=False)
        ax.add_collection(
            PatchCollection(cells, facecolors=colours, edgecolors="white", linewidths=1, clip_on=False)
        )
        ax.set_xlim(-0.5, len(columns) - 0.5)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xticks(range(len(columns)), wrapped)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(rows)), list(rows))
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        peak = _peak(rows, columns, counts)
        summary = (
            f"{title}: number of members at each {column_label.lower()} for {len(rows)} "
            f"{row_label.lower()} rows and {len(columns)} {column_label.lower()} columns."
            + (f" The largest cell is {peak}." if peak else "")
            + (
                f" {withheld} {'cell is' if withheld == 1 else 'cells are'} withheld: too few members answered."
                if withheld
                else ""
            )
        )
        svg = _render(fig, title, summary)
    table = Table(
        caption=title,
        header=(row_label, *columns, *(h for h, _ in table_extra)),
        rows=tuple(
            (r, *("withheld" if c is None else str(c) for c in row), *(cells[i] for _, cells in table_extra))
            for i, (r, row) in enumerate(zip(rows, counts, strict=True))
        ),
    )
    return Chart(svg=svg, title=title, summary=summary, table=table)


def _peak(rows: Sequence[str], columns: Sequence[str], counts: Sequence[Sequence[int | None]]) -> str:
    best: tuple[int, str, str] | None = None
    for r, row in zip(rows, counts, strict=True):
        for col, c in zip(columns, row, strict=True):
            if c is not None and (best is None or c > best[0]):
                best = (c, r, col)
    return f"{best[1]} at {best[2]} with {best[0]}" if best and best[0] else ""


@_cached
def hbars(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    target: float | None,
    value_label: str = "Score",
    scale_max: float | None = None,
    compare: Sequence[float | None] | None = None,
    compare_label: str = "Peer mean",
) -> Chart:
    """Horizontal bars (e.g. a member's score per function) with a target line and optional peer markers."""
    if len(values) != len(labels) or (compare is not None and len(compare) != len(labels)):
        raise ValueError("hbars: labels, values and compare must have the same length")
    known = [v for v in values if v is not None]
    top = scale_max if scale_max is not None else max([target or 0.0, *known, 1.0]) * 1.05
    with matplotlib.rc_context(_RC):
        fig = _figure(6.0, max(1.6, 0.9 + 0.34 * len(labels)))
        ax = fig.add_subplot()
        ys = list(range(len(labels)))
        ax.barh(
            ys,
            [v or 0 for v in values],
            color=[GOLD if target is not None and (v or 0) < target else BLUE for v in values],
            height=0.6,
            label=value_label,
        )
        if compare is not None:
            cy = [y for y, c in zip(ys, compare, strict=True) if c is not None]
            cx = [c for c in compare if c is not None]
            ax.scatter(cx, cy, marker="D", color=INK, s=24, zorder=3, label=compare_label)
        if target is not None:
            ax.axvline(target, color=INK, linestyle="--", linewidth=1, label=f"Target {_fmt(target)}")
        ax.set_yticks(ys, list(labels))
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_xlim(0, top)
        ax.set_xlabel(value_label)
        if target is not None or compare is not None:
            ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False)
        if target is None:
            summary = f"{title}: " + "; ".join(
                f"{lab} {_fmt(v, 2)}" for lab, v in zip(labels, values, strict=True)
            )
        else:
            below = [lab for lab, v in zip(labels, values, strict=True) if v is not None and v < target]
            summary = f"{title}: {len(labels)} bars against a target of {_fmt(target)}. " + (
                f"Below target: {', '.join(below)}." if below else "All at or above target."
            )
        svg = _render(fig, title, summary)
    header: tuple[str, ...] = ("", value_label)
    if compare is not None:
        header += (compare_label,)
    if target is not None:
        header += ("Target",)
    rows = []
    for i, lab in enumerate(labels):
        cells = [lab, _fmt(values[i], 2)]
        if compare is not None:
            cells.append(_fmt(compare[i], 2))
        if target is not None:
            cells.append(_fmt(target))
        rows.append(tuple(cells))
    return Chart(svg=svg, title=title, summary=summary, table=Table(title, header, tuple(rows)))


@_cached
def grouped_bars(
    *,
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    value_label: str = "Score",
    target: float | None = None,
    scale_max: float | None = None,
) -> Chart:
    """Vertical bars per group for each series (e.g. 2024 vs 2025 per function), optional target line."""
    if not series or any(len(vals) != len(groups) for _, vals in series):
        raise ValueError("grouped_bars: every series needs one value per group")
    colours = [GREY, BLUE, GOLD, INK]
    with matplotlib.rc_context(_RC):
        fig = _figure(min(9.0, max(4.5, 1.2 + 0.6 * len(groups) * len(series) / 2)), 3.0)
        ax = fig.add_subplot()
        width = 0.8 / len(series)
        for s, (name, vals) in enumerate(series):
            xs = [g + (s - (len(series) - 1) / 2) * width for g in range(len(groups))]
            ax.bar(xs, [v or 0 for v in vals], width=width, color=colours[s % len(colours)], label=name)
        if target is not None:
            ax.axhline(target, color=INK, linestyle="--", linewidth=1, label=f"Target {_fmt(target)}")
        ax.set_xticks(
            range(len(groups)),
            list(groups),
            rotation=45 if len(groups) > 8 else 0,
            ha="right" if len(groups) > 8 else "center",
        )
        if scale_max is not None:
            ax.set_ylim(0, scale_max)
        ax.set_ylabel(value_label)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(series) + 1, frameon=False)
        names = [n for n, _ in series]
        summary = f"{title}: {value_label.lower()} per group for {', '.join(names)}." + (
            f" Target {_fmt(target)}." if target is not None else ""
        )
        svg = _render(fig, title, summary)
    rows = tuple((g, *(_fmt(vals[i], 2) for _, vals in series)) for i, g in enumerate(groups))
    return Chart(svg=svg, title=title, summary=summary, table=Table(title, ("", *names), rows))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@_cached
def percentile_marker(*, title: str, percentile: float, label: str = "Your position among peers") -> Chart:
    """A 0-100 track with a marker at the member's percentile."""
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile_marker: percentile {percentile} is outside 0-100")
    with matplotlib.rc_context(_RC):
        fig = _figure(6.0, 1.1)
        ax = fig.add_subplot()
        ax.barh([0], [100], color="#dfe1e2", height=0.35)
        ax.barh([0], [percentile], color=BLUE, height=0.35)
        ax.plot([percentile], [0.32], marker="v", color=INK, markersize=9, clip_on=False)
        ax.set_xlim(-1, 101)
        ax.set_ylim(-0.3, 0.4)
        ax.set_yticks([])
        ax.set_xticks([0, 25, 50, 75, 100])
        ax.set_xlabel("Percentile")
        for spine in ("top", "right", "left"):
            ax.spines[spine].set_visible(False)
        summary = f"{title}: {label.lower()} is the {_ordinal(round(percentile))} percentile."
        svg = _render(fig, title, summary)
    return Chart(
        svg=svg,
        title=title,
        summary=summary,
        table=Table(title, ("", "Percentile"), ((label, _fmt(percentile, 0)),)),
    )


def _money(value: float | None) -> str:
    return "—" if value is None else f"${value:,.0f}"


def kpi_line(
    *,
    title: str,
    unit: str,
    points: Sequence[tuple[dt.date, float]],
    baseline: tuple[dt.date, float] | None,
    target: tuple[dt.date, float] | None,
    higher_is_better: bool,
) -> Chart:
    """A KPI's measurements over time against the straight trajectory from its baseline to its target.

    The trajectory is the same line `tracking.trajectory.expected_on` interpolates; the table gives, for
    each measurement, the value the trajectory expected that day, so the chart and the status agree.
    """
    trajectory = baseline is not None and target is not None and target[0] > baseline[0]

    def expected(day: dt.date) -> float | None:
        if not trajectory:
            return None
        assert baseline is not None and target is not None
        if day <= baseline[0]:
            return baseline[1]
        if day >= target[0]:
            return target[1]
        share = (day - baseline[0]).days / (target[0] - baseline[0]).days
        return baseline[1] + (target[1] - baseline[1]) * share

    with matplotlib.rc_context(_RC_COMPACT):
        fig = _figure(COMPACT_WIDTH, 2.8)
        ax = fig.add_subplot()
        if trajectory:
            assert baseline is not None and target is not None
            ax.plot(
                [mdates.date2num(baseline[0]), mdates.date2num(target[0])],
                [baseline[1], target[1]],
                color=GREY,
                linestyle="--",
                linewidth=1.2,
                label="Trajectory to target",
            )
            ax.plot(
                [mdates.date2num(target[0])],
                [target[1]],
                marker="*",
                markersize=12,
                color=GOLD,
                linestyle="none",
            )
            ax.annotate(
                f"Target {_fmt(target[1], 2)}",
                (mdates.date2num(target[0]), target[1]),
                textcoords="offset points",
                xytext=(0, 8),
                ha="right",
                color=INK,
            )
        if points:
            ax.plot(
                [mdates.date2num(d) for d, _ in points],
                [v for _, v in points],
                color=BLUE,
                marker="o",
                markersize=4,
                linewidth=2,
                label="Measured",
            )
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.set_ylabel(unit)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
        better = "higher" if higher_is_better else "lower"
        if not points:
            said = "no measurement yet."
        else:
            last_day, last = points[-1]
            said = f"{len(points)} measurements; the latest, {_fmt(last, 2)} {unit} on {last_day:%m/%d/%Y}"
            hoped = expected(last_day)
            if hoped is not None:
                ahead = (last >= hoped) if higher_is_better else (last <= hoped)
                said += f", is {'at or ahead of' if ahead else 'behind'} the trajectory's {_fmt(hoped, 2)}."
            else:
                said += "."
        goal = (
            f" Target {_fmt(target[1], 2)} {unit} by {target[0]:%m/%d/%Y} ({better} is better)."
            if target
            else ""
        )
        summary = f"{title}: {said}{goal}"
        svg = _render(fig, title, summary)
    rows = [(f"{d:%m/%d/%Y}", _fmt(v, 2), _fmt(expected(d), 2)) for d, v in points]
    if baseline is not None:
        rows.insert(
            0, (f"{baseline[0]:%m/%d/%Y}", f"{_fmt(baseline[1], 2)} (baseline)", _fmt(baseline[1], 2))
        )
    if target is not None:
        rows.append((f"{target[0]:%m/%d/%Y}", "target", _fmt(target[1], 2)))
    table = Table(title, ("Date", f"Measured ({unit})", "Trajectory"), tuple(rows))
    return Chart(svg=svg, title=title, summary=summary, table=table)


def money_bars(
    *,
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    horizontal: bool = False,
) -> Chart:
    """Dollar amounts per group for each series (savings by year; each partner's bill per method).

    Like `grouped_bars` but labelled and tabled in dollars; horizontal when group names are long.
    """
    if not series or any(len(vals) != len(groups) for _, vals in series):
        raise ValueError("money_bars: every series needs one value per group")
    colours = [GREY, BLUE, GOLD, INK, "#538200", "#8168b3"]
    with matplotlib.rc_context(_RC_COMPACT):
        n = len(series)
        if horizontal:
            fig = _figure(COMPACT_WIDTH, max(2.0, 1.0 + 0.16 * len(groups) * n + 0.1 * len(groups)))
        else:
            fig = _figure(COMPACT_WIDTH, 2.8)
        ax = fig.add_subplot()
        width = 0.8 / n
        for s, (name, vals) in enumerate(series):
            pos = [g + (s - (n - 1) / 2) * width for g in range(len(groups))]
            heights = [v or 0 for v in vals]
            colour = colours[s % len(colours)]
            if horizontal:
                ax.barh(pos, heights, height=width, color=colour, label=name)
            else:
                ax.bar(pos, heights, width=width, color=colour, label=name)
        money = matplotlib.ticker.FuncFormatter(lambda v, _: f"${v:,.0f}")
        if horizontal:
            ax.set_yticks(range(len(groups)), list(groups))
            ax.set_ylim(len(groups) - 0.5, -0.5)
            ax.xaxis.set_major_formatter(money)
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
            ax.tick_params(axis="x", labelrotation=30)
        else:
            ax.set_xticks(range(len(groups)), list(groups))
            ax.yaxis.set_major_formatter(money)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=n if n <= 2 else 2, frameon=False)
        totals = [(name, sum(v or 0 for v in vals)) for name, vals in series]
        summary = f"{title}: " + "; ".join(f"{name} {_money(t)} in all" for name, t in totals) + "."
        svg = _render(fig, title, summary)
    rows = tuple((g, *(_money(vals[i]) for _, vals in series)) for i, g in enumerate(groups))
    return Chart(
        svg=svg, title=title, summary=summary, table=Table(title, ("", *(n for n, _ in series)), rows)
    )


@dataclass(frozen=True)
class MapArea:
    """One place on a map: its GEOID, name, status (member or candidate), membership year and shape.

    `rings` are the polygons' rings as (lon, lat) sequences, exterior first; `label_at` is a point
    inside the shape (the stored interior point) where its name is written.
    """

    geoid: str
    name: str
    status: str
    since: int | None
    polygons: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]
    label_at: tuple[float, float]


MEMBER = "member"
CANDIDATE = "candidate"


def members_map(*, title: str, areas: Sequence[MapArea]) -> Chart:
    """Members coloured by the year they joined; neighbours that are not members hatched grey.

    Each place is one SVG group with id `geoid-<GEOID>` (tests and readers can find it); labels are
    written at each place's interior point. Longitude is scaled by cos(latitude) so shapes are not
    stretched.
    """
    if not areas:
        raise ValueError("members_map: no places to draw")
    years = sorted({a.since for a in areas if a.status == MEMBER and a.since is not None})
    cmap = matplotlib.colormaps["Blues"]
    shade = {y: cmap(0.45 + 0.5 * (i / max(len(years) - 1, 1))) for i, y in enumerate(years)}
    lons = [lon for a in areas for poly in a.polygons for ring in poly[:1] for lon, _ in ring]
    lats = [lat for a in areas for poly in a.polygons for ring in poly[:1] for _, lat in ring]
    mid = (min(lats) + max(lats)) / 2
    # The figure takes the region's shape (longitude shrunk by cos(latitude)), plus room for the legend.
    wide = (max(lons) - min(lons)) * math.cos(math.radians(mid)) or 1.0
    tall = max(lats) - min(lats)
    with matplotlib.rc_context(_RC):
        fig = _figure(6.5, min(8.0, max(3.0, 6.0 * tall / wide + 0.8)))
        ax = fig.add_subplot()
        for a in sorted(areas, key=lambda a: (a.status != CANDIDATE, a.geoid)):
            member = a.status == MEMBER
            face = shade[a.since] if member and a.since is not None else cmap(0.6) if member else "#f0f0f0"
            # One compound path per place (all its polygons and holes), so one element carries its id.
            patch = PathPatch(
                _ring_path([ring for poly in a.polygons for ring in poly]),
                facecolor=face,
                edgecolor="white" if member else GREY,
                linewidth=0.8,
                hatch=None if member else "///",
            )
            patch.set_gid(f"geoid-{a.geoid}")
            ax.add_patch(patch)
            # Dark text on a white halo reads on any fill, and where a long name runs past its shape.
            ax.text(
                a.label_at[0],
                a.label_at[1],
                a.name,
                ha="center",
                va="center",
                fontsize=9 if member else 8,
                color=INK,
                fontweight="bold" if member else "normal",
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
            )
        ax.set_aspect(1 / math.cos(math.radians(mid)))
        ax.autoscale_view()
        ax.set_axis_off()
        handles = [Rectangle((0, 0), 1, 1, facecolor=shade[y], edgecolor="white") for y in years]
        labels = [f"Member since {y}" for y in years]
        if any(a.status == CANDIDATE for a in areas):
            handles.append(Rectangle((0, 0), 1, 1, facecolor="#f0f0f0", edgecolor=GREY, hatch="///"))
            labels.append("Neighbour, not a member")
        ax.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
        members = [a for a in areas if a.status == MEMBER]
        others = [a for a in areas if a.status != MEMBER]
        summary = (
            f"{title}: {len(members)} members ("
            + ", ".join(f"{a.name} since {a.since}" if a.since else a.name for a in members)
            + ")"
            + (
                f" and {len(others)} neighbouring places that are not members ("
                + ", ".join(a.name for a in others)
                + ")."
                if others
                else "."
            )
        )
        svg = _render(fig, title, summary)
    rows = tuple(
        (a.name, a.geoid, "Member" if a.status == MEMBER else "Neighbour, not a member", str(a.since or ""))
        for a in sorted(areas, key=lambda a: (a.status != MEMBER, a.name))
    )
    return Chart(
        svg=svg,
        title=title,
        summary=summary,
        table=Table(title, ("Place", "GEOID", "Status", "Member since"), rows),
    )


def _ring_path(rings: Sequence[Sequence[tuple[float, float]]]) -> Path:
    # Holes are wound against their exterior in TIGER files, so the nonzero fill leaves them empty.
    verts: list[tuple[float, float]] = []
    codes: list[Any] = []
    for ring in rings:
        pts = list(ring)
        if len(pts) < 3:
            continue
        verts.extend(pts)
        codes.extend([Path.MOVETO] + [Path.LINETO] * (len(pts) - 2) + [Path.CLOSEPOLY])
    return Path(verts, codes)


def count_bars(
    *,
    title: str,
    labels: Sequence[str],
    counts: Sequence[int],
    value_label: str,
    colours: Sequence[str] | None = None,
) -> Chart:
    """Horizontal bars of whole counts (initiatives per stage, measures per status), each bar labelled.

    Whole-number ticks only (no "0.25 initiatives"), the count written at the end of each bar, and an
    optional colour per bar (e.g. status colours that match the page's tags).
    """
    if len(counts) != len(labels) or (colours is not None and len(colours) != len(labels)):
        raise ValueError("count_bars: labels, counts and colours must have the same length")
    top = max([*counts, 1])
    with matplotlib.rc_context(_RC_COMPACT):
        fig = _figure(COMPACT_WIDTH, 0.7 + 0.28 * len(labels))
        ax = fig.add_subplot()
        ys = list(range(len(labels)))
        ax.barh(ys, list(counts), color=list(colours) if colours else BLUE, height=0.65)
        for y, c in zip(ys, counts, strict=True):
            ax.text(c + top * 0.01, y, str(c), va="center", ha="left", color=INK)
        ax.set_yticks(ys, list(labels))
        ax.set_ylim(len(labels) - 0.5, -0.5)
        ax.set_xlim(0, top * 1.08)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        ax.set_xlabel(value_label)
        for spine in ("top", "right"):
            ax.spines[spine].set_visible(False)
        summary = f"{title}: " + "; ".join(f"{lab} {c}" for lab, c in zip(labels, counts, strict=True)) + "."
        svg = _render(fig, title, summary)
    rows = tuple((lab, str(c)) for lab, c in zip(labels, counts, strict=True))
    return Chart(svg=svg, title=title, summary=summary, table=Table(title, ("", value_label), rows))


@_cached
def gantt(
    *,
    title: str,
    years: Sequence[int],
    rows: Sequence[tuple[str, Sequence[int]]],
    row_label: str = "Initiative",
) -> Chart:
    """A year-by-year Gantt chart: one bar per row across the years it is active (years need not be contiguous).

    rows are (label, active years); years outside `years` are ignored. The table has one column per year
    with "Active" or "" so a reader without the picture loses nothing.
    """
    if not years:
        raise ValueError("gantt: a chart needs at least one year")
    ys = list(years)
    index = {y: i for i, y in enumerate(ys)}
    with matplotlib.rc_context(_RC):
        labels = [textwrap.shorten(label, 48, placeholder="…") for label, _ in rows]
        fig = _figure(min(9.0, 3.2 + 0.55 * len(ys)), max(1.4, 0.8 + 0.32 * len(rows)))
        ax = fig.add_subplot()
        bar_rows: list[int] = []
        bar_widths: list[float] = []
        bar_lefts: list[float] = []
        for r, (_, active) in enumerate(rows):
            cols = sorted(index[y] for y in set(active) if y in index)
            # Contiguous runs of years become one bar each.
            runs: list[tuple[int, int]] = []
            for c in cols:
                if runs and runs[-1][1] == c - 1:
                    runs[-1] = (runs[-1][0], c)
                else:
                    runs.append((c, c))
            for a, b in runs:
                bar_rows.append(r)
                bar_widths.append(b - a + 0.8)
                bar_lefts.append(a - 0.4)
        # One barh call for every bar: one call per bar cost matplotlib a container and an autoscale each.
        if bar_rows:
            ax.barh(bar_rows, bar_widths, left=bar_lefts, color=BLUE, height=0.55)
        ax.set_xticks(range(len(ys)), [str(y) for y in ys])
        ax.xaxis.tick_top()
        ax.set_xlim(-0.5, len(ys) - 0.5)
        ax.set_yticks(range(len(rows)), labels)
        ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
        ax.grid(axis="x", color="#dfe1e2", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        per_year = [sum(1 for _, active in rows if y in set(active)) for y in ys]
        busiest = max(per_year, default=0)
        summary = (
            f"{title}: {len(rows)} {row_label.lower()}{'' if len(rows) == 1 else 's'} over {ys[0]}\u2013{ys[-1]}. "
            + "; ".join(f"{y}: {n} active" for y, n in zip(ys, per_year, strict=True))
            + (
                f". The busiest year is {ys[per_year.index(busiest)]} with {busiest}."
                if busiest
                else ". None is scheduled in these years."
            )
        )
        svg = _render(fig, title, summary)
    table = Table(
        caption=title,
        header=(row_label, *(str(y) for y in ys)),
        rows=tuple((label, *("Active" if y in set(active) else "" for y in ys)) for label, active in rows),
    )
    print_table = Table(
        caption=title,
        header=(row_label, "Years active"),
        rows=tuple((label, year_runs(y for y in active if y in index)) for label, active in rows),
    )
    return Chart(svg=svg, title=title, summary=summary, table=table, print_table=print_table)


def year_runs(years: Iterable[int]) -> str:
    """Years as runs: [2026, 2027, 2028, 2030] -> "2026\u20132028, 2030"; none -> "\u2014"."""
    runs: list[list[int]] = []
    for y in sorted(set(years)):
        if runs and runs[-1][1] == y - 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}\u2013{b}" for a, b in runs) or "\u2014"
