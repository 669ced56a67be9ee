"""What every operation of /api/v1 shares, added to the OpenAPI document once instead of on each endpoint.

- Reads may be called anonymously: their security lists the bearer token and `{}` (no credentials).
- Every operation answers 401 to a wrong, malformed or revoked token (never the public's view instead).
- An operation with path parameters answers 404 (missing, or hidden from the caller), one with parameters or a
  body answers 400 when they do not match the schema (interlocal/api/common.py, install_errors).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from interlocal.api.common import ErrorOut, InvalidOut
from interlocal.api.writes import ERROR_DESCRIPTIONS

WRITE_TAG = "writes"
READ_401 = "A token was sent but is unknown, revoked or malformed (reads need no token at all)."


def _error(code: int, schema: type, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema.__name__}"}}},
    }


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Add the shared security alternatives and error responses to every operation of the document."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for schema in (ErrorOut, InvalidOut):
        components.setdefault(
            schema.__name__, schema.model_json_schema(ref_template="#/components/schemas/{model}")
        )
    for path, operations in document.get("paths", {}).items():
        for operation in operations.values():
            writes = WRITE_TAG in operation.get("tags", [])
            responses = operation.setdefault("responses", {})
            for parameter in operation.get("parameters", []):
                # OpenAPI 3 wants a parameter's `examples` as a map of Example Objects; pydantic gives a list.
                examples = parameter.pop("examples", None)
                if isinstance(examples, list) and examples:
                    parameter.setdefault("example", examples[0])
            if not writes:
                operation["security"] = [{"ApiAuth": []}, {}]
            responses.setdefault(401, _error(401, ErrorOut, ERROR_DESCRIPTIONS[401] if writes else READ_401))
            if "{" in path:
                responses.setdefault(404, _error(404, ErrorOut, ERROR_DESCRIPTIONS[404]))
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault(400, _error(400, InvalidOut, ERROR_DESCRIPTIONS[400]))
    return document


def install(api: NinjaAPI) -> None:
    """Serve the completed document at /api/v1/openapi.json (and to the docs page)."""
    build = api.get_openapi_schema

    def get_openapi_schema(**kwargs: Any) -> Any:
        return complete(build(**kwargs))

    api.get_openapi_schema = get_openapi_schema  # type: ignore[method-assign]
