"""Pure parsers (no Django): source text, JSON or files in, frozen records and ParseProblems out."""

from .census import (
    compute_adjacency,
    iter_adjacency_csv,
    iter_municipalities,
    iter_place_attributes,
    iter_population_estimates,
    parse_place_boundaries,
    read_municipalities,
    read_place_attributes,
    read_place_boundaries,
    read_population_estimates,
)
from .legistar_api import (
    dedupe_histories,
    detect_kind,
    duplicate_history_events,
    iter_matters_page_urls,
    load_legistar_file,
    matter_outcome,
    matters_page_url,
    next_skip,
    parse_legistar_json,
)
from .legistar_detail import parse_legislation_detail_html, parse_legislation_text
from .oscal import parse_catalog, parse_catalog_json, parse_catalog_xml
from .plan_page import parse_plan_page
from .records import Parsed, ParseProblem
from .statement import parse_statement

__all__ = [
    "ParseProblem",
    "Parsed",
    "compute_adjacency",
    "dedupe_histories",
    "detect_kind",
    "duplicate_history_events",
    "iter_adjacency_csv",
    "iter_matters_page_urls",
    "iter_municipalities",
    "iter_place_attributes",
    "iter_population_estimates",
    "load_legistar_file",
    "matter_outcome",
    "matters_page_url",
    "next_skip",
    "parse_catalog",
    "parse_catalog_json",
    "parse_catalog_xml",
    "parse_legislation_detail_html",
    "parse_legislation_text",
    "parse_legistar_json",
    "parse_place_boundaries",
    "parse_plan_page",
    "parse_statement",
    "read_municipalities",
    "read_place_attributes",
    "read_place_boundaries",
    "read_population_estimates",
]
