"""Fixtures shared by every app's tests."""

from typing import Any

import pytest

from interlocal.testkit import World, build_world


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # PBKDF2's deliberate slowness protects real accounts and only slows test accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings: Any) -> None:
    # Each test's data is rolled back without a commit, so a cached page could outlive it; the cache's own
    # tests turn it back on.
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def world(db: None) -> World:
    """The named users and records (see interlocal/testkit.py)."""
    return build_world()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the permission matrix's counts, so CI logs show how much it covered."""
    from interlocal.testkit import MATRIX_SUMMARY

    for line in terminalreporter.config.stash.get(MATRIX_SUMMARY, []):
        terminalreporter.write_line(line)
