"""The portal's browser fixture, for the API docs' end-to-end test."""

from interlocal.portal.tests.conftest import browser  # noqa: F401
