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
import functools
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from io import StringIO
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.collections import PatchCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

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
