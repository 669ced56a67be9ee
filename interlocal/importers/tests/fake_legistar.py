"""A fake Legistar Web API for the sync tests: a WSGI app on an ephemeral loopback port, in a thread.

It serves records built from the real saved responses in ../shared/data/legistar/ (an LA Metro matter and its
attachments, Chicago matter histories) multiplied into synthetic clients, with OData's $top, $skip, $filter
(`Field gt|ge|lt|le|eq datetime'…'`, joined by `and`) and $orderby semantics. Knobs force an HTTP status on
chosen requests, answer garbage, and every request is recorded.
"""

from __future__ import annotations

import copy
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from interlocal.importers.tests.helpers import shared

_COMPARE = re.compile(r"^\s*(\w+)\s+(gt|ge|lt|le|eq)\s+datetime'([^']+)'\s*$")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "eq": lambda a, b: a == b,
}
BASE_TIME = datetime(2024, 12, 1, 8, 0, 0)


class ODataError(ValueError):
    """A query the fake (like Legistar) refuses with 400."""


def odata_filter(expression: str) -> Callable[[dict[str, Any]], bool]:
    """A predicate for the `and`-joined datetime comparisons Legistar's $filter takes."""
    tests: list[tuple[str, Callable[[Any, Any], bool], datetime]] = []
    for part in re.split(r"\s+and\s+", expression.strip()):
        match = _COMPARE.match(part)
        if match is None:
            raise ODataError(f"unsupported $filter clause {part!r}")
        name, op, value = match.groups()
        tests.append((name, _OPS[op], datetime.fromisoformat(value)))

    def keep(row: dict[str, Any]) -> bool:
        for name, op, value in tests:
            raw = row.get(name)
            if raw is None or not op(datetime.fromisoformat(raw), value):
                return False
        return True

    return keep


def odata_query(rows: list[dict[str, Any]], params: dict[str, str]) -> list[dict[str, Any]]:
    """Apply $filter, then $orderby, then $skip and $top, as OData does."""
    out = list(rows)
    if "$filter" in params:
        out = [row for row in out if odata_filter(params["$filter"])(row)]
    if "$orderby" in params:
        for clause in reversed([c.strip() for c in params["$orderby"].split(",")]):
            name, _, direction = clause.partition(" ")
            out.sort(key=lambda row: (row.get(name) is not None, row.get(name)), reverse=direction == "desc")
    try:
        skip = int(params.get("$skip", "0"))
        top = int(params["$top"]) if "$top" in params else None
    except ValueError as exc:
        raise ODataError(f"bad $skip/$top: {exc}") from None
    if skip < 0 or (top is not None and top < 0):
        raise ODataError("negative $skip/$top")
    out = out[skip:]
    return out if top is None else out[:top]


@dataclass
class Rule:
    """Answer `status` (with `body`) to the next `times` requests whose path and query contain `match`."""

    match: str
    status: int
    times: int = 1
    retry_after: str | None = None
    body: bytes = b'{"Message":"The service is unavailable."}'


@dataclass
class FakeLegistar:
    """The records of one client and the knobs; `start()` serves them and returns the base URL."""

    client: str = "metro"
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    nested: dict[str, dict[int, list[dict[str, Any]]]] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    down_after: int | None = None  # every request after this many answers 503 (the server goes away)
    _server: WSGIServer | None = None
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- serving ---

    def start(self) -> str:
        """Serve on 127.0.0.1, an ephemeral port; return the base URL (ending in /)."""
        self._server = make_server("127.0.0.1", 0, self.app, handler_class=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return f"http://127.0.0.1:{self._server.server_port}/v1/"

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def fail(self, match: str, status: int = 503, times: int = 1, retry_after: str | None = None) -> None:
        """Force `status` on the next `times` requests matching `match` (a substring of path?query)."""
        self.rules.append(Rule(match, status, times, retry_after))

    def garbage(self, match: str) -> None:
        """Answer 200 with an HTML error page instead of JSON to the next request matching `match`."""
        self.rules.append(Rule(match, 200, 1, None, b"<html><body>Object moved</body></html>"))

    def paths(self, prefix: str = "") -> list[str]:
        """The paths requested so far (without query), optionally only those starting with `prefix`."""
        return [path for path, _ in self.requests if path.startswith(prefix)]

    def queries(self, path: str) -> list[dict[str, str]]:
        """The query parameters of every request of exactly this path."""
        return [params for p, params in self.requests if p == path]

    def app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        """The WSGI application."""
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        params = dict(parse_qsl(query, keep_blank_values=True))
        with self._lock:
            self.requests.append((path, params))
            count = len(self.requests)
            rule = next(
                (r for r in self.rules if r.times > 0 and r.match in f"{path}?{unquote(query)}"), None
            )
            if rule is not None:
                rule.times -= 1
        if self.down_after is not None and count > self.down_after:
            return _answer(start_response, 503, b'{"Message":"down"}')
        if rule is not None:
            headers = [("Retry-After", rule.retry_after)] if rule.retry_after else []
            return _answer(start_response, rule.status, rule.body, headers)
        try:
            found = self.route(path, params)
        except ODataError as exc:
            return _answer(start_response, 400, json.dumps({"Message": str(exc)}).encode())
        if found is None:
            return _answer(start_response, 404, b'{"Message":"No HTTP resource was found."}')
        return _answer(start_response, 200, json.dumps(found).encode())

    def route(self, path: str, params: dict[str, str]) -> list[dict[str, Any]] | None:
        """The JSON list a path answers, None for 404."""
        parts = [p for p in path.split("/") if p]
        if len(parts) < 3 or parts[0] != "v1" or parts[1] != self.client:
            return None
        rest = parts[2:]
        if len(rest) == 1 and rest[0] in self.tables:
            return odata_query(self.tables[rest[0]], params)
        if len(rest) == 3 and rest[1].isdigit():
            key = f"{rest[0]}/{rest[2]}"
            if key in self.nested:
                return odata_query(self.nested[key].get(int(rest[1]), []), params)
        return None

    # --- records ---

    def all_ids(self, kind: str, key: str) -> set[int]:
        """The identities the server holds for a kind."""
        return {row[key] for row in self.tables.get(kind, [])}

    def touch(self, kind: str, ident_key: str, ident: int, when: datetime, **changes: Any) -> None:
        """Change a record and its LastModifiedUtc, as a clerk's edit would."""
        stamp = {"matters": "MatterLastModifiedUtc", "events": "EventLastModifiedUtc"}.get(kind)
        for row in self.tables[kind]:
            if row[ident_key] == ident:
                row.update(changes)
                if stamp:
                    row[stamp] = _stamp(when)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


def _answer(
    start_response: Callable[..., Any], status: int, body: bytes, headers: list[tuple[str, str]] | None = None
) -> Iterator[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests", 503: "Unavailable"}
    start_response(
        f"{status} {reasons.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *(headers or [])],
    )
    yield body


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds")


def _real(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(shared("data", "legistar", name).read_text(encoding="utf-8"))
    return data


def build_client(matters: int = 12, events: int = 2, client: str = "metro") -> FakeLegistar:
    """A client with `matters` matters cloned from the real LA Metro matter, each with the real Chicago history
    rows and LA Metro attachments (new ids), two bodies, three persons with office records, and events whose
    items and roll-call votes refer to the matters."""
    real_matter = _real("lametro_matter_candidates.json")[0]
    real_histories = _real("chicago_no_dupe_event.json")
    real_attachments = _real("lametro_minutes_candidates.json")
    fake = FakeLegistar(client=client)
    bodies = [
        {
            "BodyId": 138,
            "BodyName": "Board of Directors - Regular Board Meeting",
            "BodyTypeName": "Primary Legislative Body",
        },
        {"BodyId": 140, "BodyName": "Finance, Budget and Audit Committee", "BodyTypeName": "Committee"},
    ]
    for n, body in enumerate(bodies):
        body.update(
            BodyGuid=f"B-{n}",
            BodyLastModifiedUtc=_stamp(BASE_TIME - timedelta(days=30 - n)),
            BodyActiveFlag=1,
            BodyMeetFlag=1,
            BodySort=n,
        )
    persons = []
    offices: dict[int, list[dict[str, Any]]] = {}
    for n, (first, last) in enumerate([("Janice", "Hahn"), ("Fernando", "Dutra"), ("Ara", "Najarian")]):
        ident = 500 + n
        persons.append(
            {
                "PersonId": ident,
                "PersonGuid": f"P-{n}",
                "PersonFirstName": first,
                "PersonLastName": last,
                "PersonFullName": f"{first} {last}",
                "PersonActiveFlag": 1,
                "PersonLastModifiedUtc": _stamp(BASE_TIME - timedelta(days=20 - n)),
            }
        )
        offices[ident] = [
            {
                "OfficeRecordId": 9000 + n,
                "OfficeRecordPersonId": ident,
                "OfficeRecordBodyId": 138,
                "OfficeRecordBodyName": bodies[0]["BodyName"],
                "OfficeRecordTitle": "Director",
                "OfficeRecordStartDate": "2023-01-01T00:00:00",
                "OfficeRecordEndDate": None,
                "OfficeRecordLastModifiedUtc": _stamp(BASE_TIME - timedelta(days=20)),
            }
        ]
    matter_rows = []
    histories: dict[int, list[dict[str, Any]]] = {}
    attachments: dict[int, list[dict[str, Any]]] = {}
    sponsors: dict[int, list[dict[str, Any]]] = {}
    for n in range(matters):
        ident = 20000 + n
        row = copy.deepcopy(real_matter)
        row.update(
            MatterId=ident,
            MatterGuid=f"M-{n}",
            MatterFile=f"2024-{1100 + n}",
            MatterTitle=f"{real_matter['MatterTitle']} (item {n + 1})",
            MatterLastModifiedUtc=_stamp(BASE_TIME + timedelta(minutes=n)),
        )
        matter_rows.append(row)
        histories[ident] = [
            {**copy.deepcopy(h), "MatterHistoryId": ident * 10 + k} for k, h in enumerate(real_histories)
        ]
        attachments[ident] = [
            {**copy.deepcopy(a), "MatterAttachmentId": ident * 10 + k} for k, a in enumerate(real_attachments)
        ]
        sponsors[ident] = [
            {
                "MatterSponsorId": ident * 10,
                "MatterSponsorMatterId": ident,
                "MatterSponsorName": persons[n % 3]["PersonFullName"],
                "MatterSponsorNameId": persons[n % 3]["PersonId"],
                "MatterSponsorSequence": 0,
                "MatterSponsorMatterVersion": "0",
            }
        ]
    event_rows = []
    items: dict[int, list[dict[str, Any]]] = {}
    votes: dict[int, list[dict[str, Any]]] = {}
    for n in range(events):
        ident = 3000 + n
        event_rows.append(
            {
                "EventId": ident,
                "EventGuid": f"E-{n}",
                "EventBodyId": 138,
                "EventBodyName": bodies[0]["BodyName"],
                "EventDate": f"2024-10-{24 + n}T00:00:00",
                "EventTime": "10:00 AM",
                "EventLocation": "3rd Floor Board Room",
                "EventAgendaFile": None,
                "EventMinutesFile": None,
                "EventLastModifiedUtc": _stamp(BASE_TIME + timedelta(hours=1, minutes=n)),
            }
        )
        matter = matter_rows[n % len(matter_rows)] if matter_rows else None
        item_id = 70000 + n
        items[ident] = [
            {
                "EventItemId": item_id,
                "EventItemEventId": ident,
                "EventItemAgendaSequence": 1,
                "EventItemMatterId": matter["MatterId"] if matter else None,
                "EventItemMatterFile": matter["MatterFile"] if matter else None,
                "EventItemTitle": matter["MatterTitle"] if matter else "Call to order",
                "EventItemActionName": "Approved",
                "EventItemPassedFlag": 1,
                "EventItemRollCallFlag": 1,
                "EventItemTally": "3:0",
            }
        ]
        votes[item_id] = [
            {
                "VoteId": item_id * 10 + k,
                "VotePersonId": p["PersonId"],
                "VotePersonName": p["PersonFullName"],
                "VoteValueName": "Yes",
                "VoteResult": 1,
                "VoteSort": k,
                "VoteEventItemId": item_id,
            }
            for k, p in enumerate(persons)
        ]
    fake.tables = {
        "bodies": bodies,
        "persons": persons,
        "officerecords": [row for rows in offices.values() for row in rows],
        "matters": matter_rows,
        "events": event_rows,
    }
    fake.nested = {
        "matters/histories": histories,
        "matters/attachments": attachments,
        "matters/sponsors": sponsors,
        "events/eventitems": items,
        "eventitems/votes": votes,
    }
    return fake
