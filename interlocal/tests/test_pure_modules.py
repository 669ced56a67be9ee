"""The pure modules (gates, scoring, trajectories, engines, parsers, helpers) import without Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent

# Listed by hand, with the engine and parser folders globbed, so a new engine or parser is checked
# the day it is added and a module only leaves the list by an edit someone has to review.
PURE_MODULES = sorted(
    {
        "interlocal.assets",
        "interlocal.charts",
        "interlocal.csvsafe",
        "interlocal.vocab_core",
        "interlocal.initiatives.gates",
        "interlocal.initiatives.pipeline",
        "interlocal.initiatives.scoring",
        "interlocal.tracking.trajectory",
        "interlocal.costshare.cli_core",
        "interlocal.importers.parsers",
        "interlocal.importers.legistar_client",
        "interlocal.agreements.matching",
        "interlocal.assessments.analysis",
        "interlocal.assessments.confidentiality",
        "interlocal.assessments.frameworks_data",
        "interlocal.reports.planning",
        "interlocal.geo",
        *(f"interlocal.costshare.{p.stem}" for p in (PACKAGE / "costshare").glob("engine*.py")),
        *(
            f"interlocal.importers.parsers.{p.stem}"
            for p in (PACKAGE / "importers" / "parsers").glob("*.py")
            if p.stem != "__init__"
        ),
    }
)

# Prints the Django modules the import pulled in; -X importtime on stderr shows who pulled them.
_PROBE = (
    "import sys; __import__(sys.argv[1]); "
    "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'ninja'))))"
)


def _import_chain(importtime: str) -> str:
    """Return "a -> b -> django..." from -X importtime output: who pulled in the first Django module."""
    # importtime prints each import when it finishes, children first and indented deeper, so the
    # ancestors of the first Django line are the later lines with less indentation.
    chain: list[str] = []
    depth = None
    for line in importtime.splitlines():
        name = line.rsplit("|", 1)[-1]
        indent = len(name) - len(name.lstrip())
        module = name.strip()
        if depth is None and module.split(".")[0] in ("django", "ninja"):
            chain, depth = [module], indent
        elif depth is not None and indent < depth:
            chain.append(module)
            depth = indent
    return " -> ".join(reversed(chain))


def test_it_finds_the_engines_and_parsers_on_disk() -> None:
    assert "interlocal.costshare.engine_lp" in PURE_MODULES
    assert "interlocal.importers.parsers.xlsx" in PURE_MODULES


@pytest.mark.parametrize("module", PURE_MODULES)
def test_it_imports_a_pure_module_without_django(module: str) -> None:
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", _PROBE, module],
        capture_output=True,
        text=True,
        check=False,
        cwd=PACKAGE.parent,
    )

    assert run.returncode == 0, run.stderr[-2000:]
    assert not run.stdout.split(), f"{module} imports Django: {_import_chain(run.stderr)}"
