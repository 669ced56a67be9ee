"""Tests of the shared text repair helpers."""

from __future__ import annotations

from datetime import date

from interlocal.importers.parsers.textrepair import (
    collapse_whitespace,
    fold_homoglyphs,
    group_label_cells,
    html_to_text,
    is_icon_caption,
    join_fragments,
    looks_like_html,
    normalize_text,
    parse_us_date,
    repair_file_number,
    split_bullet,
    split_cells,
)

CYRILLIC_TYPE = "\u0422\u0443\u0440\u0435"  # "Type" in Cyrillic letters, as found in the Lee's Summit PDF


def test_it_folds_cyrillic_lookalikes_to_ascii() -> None:
    assert fold_homoglyphs(CYRILLIC_TYPE + ":") == "Type:"
    assert fold_homoglyphs("R\u0435solution") == "Resolution"


def test_it_leaves_genuine_cyrillic_words_alone() -> None:
    assert (
        fold_homoglyphs("\u043f\u0440\u0438\u0432\u0435\u0442 Type")
        == "\u043f\u0440\u0438\u0432\u0435\u0442 Type"
    )


def test_it_rejoins_words_and_dates_split_across_cells() -> None:
    assert join_fragments(["Res", "olution"]) == ("Resolution", True)
    assert join_fragments(["3/31", "/2021"]) == ("3/31/2021", True)
    assert join_fragments(["City Council - Regular Se", "ession"]) == ("City Council - Regular Session", True)


def test_it_flags_a_join_the_vocabulary_cannot_confirm() -> None:
    text, certain = join_fragments(["Zork", "quux"])
    assert text == "Zorkquux"
    assert certain is False


def test_it_groups_cells_under_labels_split_across_cells() -> None:
    cells = split_cells("On agenda:\t4/13\t/2021\tFinal actio\tn:\t")
    assert group_label_cells(cells) == [("On agenda:", ["4/13", "/2021"]), ("Final action:", [])]


def test_it_rebuilds_a_scrambled_file_number_from_the_page_header() -> None:
    assert repair_file_number(["RES 08", "S. NO. 21-"], "RES. NO. 21-08") == "RES. NO. 21-08"


def test_it_refuses_a_file_number_that_disagrees_with_the_header() -> None:
    assert repair_file_number(["RES 09", "S. NO. 21-"], "RES. NO. 21-08") is None


def test_it_refuses_to_guess_a_scrambled_file_number_without_a_header() -> None:
    assert repair_file_number(["RES 08", "S. NO. 21-"], None) is None
    assert repair_file_number(["RES. NO. 21-08"], None) == "RES. NO. 21-08"


def test_it_parses_us_dates_and_rejects_garbage() -> None:
    assert parse_us_date("4/13/2021") == date(2021, 4, 13)
    assert parse_us_date("13/45/2021") is None
    assert parse_us_date("") is None


def test_it_reads_bullets_with_indent_and_doubled_markers() -> None:
    assert split_bullet("- \u00b7 Cooperatively identify") == (0, "Cooperatively identify")
    assert split_bullet(" - Complete the review") == (1, "Complete the review")
    assert split_bullet("  \u2022 St. Louis County") == (2, "St. Louis County")
    assert split_bullet("-5 degrees") is None


def test_it_strips_html_to_block_lines() -> None:
    html = "<html><head><style>p{}</style></head><body><h1>Recommendation LR.33</h1><p>A &amp; B</p>"
    html += "<ul><li>One</li><li>Two</li></ul></body></html>"
    assert looks_like_html(html)
    assert html_to_text(html).splitlines() == [
        "Recommendation LR.33",
        "",
        "A & B",
        "",
        "\u2022 One",
        "",
        "\u2022 Two",
    ]


def test_it_recognises_icon_captions() -> None:
    assert is_icon_caption("Lead Partner(s) icon")
    assert is_icon_caption("Implementation tracker icon.")
    assert not is_icon_caption("Iconic buildings")
    assert collapse_whitespace(" a\t\tb  c ") == "a b c"


def test_it_normalises_presentation_characters_but_keeps_real_symbols() -> None:
    assert normalize_text("\ufb01nal\u00a0action\u00ad 10 m\u00b2 \u2026") == "final action 10 m\u00b2 \u2026"
