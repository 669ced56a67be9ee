"""A bounded property-based run of Schemathesis against every operation of the OpenAPI document.

Each operation gets a fixed number of generated requests (valid ones, then ones that break the schema), with a
fixed seed, sent through the WSGI app as an administrator's API token (so writes run their actions, not only
the 401), and valid ones once more anonymously. No response may be a server error or differ from what the document says.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis.errors import Unsatisfiable

from interlocal.api.actions import api_token_create
from interlocal.testkit import World

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is a dev dependency (pip install -e '.[dev]')"
)

EXAMPLES = 8  # per operation, generation mode and caller: about a minute for the whole API


def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]


def test_it_answers_every_generated_request_as_documented(world: World, capsys: Any) -> None:
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections
    from schemathesis import GenerationMode

    _token, secret = api_token_create(acting_user=world.admin, name="schemathesis")
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    checks = _checks()
    sent = [0]

    def run(operation: Any, mode: Any, headers: dict[str, str]) -> None:
        @seed(20261130)
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def send(case: Any) -> None:
            sent[0] += 1
            case.call_and_validate(headers=headers, checks=checks)

        try:
            send()
        except Unsatisfiable:
            # Nothing of the operation can be made invalid (say, a list with only optional strings): no negative cases.
            assert mode != GenerationMode.POSITIVE, f"{operation.label}: no valid request could be generated"

    try:
        for operation in operations:
            token = {"Authorization": f"Bearer {secret}"}
            run(operation, GenerationMode.POSITIVE, token)
            run(operation, GenerationMode.NEGATIVE, token)
            run(operation, GenerationMode.POSITIVE, {})  # anonymous: reads as the public, writes refused
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    requests = sent[0]
    with capsys.disabled():
        print(f"\nschemathesis: {len(operations)} operations, {requests} requests, 0 failures")
    assert len(operations) >= 9
