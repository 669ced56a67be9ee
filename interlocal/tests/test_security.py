import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from interlocal.testkit import World

README = Path(settings.BASE_DIR) / "README.md"
TEMPLATES = sorted(Path(settings.BASE_DIR, "interlocal").glob("*/templates/**/*.html"))


def _documented_production_environment() -> dict[str, str]:
    """The variables in README's Production block, with a real secret key for the placeholder."""
    block = re.search(r"```sh\n# production environment\n(.*?)```", README.read_text(), re.S)
    assert block, "README's Production section lost its environment block"
    pairs = dict(line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    pairs["SECRET_KEY"] = secrets.token_urlsafe(50)
    return pairs


def _interlocal(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A child process reads the environment afresh, as a server starting up does.
    # Only the basics from this process: nothing a test or the caller's shell set may leak into the check.
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR"}}
    base.update(INTERLOCAL_VAR_DIR=str(tmp_path), **env)
    command = [sys.executable, "-m", "interlocal.cli", *args]
    return subprocess.run(command, env=base, capture_output=True, text=True, timeout=120, check=False)


def test_it_passes_the_deploy_checks_under_the_documented_production_environment(tmp_path: Path) -> None:
    result = _interlocal(
        tmp_path, "check", "--deploy", "--fail-level", "WARNING", **_documented_production_environment()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_warns_about_https_without_the_production_environment(tmp_path: Path) -> None:
    result = _interlocal(tmp_path, "check", "--deploy")
    for warning in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert warning in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SECURE_HSTS_SECONDS", "a year"),
        ("SECURE_SSL_REDIRECT", "maybe"),
        ("AXES_FAILURE_LIMIT", "0"),
        ("PASSWORD_MIN_LENGTH", "8"),
    ],
)
def test_it_stops_start_up_naming_a_bad_variable(tmp_path: Path, variable: str, value: str) -> None:
    result = _interlocal(tmp_path, "check", **{variable: value})
    assert result.returncode != 0
    assert f"{variable}=" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("url", ["/", "/initiatives/", "/accounts/login/", "/api/v1/docs", "/admin/login/"])
def test_it_sends_a_content_security_policy_on_pages_that_render(
    world: World, client: Client, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe" not in policy


def test_it_sends_the_policy_to_signed_in_staff_in_the_back_office(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    response = client.get(f"/admin/governments/government/{world.lees_summit.pk}/change/")
    assert response.status_code == 200 and "default-src 'self'" in response["Content-Security-Policy"]


def test_it_keeps_script_and_style_out_of_the_templates() -> None:
    # The CSP refuses inline script, style and event handlers, so a template using them would break.
    assert TEMPLATES
    inline = re.compile(
        r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")|<style|\sstyle=|\son[a-z]+=", re.I
    )
    offenders = [
        f"{t.relative_to(settings.BASE_DIR)}: {m.group(0)}"
        for t in TEMPLATES
        for m in inline.finditer(t.read_text())
    ]
    assert offenders == []
