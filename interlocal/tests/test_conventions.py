"""Conventions a linter cannot check: every test function in a tests/ folder is named test_it_*."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def misnamed_tests(source: str, filename: str = "<test>") -> list[str]:
    """Return "file:line name" for each test-like function or Test class not named the house way."""
    # pytest collects every test_* function (pyproject), so a misnamed one still runs; this keeps
    # the names readable as sentences. Helpers in tests/ are checked too because a test module
    # that imports a test_* helper collects it.
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            bad = node.name.lower().startswith("test") and not node.name.startswith("test_it_")
        elif isinstance(node, ast.ClassDef):
            bad = node.name.startswith("Test")
        else:
            continue
        if bad:
            found.append(f"{filename}:{node.lineno} {node.name}")
    return found


def test_it_names_every_test_function_test_it() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("tests/**/*.py")):
        name = str(path.relative_to(PACKAGE.parent))
        problems += misnamed_tests(path.read_text(encoding="utf-8"), name)

    message = "test functions must be named test_it_* (and no Test* classes):\n" + "\n".join(problems)
    assert problems == [], message


def test_it_reports_misnamed_tests_and_test_classes() -> None:
    source = (
        "def test_it_works(): pass\n"
        "def test_works(): pass\n"
        "async def testWorks(): pass\n"
        "def helper(): pass\n"
        "class TestThing:\n"
        "    def test_it_inner(self): pass\n"
        "    def test_inner(self): pass\n"
    )

    assert misnamed_tests(source, "t.py") == [
        "t.py:2 test_works",
        "t.py:3 testWorks",
        "t.py:5 TestThing",
        "t.py:7 test_inner",
    ]
