"""Server-side SVG charts: accessible (role, title, desc, table), deterministic, and honest about withheld cells."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest

from interlocal import charts

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(chart: charts.Chart) -> ET.Element:
    # ElementTree cannot skip the DOCTYPE's external id, so parse from the <svg> element on.
    return ET.fromstring(chart.svg[chart.svg.index("<svg") :])


def _heat() -> charts.Chart:
    return charts.heatmap(
        title="Members by level",
        rows=["GV.OC", "ID.AM"],
        columns=["Not Performed", "Informally Performed", "Documented Policy"],
        counts=[[0, 4, None], [1, 2, 3]],
    )


def test_it_gives_the_svg_a_role_a_title_and_a_description_first() -> None:
    root = _parsed(_heat())

    assert root.get("role") == "img"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Members by level"
    assert root[1].tag == f"{SVG}desc" and "GV.OC at Informally Performed with 4" in (root[1].text or "")
    assert root.get("aria-labelledby") == "chart-title chart-desc"


def test_it_draws_the_same_bytes_for_the_same_numbers() -> None:
    assert _heat().svg == _heat().svg
    assert "<dc:date>" not in _heat().svg


def test_it_tables_the_numbers_and_names_withheld_cells() -> None:
    chart = _heat()

    assert chart.table.header == ("Category", "Not Performed", "Informally Performed", "Documented Policy")
    assert chart.table.rows[0] == ("GV.OC", "0", "4", "withheld")
    assert "1 cell is withheld" in chart.summary
    # The withheld cell is drawn without a number: only the six shown counts appear as text.
    texts = [t.text or "" for t in _parsed(chart).iter(f"{SVG}text") if (t.text or "").strip().isdigit()]
    assert sorted(texts) == ["0", "1", "2", "3", "4"]


def test_it_serves_the_svg_as_a_data_uri_image() -> None:
    chart = _heat()
    prefix = "data:image/svg+xml;base64,"

    assert chart.data_uri.startswith(prefix)
    assert base64.b64decode(chart.data_uri[len(prefix) :]).decode() == chart.svg


def test_it_names_the_bars_below_target() -> None:
    chart = charts.hbars(
        title="Score by function",
        labels=["Govern", "Identify", "Protect"],
        values=[3.25, 5.0, 4.5],
        target=5,
        compare=[4.0, 4.4, None],
        scale_max=6,
    )

    assert "Below target: Govern, Protect." in chart.summary
    assert chart.table.header == ("", "Score", "Peer mean", "Target")
    assert chart.table.rows[0] == ("Govern", "3.25", "4", "5")
    assert chart.table.rows[2] == ("Protect", "4.50", "—", "5")


def test_it_groups_bars_per_series_for_year_over_year() -> None:
    chart = charts.grouped_bars(
        title="Mean level by function",
        groups=["GV", "ID"],
        series=[("2024", [2.0, 3.0]), ("2025", [3.5, None])],
    )

    assert chart.table.header == ("", "2024", "2025")
    assert chart.table.rows == (("GV", "2", "3.50"), ("ID", "3", "—"))


def test_it_places_the_percentile_in_words() -> None:
    assert "the 62nd percentile" in charts.percentile_marker(title="Position", percentile=62.4).summary
    assert "the 11th percentile" in charts.percentile_marker(title="Position", percentile=11).summary


@pytest.mark.parametrize(
    "call",
    [
        lambda: charts.heatmap(title="x", rows=["a"], columns=["1", "2"], counts=[[1]]),
        lambda: charts.hbars(title="x", labels=["a", "b"], values=[1.0], target=1),
        lambda: charts.grouped_bars(title="x", groups=["a"], series=[("s", [1.0, 2.0])]),
        lambda: charts.percentile_marker(title="x", percentile=101),
    ],
)
def test_it_refuses_mismatched_data_with_a_message(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match=r"heatmap|hbars|grouped_bars|percentile"):
        call()


def test_it_draws_a_chart_once_for_the_same_numbers() -> None:
    first = charts.hbars(title="Cached", labels=["A"], values=[1.0], target=2)
    again = charts.hbars(title="Cached", labels=["A"], values=[1.0], target=2)
    other = charts.hbars(title="Cached", labels=["A"], values=[1.5], target=2)

    assert again is first
    assert other is not first and other.table.rows[0][1] == "1.50"


# Issue 12: KPI over time, counts, money, and the members map.


def _kpi() -> charts.Chart:
    import datetime as dt

    return charts.kpi_line(
        title="Dispatch time",
        unit="seconds",
        points=[(dt.date(2027, 1, 1), 80.0), (dt.date(2028, 1, 1), 70.0)],
        baseline=(dt.date(2026, 1, 1), 90.0),
        target=(dt.date(2031, 1, 1), 60.0),
        higher_is_better=False,
    )


def test_it_tables_a_kpi_with_the_trajectory_expected_on_each_date() -> None:
    chart = _kpi()
    assert chart.svg == _kpi().svg and _parsed(chart).get("role") == "img"
    assert chart.table.rows[0] == ("01/01/2026", "90 (baseline)", "90")
    # Two years of a five-year line from 90 to 60: 78 expected on 1/1/2028 (730 of 1826 days), measured 70.
    assert chart.table.rows[2][:2] == ("01/01/2028", "70") and chart.table.rows[2][2].startswith("78")
    assert chart.table.rows[-1] == ("01/01/2031", "target", "60")
    assert "is at or ahead of the trajectory" in chart.summary and "lower is better" in chart.summary


def test_it_counts_in_whole_numbers_and_labels_each_bar() -> None:
    chart = charts.count_bars(
        title="Stages", labels=["Idea", "Approved"], counts=[2, 0], value_label="Initiatives"
    )
    texts = {t.text for t in _parsed(chart).iter(f"{SVG}text")}
    assert "0.5" not in texts and {"0", "1", "2"} <= texts
    assert chart.table.rows == (("Idea", "2"), ("Approved", "0"))
    assert chart.summary == "Stages: Idea 2; Approved 0."


def test_it_tables_money_in_dollars() -> None:
    chart = charts.money_bars(
        title="Savings",
        groups=["FY2024", "FY2025"],
        series=[("Projected", [1000.0, 2500.5]), ("Certified", [900.0, None])],
    )
    assert chart.table.header == ("", "Projected", "Certified")
    assert chart.table.rows == (("FY2024", "$1,000", "$900"), ("FY2025", "$2,500", "—"))
    assert "Projected $3,500 in all" in chart.summary


def test_it_gives_each_place_on_the_map_its_geoid_and_a_legend_entry() -> None:
    square = (((0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)),)
    moved = tuple(tuple((x + 1.0, y) for x, y in ring) for ring in square)
    areas = [
        charts.MapArea("2900001", "Alpha", charts.MEMBER, 2019, (square,), (0.5, 0.5)),
        charts.MapArea("2900002", "Beta", charts.CANDIDATE, None, (moved,), (1.5, 0.5)),
    ]
    chart = charts.members_map(title="Members", areas=areas)
    ids = {g.get("id") for g in _parsed(chart).iter(f"{SVG}g")}
    assert {"geoid-2900001", "geoid-2900002"} <= ids
    assert chart.table.rows == (
        ("Alpha", "2900001", "Member", "2019"),
        ("Beta", "2900002", "Neighbour, not a member", ""),
    )
    assert "Member since 2019" in chart.svg and "Neighbour, not a member" in chart.svg
    assert chart.svg == charts.members_map(title="Members", areas=areas).svg
