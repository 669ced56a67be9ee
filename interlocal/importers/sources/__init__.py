"""One module per source; SOURCES maps the command-line names to them."""

from __future__ import annotations

from interlocal.importers.base import Source
from interlocal.importers.sources.census import CensusBoundariesSource, CensusPopulationSource
from interlocal.importers.sources.legistar_api import LegistarApiSource
from interlocal.importers.sources.legistar_detail import LegistarDetailSource
from interlocal.importers.sources.legistar_web import LegistarWebSource
from interlocal.importers.sources.oscal import OscalCatalogSource
from interlocal.importers.sources.plan_page import PlanPageSource
from interlocal.importers.sources.spreadsheet import SpreadsheetSource
from interlocal.importers.sources.statement import StatementSource

SOURCES: dict[str, type[Source]] = {
    cls.name: cls
    for cls in (
        CensusBoundariesSource,
        CensusPopulationSource,
        LegistarApiSource,
        LegistarDetailSource,
        LegistarWebSource,
        OscalCatalogSource,
        PlanPageSource,
        SpreadsheetSource,
        StatementSource,
    )
}
