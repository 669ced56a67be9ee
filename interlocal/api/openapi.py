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

# The description and example of every parameter, by name, for those whose endpoint gives none (an endpoint's own
# `Query(description=..., examples=[...])` wins); "collection.name" (e.g. "governments.slug", for /api/v1/governments/…)
# comes before the bare name. A path's ids are the `id` field of the records its list returns.
PARAMETERS: dict[str, tuple[str, Any]] = {
    # Path parameters.
    "action_id": ("A matter action's id.", 3101),
    "adoption_id": ("An adoption's id.", 17),
    "agreement_id": ("An agreement's id.", 9),
    "attachment_id": ("An attachment's id.", 905),
    "body_id": ("A legislative body's id.", 8),
    "entry_id": ("A savings entry's id.", 33),
    "event_id": ("A meeting's id.", 60),
    "initiative_id": ("An initiative's id.", 101),
    "item_id": ("An agenda item's id.", 700),
    "kpi_id": ("A KPI's id.", 44),
    "matter_id": ("A matter's id.", 812),
    "measurement_id": ("A measurement's id.", 310),
    "membership_id": ("A membership's id.", 12),
    "official_id": ("An official's id.", 21),
    "party_id": ("An agreement party's id.", 27),
    "plan_id": ("A plan's id.", 2),
    "action-plans.plan_id": ("An action plan's id.", 4),
    "record_id": ("An office record's id.", 55),
    "scenario_id": ("A cost-sharing scenario's id.", 6),
    "collaboratives.slug": ("A collaborative's slug, its name in web addresses.", "eastern-jackson-county"),
    "governments.slug": ("A government's slug, its name in web addresses.", "lees-summit"),
    "term_id": ("A vocabulary term's id.", 15),
    "update_id": ("A plan update's id.", 19),
    "versions.version_id": ("An agreement version's id.", 14),
    "plan-versions.version_id": ("A published action plan version's id.", 11),
    "vote_id": ("A vote's id.", 4200),
    # Query filters.
    "q": ("Words to search for.", "dispatch"),
    "collaborative": ("A collaborative's slug.", "eastern-jackson-county"),
    "government": ("A government's slug.", "lees-summit"),
    "status": ("A status, exactly as the records give it.", "in_progress"),
    "stage": ("A pipeline stage.", "implementing"),
    "topic": ("A topic area's slug.", "public-safety"),
    "type": ("project, partnership or policy.", "project"),
    "cost": ("A cost band: low, medium or high.", "medium"),
    "timeline": ("A timeline band: ongoing, near, medium or long.", "near"),
    "date_from": ("Only records dated on or after this day.", "2024-01-01"),
    "date_to": ("Only records dated on or before this day.", "2024-12-31"),
    "updated_since": ("Only records written since this moment (give a time zone).", "2025-01-31T00:00:00Z"),
    "in_force": ("Only versions in force (true) or not (false).", True),
    "certified": ("Only certified (true) or uncertified (false) entries.", True),
    "page": ("Page number, from 1.", 1),
    "page_size": ("Records per page, at most 100.", 100),
    "limit": ("How many records to return, at most 1,000 (first version's paging).", 100),
    "offset": ("How many records to skip first (first version's paging).", 0),
}


def _error(code: int, schema: type, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema.__name__}"}}},
    }


def _document_parameter(path: str, parameter: dict[str, Any]) -> None:
    """Give a parameter the shared description and example of its name where its endpoint gives none."""
    collection = path.removeprefix("/api/v1/").split("/", 1)[0]
    shared = PARAMETERS.get(f"{collection}.{parameter['name']}") or PARAMETERS.get(parameter["name"])
    if shared is None:
        return
    description, example = shared
    schema = parameter.get("schema", {})
    if not (parameter.get("description") or schema.get("description")):
        parameter["description"] = description
    if not ({"example", "examples"} & (parameter.keys() | schema.keys())):
        parameter["example"] = example


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
                _document_parameter(path, parameter)
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
