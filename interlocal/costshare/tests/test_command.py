import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

PROBLEM = {"partners": ["A", "B"], "costs": {"A": 100, "B": 60, "A+B": 120}}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("costshare", *args, stdout=out)
    return out.getvalue()


def _write(tmp_path: Path, content: str, name: str = "problem.json") -> str:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_it_prints_the_allocation_table(tmp_path: Path) -> None:
    text = _run(_write(tmp_path, json.dumps(PROBLEM)), "--method", "equal", "--method", "scrb")
    assert "Total cost to share: 120.00" in text
    assert "equal" in text and "scrb" in text and "in core?" in text


def test_it_prints_json_with_the_documented_keys(tmp_path: Path) -> None:
    data = json.loads(_run(_write(tmp_path, json.dumps(PROBLEM)), "--json", "--method", "scrb"))
    assert set(data) == {"partners", "total", "allocations", "in_core", "savings"}
    assert data["allocations"]["scrb"] == {"A": 80.0, "B": 40.0}
    assert data["in_core"] == {"scrb": True}
    assert data["savings"]["scrb"] == {"A": 20.0, "B": 20.0}


def test_it_runs_the_default_methods(tmp_path: Path) -> None:
    data = json.loads(_run(_write(tmp_path, json.dumps(PROBLEM)), "--json"))
    assert list(data["allocations"]) == ["equal", "proportional", "scrb", "shapley", "nucleolus"]


def test_it_names_a_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")
    with pytest.raises(CommandError, match=r"nope\.json: no such file"):
        _run(missing)


def test_it_names_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = _write(tmp_path, "{partners: [", "bad.json")
    with pytest.raises(CommandError, match=r"bad\.json: not valid JSON \(line 1"):
        _run(path)


def test_it_names_the_problem_with_bad_input(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps({"partners": ["A", "A"], "costs": {"A": 1}}), "dup.json")
    with pytest.raises(CommandError, match=r"dup\.json: partner 'A' is listed twice"):
        _run(path)


def test_it_exits_non_zero_with_the_message_on_stderr(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = _write(tmp_path, "[]", "list.json")
    done = subprocess.run(
        [sys.executable, "manage.py", "costshare", path],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert done.returncode != 0
    assert "list.json: the input must be a JSON object" in done.stderr
