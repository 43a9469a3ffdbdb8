"""The control plane through the whole app, in-process: every endpoint, every refusal.

Every control response is also checked against control.yaml (status, headers, body) by
the same Conformance the server uses for ``--validate-responses``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2 as httpx
import pytest

from mockserver.conformance import Conformance
from mockserver.control import ControlPlane
from mockserver.faults import ErrorFault
from tests.conftest import FULL, OTHER, MockClient

ADMIN = {"Authorization": "Bearer mock-admin"}
# Refusals are decided before any state is read or written: one store is enough for them.
PROTOCOL = pytest.mark.store("memory")
IG = "https://www.instagram.com/p/BqvsDleB3lV/"
TT = "https://www.tiktok.com/@chef.marco/video/7301234567890123456"


class Admin:
    """A test client with the admin key, and short ways to call the control plane."""

    def __init__(self, client: MockClient) -> None:
        self.client = client
        self.clock = client.clock

    def call(
        self, method: str, path: str, session: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = {**ADMIN, **kwargs.pop("headers", {})}
        if session is not None:
            headers["X-Mock-Session"] = session
        return self.client.request(method, "/__mock" + path, headers=headers, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def api(self, method: str, path: str, session: str | None = None, **kwargs: Any) -> Any:
        headers = {**FULL, **kwargs.pop("headers", {})}
        if session is not None:
            headers["X-Mock-Session"] = session
        return self.client.request(method, "/v2" + path, headers=headers, **kwargs)

    def track(self, identifier: str = TT, session: str | None = None, **fields: Any) -> Any:
        platform = "tiktok" if "tiktok" in identifier or identifier.isdigit() else "instagram"
        body = {"platform": platform, "identifier": identifier, **fields}
        response = self.api("POST", "/videos", session, json=body)
        assert response.status_code in (200, 201), response.text
        return response.json()["data"]

    def count(self, session: str | None = None, **filters: Any) -> int:
        data = self.ok("GET", "/journal/count", session=session, params=filters)
        count: int = data["count"]
        return count

    def video_ids(self, session: str | None = None, key: dict[str, str] = FULL) -> list[str]:
        response = self.api("GET", "/videos", session, params={"limit": 100}, headers=key)
        assert response.status_code == 200, response.text
        return [video["id"] for video in response.json()["data"]]


@pytest.fixture
def make_admin(make_client: Callable[..., MockClient]) -> Callable[..., Admin]:
    def make(**settings: Any) -> Admin:
        client = make_client(**settings)
        plane = ControlPlane(client.services)
        conformance = Conformance(plane.spec)

        def check(response: httpx.Response) -> None:
            request = response.request
            if not request.url.path.startswith("/__mock"):
                return
            response.read()
            problems = conformance.check(
                request.method,
                request.url.path,
                response.status_code,
                response.headers,
                response.content,
            )
            assert not problems, f"{request.method} {request.url} broke control.yaml: {problems}"

        client.event_hooks["response"].append(check)
        return Admin(client)

    return make


@pytest.fixture
def admin(make_admin: Callable[..., Admin]) -> Admin:
    return make_admin()


def problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in problem(response, 422, "VALIDATION_ERROR")["errors"]]


# Every control operation with a request that would succeed with the key.
OPERATIONS = [
    ("GET", "/journal", None),
    ("DELETE", "/journal", None),
    ("GET", "/journal/count", None),
    ("GET", "/faults", None),
    ("PUT", "/faults", {}),
    ("DELETE", "/faults", None),
    ("GET", "/clock", None),
    ("PUT", "/clock", {"now": "2027-01-01T00:00:00Z"}),
    ("DELETE", "/clock", None),
    ("POST", "/clock/advance", {"seconds": 1}),
    ("POST", "/reset", {}),
    ("POST", "/dataset", {"videos": []}),
    ("GET", "/sessions", None),
    ("DELETE", "/sessions/default", None),
]


# --- the key, the routes, the session header -------------------------------------------


@PROTOCOL
@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer wrong", "Bearer ca_test_full", "Basic bW9jay1hZG1pbg==", "Bearer", "mock-admin"],
)
def test_every_endpoint_needs_the_admin_key(
    admin: Admin, method: str, path: str, body: Any, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    admin.ok("PUT", "/faults", json={"upstream_down": True})
    response = admin.client.request(method, "/__mock" + path, headers=headers, json=body)
    problem(response, 401, "UNAUTHORIZED")
    assert response.headers["www-authenticate"] == 'Bearer realm="mockserver-control"'
    # Refused before anything happened.
    assert admin.ok("GET", "/faults")["upstream_down"] is True
    assert [s["name"] for s in admin.ok("GET", "/sessions")] == ["default"]


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_every_endpoint_answers_with_the_key(
    admin: Admin, method: str, path: str, body: Any
) -> None:
    admin.ok("GET", "/clock")  # the default session exists
    response = admin.call(method, path, json=body)
    assert response.status_code in (200, 204), response.text
    assert response.headers["x-request-id"]


@PROTOCOL
def test_a_custom_admin_key_replaces_the_default(make_admin: Callable[..., Admin]) -> None:
    admin = make_admin(admin_key="s3cret-key")
    problem(admin.call("GET", "/clock"), 401, "UNAUTHORIZED")
    response = admin.client.get("/__mock/clock", headers={"Authorization": "Bearer s3cret-key"})
    assert response.status_code == 200
    # Scheme names are case-insensitive (RFC 9110).
    response = admin.client.get("/__mock/clock", headers={"Authorization": "bearer s3cret-key"})
    assert response.status_code == 200


@PROTOCOL
def test_the_document_is_served_without_a_key(admin: Admin) -> None:
    response = admin.client.get("/__mock/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["servers"][0]["url"].endswith("/__mock")
    assert "/journal" in document["paths"]
    params = document["components"]["parameters"]
    assert "trackVideo" in params["Operation"]["schema"]["enum"]


@PROTOCOL
@pytest.mark.parametrize("path", ["/nope", "/journal/", "/journal/count/x", "ery", "/sessions/"])
def test_unknown_paths_are_404(admin: Admin, path: str) -> None:
    problem(admin.call("GET", path), 404, "NOT_FOUND")


@PROTOCOL
@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/journal", "GET, DELETE"),
        ("PUT", "/journal/count", "GET"),
        ("POST", "/faults", "GET, PUT, DELETE"),
        ("PATCH", "/clock", "GET, PUT, DELETE"),
        ("GET", "/clock/advance", "POST"),
        ("GET", "/reset", "POST"),
        ("DELETE", "/dataset", "POST"),
        ("POST", "/sessions", "GET"),
        ("GET", "/sessions/default", "DELETE"),
        ("POST", "/openapi.json", "GET"),
        ("HEAD", "/clock", "GET, PUT, DELETE"),
    ],
)
def test_other_methods_are_405_with_allow(admin: Admin, method: str, path: str, allow: str) -> None:
    response = admin.call(method, path)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    if method != "HEAD":
        problem(response, 405, "METHOD_NOT_ALLOWED")


@PROTOCOL
@pytest.mark.parametrize("session", ["bad session", "-leading-dash", "x" * 65, "a/b", ""])
def test_a_malformed_session_header_is_400(admin: Admin, session: str) -> None:
    body = problem(admin.call("GET", "/clock", session=session), 400, "BAD_REQUEST")
    assert "X-Mock-Session" in body["detail"]
    assert [s["name"] for s in admin.ok("GET", "/sessions")] == []


def test_one_session_too_many_is_400(make_admin: Callable[..., Admin]) -> None:
    admin = make_admin(max_sessions=2)
    admin.ok("GET", "/clock", session="one")
    admin.ok("GET", "/clock", session="two")
    body = problem(admin.call("GET", "/clock", session="three"), 400, "BAD_REQUEST")
    assert "--max-sessions" in body["detail"]


@PROTOCOL
def test_the_request_id_is_echoed(admin: Admin) -> None:
    response = admin.call("GET", "/nope", headers={"X-Request-ID": "my-id.1"})
    assert response.headers["x-request-id"] == "my-id.1"
    assert response.json()["request_id"] == "my-id.1"


# --- bodies -----------------------------------------------------------------------------


@PROTOCOL
@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b'{"seconds": 1', "application/json", 400, "BAD_REQUEST"),
        (b"{'seconds': 1}", "application/json", 400, "BAD_REQUEST"),
        (b'{"seconds": NaN}', "application/json", 400, "BAD_REQUEST"),
        (b"\xff\xfe", "application/json", 400, "BAD_REQUEST"),
        (b'{"seconds": 1}', "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b'{"seconds": 1}', "application/x-www-form-urlencoded", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b'{"seconds": 1}', "application/json; charset=latin-1", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b'{"seconds": 1}', None, 415, "UNSUPPORTED_MEDIA_TYPE"),
    ],
)
def test_bodies_must_be_utf8_json(
    admin: Admin, content: bytes, content_type: str | None, status: int, code: str
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    response = admin.call("POST", "/clock/advance", content=content, headers=headers)
    problem(response, status, code)
    assert admin.ok("GET", "/clock")["offset_seconds"] == 0


@PROTOCOL
def test_a_body_over_one_mebibyte_is_413(admin: Admin) -> None:
    content = b'{"videos": [' + b" " * (1024 * 1024) + b"]}"
    response = admin.call(
        "POST", "/dataset", content=content, headers={"Content-Type": "application/json"}
    )
    problem(response, 413, "PAYLOAD_TOO_LARGE")


@PROTOCOL
@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/faults"), ("PUT", "/clock"), ("POST", "/clock/advance"), ("POST", "/dataset")],
)
def test_a_required_body_is_required(admin: Admin, method: str, path: str) -> None:
    assert fields(admin.call(method, path)) == ["body"]


@PROTOCOL
@pytest.mark.parametrize(
    ("method", "path", "body", "expected"),
    [
        ("PUT", "/faults", {"latency": 5}, ["latency"]),
        ("PUT", "/faults", [], ["body"]),
        ("PUT", "/clock", {"now": "2027-01-01T00:00:00Z", "extra": 1}, ["extra"]),
        ("POST", "/clock/advance", {"seconds": 1, "unit": "s"}, ["unit"]),
        ("POST", "/reset", {"everything": True}, ["everything"]),
        ("POST", "/dataset", {"videos": [], "mode": "merge"}, ["mode"]),
        ("POST", "/reset", {"state": "yes", "clock": 1}, ["clock", "state"]),
    ],
)
def test_unknown_fields_and_wrong_types_are_422(
    admin: Admin, method: str, path: str, body: Any, expected: list[str]
) -> None:
    assert sorted(fields(admin.call(method, path, json=body))) == expected


@PROTOCOL
@pytest.mark.parametrize("query", ["x=1", "status=200", "limit=5", "body[platform]=tiktok"])
def test_unknown_query_parameters_are_422(admin: Admin, query: str) -> None:
    response = admin.call("GET", "/clock?" + query)
    assert "unknown query parameter" in problem(response, 422, "VALIDATION_ERROR")["detail"]


# --- the journal ------------------------------------------------------------------------


def test_the_journal_lists_api_requests_oldest_first(admin: Admin) -> None:
    admin.track(TT)
    admin.api("GET", "/videos/not-a-video")
    admin.client.get("/v2/whoami")  # no key: 401, still journaled
    admin.ok("GET", "/clock")  # control requests are not journaled
    page = admin.ok("GET", "/journal") and admin.call("GET", "/journal").json()
    assert page["total"] == 3
    entries = page["data"]
    assert [e["sequence"] for e in entries] == [1, 2, 3]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", "/v2/videos", 201),
        ("GET", "/v2/videos/not-a-video", entries[1]["status"]),
        ("GET", "/v2/whoami", 401),
    ]
    first = entries[0]
    assert first["operation_id"] == "trackVideo"
    assert first["body"] == {"platform": "tiktok", "identifier": TT}
    assert first["body_text"] is None
    assert first["time"] == "2026-06-14T09:30:00Z"
    # The API key never reaches the journal.
    assert "ca_test_full" not in str(first["headers"])
    assert first["headers"]["authorization"].startswith("Bearer ")


def test_a_journal_entry_keeps_each_part_of_the_exchange(admin: Admin) -> None:
    # Every field the pipeline records, each with a value no other field could hold.
    steered = admin.api("GET", "/videos?limit=5&platform=tiktok", headers={"Prefer": "code=503"})
    assert steered.status_code == 503
    invalid = admin.api("GET", "/videos?limit=0")
    assert invalid.status_code == 422
    first, second = admin.call("GET", "/journal").json()["data"]
    assert first["query"] == {"limit": ["5"], "platform": ["tiktok"]}
    assert first["preference_applied"] == "code=503"
    assert first["status"] == 503
    assert first["operation_id"] == "listVideos"
    assert first["request_id"] == steered.headers["x-request-id"]
    assert first["errors"] == []
    assert first["fault"] is None
    assert first["body"] is None
    assert first["body_truncated"] is False
    assert second["errors"]
    assert second["preference_applied"] is None
    assert (first["sequence"], second["sequence"]) == (1, 2)


def test_counting_creates_of_one_identifier(admin: Admin) -> None:
    for _ in range(3):
        admin.track(TT)
    admin.track(IG)
    admin.track(TT, is_active=False)  # same post: 200, not 201
    assert admin.count(operation="trackVideo") == 5
    assert admin.count(operation="trackVideo", **{"body[identifier]": TT}) == 4
    assert admin.count(**{"body[identifier]": TT, "body[platform]": "tiktok"}) == 4
    assert admin.count(**{"body[identifier]": TT, "body[platform]": "instagram"}) == 0
    assert admin.count(method="post", path="/v2/videos", status=201) == 2
    assert admin.count(**{"body[is_active]": "false"}) == 1
    assert admin.count(operation="listVideos") == 0


def test_body_filters_compare_json_values_as_text(admin: Admin) -> None:
    video = admin.track(TT)
    body = {"scrape_interval_hours": 6, "metadata": {"a": "b"}}
    assert admin.api("PATCH", f"/videos/{video['id']}", json=body).status_code == 200
    assert admin.count(**{"body[scrape_interval_hours]": "6"}) == 1
    assert admin.count(**{"body[scrape_interval_hours]": "6.0"}) == 0
    assert admin.count(**{"body[metadata]": '{"a":"b"}'}) == 1
    assert admin.count(**{"body[missing]": "null"}) == 0


def test_limit_keeps_the_most_recent_and_total_counts_all(admin: Admin) -> None:
    for code in ("AAAAAAAAAAB", "AAAAAAAAAAC", "AAAAAAAAAAD"):
        admin.track(code)
    page = admin.call("GET", "/journal", params={"limit": 2}).json()
    assert page["total"] == 3
    assert [e["body"]["identifier"] for e in page["data"]] == ["AAAAAAAAAAC", "AAAAAAAAAAD"]


def test_journal_filters_by_request_id_and_time(admin: Admin) -> None:
    admin.api("GET", "/whoami", headers={"X-Request-ID": "first-one"})
    admin.clock.advance(60)
    admin.api("GET", "/whoami", headers={"X-Request-ID": "second-one"})
    admin.ok("POST", "/clock/advance", json={"seconds": 3600})
    admin.api("GET", "/whoami", headers={"X-Request-ID": "third-one"})

    def ids(**filters: Any) -> list[str]:
        page = admin.call("GET", "/journal", params=filters).json()
        return [e["request_id"] for e in page["data"]]

    assert ids(request_id="second-one") == ["second-one"]
    assert ids(since="2026-06-14T09:31:00Z") == ["second-one", "third-one"]
    assert ids(until="2026-06-14T09:31:00Z") == ["first-one", "second-one"]
    assert ids(since="2026-06-14T09:30:01Z", until="2026-06-14T10:30:59Z") == ["second-one"]
    # Offsets are read as such: 11:31 at +01:00 is 10:31Z.
    assert ids(since="2026-06-14T11:31:00+01:00") == ["third-one"]
    assert ids(since="2026-06-14T12:00:00Z") == []


@PROTOCOL
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"status": "ok"}, "status"),
        ({"status": 600}, "status"),
        ({"operation": "trackVideos"}, "operation"),
        ({"method": "G3T"}, "method"),
        ({"path": "v2/videos"}, "path"),
        ({"request_id": "has space"}, "request_id"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-06-14 09:30:00Z"}, "since"),
        ({"until": "2026-06-14T09:30:00"}, "until"),
        ({"until": "2026-02-30T09:30:00Z"}, "until"),
        ({"until": "2026-06-14t09:30:00z"}, "until"),
        ({"body": "tiktok"}, "body"),
        ({"body[a][b]": "c"}, "body[a][b]"),
        ({"body[]": "c"}, "body"),
        ({"platform": "tiktok"}, "platform"),
    ],
)
def test_bad_journal_filters_are_422(admin: Admin, params: dict[str, Any], field: str) -> None:
    for path in ("/journal", "/journal/count"):
        if path == "/journal/count" and "limit" in params:
            continue
        assert field in fields(admin.call("GET", path, params=params))


@PROTOCOL
def test_a_filter_given_twice_is_422(admin: Admin) -> None:
    assert fields(admin.call("GET", "/journal?status=200&status=201")) == ["status"]
    response = admin.call("GET", "/journal?body[a]=1&body[a]=2")
    assert fields(response) == ["body[a]"]


def test_clearing_the_journal(admin: Admin) -> None:
    admin.track(TT)
    response = admin.call("DELETE", "/journal")
    assert response.status_code == 204
    assert response.content == b""
    assert admin.count() == 0
    admin.api("GET", "/whoami")
    # Sequence numbers go on: they are the fault draw's, not the journal's.
    assert admin.call("GET", "/journal").json()["data"][0]["sequence"] == 2


# --- faults -----------------------------------------------------------------------------

NO_FAULTS = {"latency_ms": None, "errors": [], "drop_rate": 0.0, "upstream_down": False}


def test_faults_are_off_by_default_and_set_replaces_them(admin: Admin) -> None:
    assert admin.ok("GET", "/faults") == NO_FAULTS
    body = {"latency_ms": {"min": 0, "max": 0}, "errors": [{"status": 502, "rate": 0.25}]}
    expected = {
        "latency_ms": {"min": 0, "max": 0},
        "errors": [{"status": 502, "rate": 0.25, "retry_after": 1}],
        "drop_rate": 0.0,
        "upstream_down": False,
    }
    assert admin.ok("PUT", "/faults", json=body) == expected
    assert admin.ok("GET", "/faults") == expected
    # A field left out is off: PUT replaces, it does not merge.
    assert admin.ok("PUT", "/faults", json={"drop_rate": 0.5})["errors"] == []
    assert admin.ok("PUT", "/faults", json={"latency_ms": {"min": 7}})["latency_ms"] == {
        "min": 7,
        "max": 7,
    }


def test_faults_reach_the_api_of_their_session_only(admin: Admin) -> None:
    admin.ok("PUT", "/faults", json={"errors": [{"status": 503, "rate": 1, "retry_after": 9}]})
    response = admin.api("GET", "/whoami")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "9"
    assert admin.api("GET", "/whoami", session="calm").status_code == 200
    assert admin.count(status=503) == 1
    entries = admin.call("GET", "/journal", params={"status": 503}).json()["data"]
    assert entries[0]["fault"] == "error"
    admin.ok("PUT", "/faults", json={"upstream_down": True})
    assert admin.api("GET", "/whoami").status_code == 503
    assert admin.ok("DELETE", "/faults") == NO_FAULTS
    assert admin.api("GET", "/whoami").status_code == 200


def test_deleting_faults_returns_to_the_start_up_faults(make_admin: Callable[..., Admin]) -> None:
    admin = make_admin(error_faults=(ErrorFault(502, 0.1, 1),), drop_rate=0.05)
    start = admin.ok("GET", "/faults")
    assert start["errors"] == [{"status": 502, "rate": 0.1, "retry_after": 1}]
    assert start["drop_rate"] == 0.05
    admin.ok("PUT", "/faults", json={})
    assert admin.ok("GET", "/faults") == NO_FAULTS
    assert admin.ok("DELETE", "/faults") == start


def test_faults_at_their_bounds_and_whole_floats_are_accepted(admin: Admin) -> None:
    body = {
        "latency_ms": {"min": 250.0, "max": 60000},
        "errors": [
            {"status": 500.0, "rate": 0, "retry_after": 86400.0},
            {"status": 503, "rate": 0.5, "retry_after": 1},
        ],
        "drop_rate": 0.5,
    }
    data = admin.ok("PUT", "/faults", json=body)
    assert data["latency_ms"] == {"min": 250, "max": 60000}
    assert data["errors"] == [
        {"status": 500, "rate": 0.0, "retry_after": 86400},
        {"status": 503, "rate": 0.5, "retry_after": 1},
    ]
    assert admin.ok("PUT", "/faults", json={"drop_rate": 1})["drop_rate"] == 1.0


@PROTOCOL
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"errors": [{"status": 503, "rate": 0.7}], "drop_rate": 0.5}, "errors"),
        ({"errors": [{"status": 503, "rate": 0.6}, {"status": 502, "rate": 0.6}]}, "errors"),
        ({"errors": [{"status": 503, "rate": 0.1}, {"status": 503, "rate": 0.1}]}, "errors"),
        ({"errors": [{"status": 404, "rate": 0.1}]}, "errors[0].status"),
        ({"errors": [{"status": 504, "rate": 0.1}]}, "errors[0].status"),
        ({"errors": [{"status": 503, "rate": 0.1, "retry_after": 0}]}, "errors[0].retry_after"),
        ({"errors": [{"status": 503, "rate": 0.1, "retry_after": 86401}]}, "errors[0].retry_after"),
        ({"errors": [{"status": 503, "rate": 0.1, "retry_after": 1.5}]}, "errors[0].retry_after"),
        ({"errors": [{"status": 503, "rate": 1.5}]}, "errors[0].rate"),
        ({"errors": [{"status": 503, "rate": -0.1}]}, "errors[0].rate"),
        ({"errors": [{"status": 503}]}, "errors[0].rate"),
        ({"errors": [{"status": 503, "rate": 0.1, "retry_after": -1}]}, "errors[0].retry_after"),
        ({"errors": [{"status": 503, "rate": 0.1, "retry": 1}]}, "errors[0].retry"),
        ({"errors": {"503": 0.1}}, "errors"),
        ({"drop_rate": "2%"}, "drop_rate"),
        ({"drop_rate": True}, "drop_rate"),
        ({"upstream_down": "yes"}, "upstream_down"),
        ({"latency_ms": {"min": 300, "max": 100}}, "latency_ms"),
        ({"latency_ms": {"min": 0, "max": 60001}}, "latency_ms.max"),
        ({"latency_ms": {"max": 10}}, "latency_ms.min"),
        ({"latency_ms": 250}, "latency_ms"),
    ],
)
def test_bad_faults_are_422_and_change_nothing(
    admin: Admin, body: dict[str, Any], field: str
) -> None:
    admin.ok("PUT", "/faults", json={"drop_rate": 0.01})
    assert field in fields(admin.call("PUT", "/faults", json=body))
    assert admin.ok("GET", "/faults")["drop_rate"] == 0.01


# --- the clock --------------------------------------------------------------------------

START = "2026-06-14T09:30:00Z"


def test_the_clock_starts_at_the_servers(admin: Admin) -> None:
    assert admin.ok("GET", "/clock") == {
        "now": START,
        "server_now": START,
        "offset_seconds": 0.0,
        "frozen": False,
    }


def test_advancing_moves_the_session_and_its_api(admin: Admin) -> None:
    clock = admin.ok("POST", "/clock/advance", json={"seconds": 86_400})
    assert clock["now"] == "2026-06-15T09:30:00Z"
    assert clock["server_now"] == START
    assert clock["offset_seconds"] == 86_400
    admin.clock.advance(30)  # the server's clock runs on; the session keeps its offset
    assert admin.ok("GET", "/clock")["now"] == "2026-06-15T09:30:30Z"
    assert admin.track(TT)["added_at"] == "2026-06-15T09:30:30Z"
    assert admin.call("GET", "/journal").json()["data"][0]["time"] == "2026-06-15T09:30:30Z"
    back = admin.ok("POST", "/clock/advance", json={"seconds": -90_000.5})
    assert back["now"] == "2026-06-14T08:30:29Z"
    assert back["offset_seconds"] == -3600.5


def test_a_frozen_clock_stays_until_moved(admin: Admin) -> None:
    clock = admin.ok("PUT", "/clock", json={"now": "2027-01-01T12:00:00+02:00", "frozen": True})
    assert clock["now"] == "2027-01-01T10:00:00Z"
    assert clock["frozen"] is True
    admin.clock.advance(3600)
    assert admin.ok("GET", "/clock")["now"] == "2027-01-01T10:00:00Z"
    moved = admin.ok("POST", "/clock/advance", json={"seconds": 60})
    assert (moved["now"], moved["frozen"]) == ("2027-01-01T10:01:00Z", True)
    assert admin.track(TT)["added_at"] == "2027-01-01T10:01:00Z"


def test_setting_a_running_clock(admin: Admin) -> None:
    clock = admin.ok("PUT", "/clock", json={"now": "2026-06-14T09:00:00Z"})
    assert (clock["now"], clock["offset_seconds"], clock["frozen"]) == (
        "2026-06-14T09:00:00Z",
        -1800.0,
        False,
    )
    admin.clock.advance(10)
    assert admin.ok("GET", "/clock")["now"] == "2026-06-14T09:00:10Z"


def test_deleting_the_clock_returns_to_the_servers(admin: Admin) -> None:
    admin.ok("PUT", "/clock", json={"now": "2030-01-01T00:00:00Z", "frozen": True})
    assert admin.ok("DELETE", "/clock") == {
        "now": START,
        "server_now": START,
        "offset_seconds": 0.0,
        "frozen": False,
    }


@PROTOCOL
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"now": "2026-06-14 09:30:00Z"}, "now"),
        ({"now": "2026-06-14T09:30:00"}, "now"),
        ({"now": "2026-02-30T09:30:00Z"}, "now"),
        ({"now": "2026-06-14T24:00:00Z"}, "now"),
        ({"now": "14/06/2026"}, "now"),
        ({"now": "1969-12-31T23:59:59Z"}, "now"),
        ({"now": "9000-01-01T00:00:00Z"}, "now"),
        ({"now": 1781429400}, "now"),
        ({"frozen": True}, "now"),
        ({"now": START, "frozen": "yes"}, "frozen"),
    ],
)
def test_bad_clock_settings_are_422(admin: Admin, body: dict[str, Any], field: str) -> None:
    assert field in fields(admin.call("PUT", "/clock", json=body))
    assert admin.ok("GET", "/clock")["now"] == START


@PROTOCOL
@pytest.mark.parametrize(
    "seconds", [315_360_001, -315_360_001, 1e300, "60", True, None, [1], {"s": 1}]
)
def test_bad_advances_are_422(admin: Admin, seconds: Any) -> None:
    assert fields(admin.call("POST", "/clock/advance", json={"seconds": seconds})) == ["seconds"]
    assert admin.ok("GET", "/clock")["offset_seconds"] == 0


def test_ten_years_is_the_most_one_advance_moves(admin: Admin) -> None:
    assert admin.ok("POST", "/clock/advance", json={"seconds": 315_360_000})["now"] == (
        "2036-06-11T09:30:00Z"
    )


def test_an_advance_past_the_last_year_is_422_and_changes_nothing(admin: Admin) -> None:
    admin.ok("PUT", "/clock", json={"now": "8999-12-31T00:00:00Z", "frozen": True})
    assert fields(admin.call("POST", "/clock/advance", json={"seconds": 315_360_000})) == [
        "seconds"
    ]
    assert admin.ok("GET", "/clock")["now"] == "8999-12-31T00:00:00Z"
    admin.ok("PUT", "/clock", json={"now": "1970-01-01T00:00:00Z"})
    assert fields(admin.call("POST", "/clock/advance", json={"seconds": -315_360_000})) == [
        "seconds"
    ]


# --- reset ------------------------------------------------------------------------------


def test_reset_puts_every_part_back(make_admin: Callable[..., Admin]) -> None:
    admin = make_admin(drop_rate=0.0)
    bundled = admin.video_ids()
    assert len(bundled) > 10
    created = admin.track(TT)["id"]
    admin.api("DELETE", f"/videos/{bundled[0]}")
    admin.ok("PUT", "/faults", json={"latency_ms": {"min": 1}})
    admin.ok("PUT", "/clock", json={"now": "2030-01-01T00:00:00Z", "frozen": True})
    response = admin.call("POST", "/reset")  # no body at all
    assert response.status_code == 200
    assert response.json() == {"data": {"reset": ["state", "journal", "faults", "clock"]}}
    assert admin.ok("GET", "/faults") == NO_FAULTS
    assert admin.ok("GET", "/clock")["now"] == START
    assert admin.count() == 0
    ids = admin.video_ids()  # the bundled dataset is back, the created video gone
    assert sorted(ids) == sorted(bundled)
    assert created not in ids


def test_reset_only_what_is_asked(admin: Admin) -> None:
    admin.track(TT)
    admin.ok("POST", "/clock/advance", json={"seconds": 60})
    data = admin.ok("POST", "/reset", json={"state": False, "clock": False})
    assert data == {"reset": ["journal", "faults"]}
    assert admin.ok("GET", "/clock")["offset_seconds"] == 60
    assert admin.count() == 0
    assert admin.count(operation="trackVideo") == 0
    admin.track(TT)
    assert admin.count(status=200) == 1  # the video was kept: tracking it again is a 200
    assert admin.ok(
        "POST", "/reset", json=dict.fromkeys(("state", "journal", "faults", "clock"), False)
    ) == {"reset": []}
    assert admin.count() == 1


def test_reset_accepts_an_empty_json_object(admin: Admin) -> None:
    assert admin.ok("POST", "/reset", json={})["reset"] == ["state", "journal", "faults", "clock"]


# --- datasets ---------------------------------------------------------------------------


def seed(identifier: str = TT, **fields: Any) -> dict[str, Any]:
    platform = "tiktok" if "tiktok" in identifier or identifier.isdigit() else "instagram"
    return {
        "organization": "acme",
        "platform": platform,
        "identifier": identifier,
        "added_days_ago": 2,
        **fields,
    }


def test_a_dataset_replaces_the_sessions_videos(admin: Admin) -> None:
    admin.ok("POST", "/clock/advance", json={"seconds": 3600})
    videos = [
        seed(TT, metadata={"campaign": "x"}, scrape_interval_hours=6),
        seed(IG, is_active=False, added_days_ago=0.5),
        seed("7301234567890123999", organization="globex"),
    ]
    assert admin.ok("POST", "/dataset", json={"videos": videos}) == {
        "loaded": 3,
        "replaced": True,
    }
    response = admin.api("GET", "/videos", params={"order_by": "added_at"})
    listed = response.json()["data"]
    assert [(v["external_id"], v["added_at"]) for v in listed] == [
        ("1922949326347663701", "2026-06-13T22:30:00Z"),
        ("7301234567890123456", "2026-06-12T10:30:00Z"),
    ]
    assert listed[1]["metadata"] == {"campaign": "x"}
    assert listed[1]["scrape_interval_hours"] == 6
    assert listed[0]["is_active"] is False
    assert len(admin.video_ids(key=OTHER)) == 1
    # Nothing else is loaded on top on the next request, nor after it.
    assert len(admin.video_ids()) == 2


def test_a_dataset_on_top_keeps_what_is_there(admin: Admin) -> None:
    bundled = admin.video_ids()
    tracked = admin.track(TT, metadata={"mine": "yes"})
    data = admin.ok("POST", "/dataset", json={"videos": [seed(TT), seed(IG)], "replace": False})
    assert data == {"loaded": 1, "replaced": False}
    ids = admin.video_ids()
    assert len(ids) == len(bundled) + 2
    video = admin.api("GET", f"/videos/{tracked['id']}").json()["data"]
    assert video["metadata"] == {"mine": "yes"}


def test_a_dataset_on_top_of_a_fresh_session_includes_the_bundled_one(admin: Admin) -> None:
    data = admin.ok(
        "POST", "/dataset", session="fresh", json={"videos": [seed(TT)], "replace": False}
    )
    assert data["loaded"] == 1
    assert len(admin.video_ids("fresh")) == len(admin.video_ids()) + 1


def test_reset_after_a_dataset_brings_the_bundled_one_back(admin: Admin) -> None:
    bundled = admin.video_ids()
    admin.ok("POST", "/dataset", json={"videos": []})
    assert admin.video_ids() == []
    admin.ok("POST", "/reset")
    assert admin.video_ids() == bundled


@PROTOCOL
@pytest.mark.parametrize(
    ("videos", "expected"),
    [
        ([seed(TT), seed("https://www.tiktok.com/@someone")], ["videos[1].identifier"]),
        ([seed(TT), seed(TT.replace("tiktok.com", "instagram.com"))], ["videos[1].identifier"]),
        ([seed(TT), seed("7301234567890123456")], ["videos[1].identifier"]),
        ([seed(TT, organization="umbrella")], ["videos[0].organization"]),
        ([seed(TT, added_days_ago=3651)], ["videos[0].added_days_ago"]),
        ([seed(TT, added_days_ago=-1)], ["videos[0].added_days_ago"]),
        ([seed(TT, scrape_interval_hours=5)], ["videos[0].scrape_interval_hours"]),
        ([seed(TT, scrape_interval_hours=24.5)], ["videos[0].scrape_interval_hours"]),
        ([seed(TT, metadata={"k": 1})], ["videos[0].metadata.k"]),
        ([seed(TT, color="red")], ["videos[0].color"]),
        (
            [{"platform": "tiktok", "identifier": TT}],
            ["videos[0].added_days_ago", "videos[0].organization"],
        ),
        ([seed(TT), "video"], ["videos[1]"]),
    ],
)
def test_one_bad_entry_loads_nothing(admin: Admin, videos: list[Any], expected: list[str]) -> None:
    before = admin.video_ids()
    found = fields(admin.call("POST", "/dataset", json={"videos": videos}))
    assert sorted(found) == expected
    assert admin.video_ids() == before


@PROTOCOL
def test_at_most_ten_thousand_videos(admin: Admin) -> None:
    videos = [seed(str(n)) for n in range(1, 10_002)]
    assert fields(admin.call("POST", "/dataset", json={"videos": videos})) == ["videos"]


# --- sessions ---------------------------------------------------------------------------


def test_sessions_are_listed_and_deleted(admin: Admin) -> None:
    assert admin.ok("GET", "/sessions") == []
    admin.api("GET", "/whoami", session="worker-b")
    admin.ok("GET", "/clock", session="worker-a")
    # Listing does not create the session it is sent from.
    assert admin.ok("GET", "/sessions", session="observer") == [
        {"name": "worker-a"},
        {"name": "worker-b"},
    ]
    assert admin.call("DELETE", "/sessions/worker-b").status_code == 204
    assert admin.ok("GET", "/sessions") == [{"name": "worker-a"}]
    problem(admin.call("DELETE", "/sessions/worker-b"), 404, "NOT_FOUND")
    assert fields(admin.call("DELETE", "/sessions/bad%20name")) == ["name"]


def test_a_deleted_session_starts_over(admin: Admin) -> None:
    created = admin.track(TT, session="w1")["id"]
    admin.ok("PUT", "/faults", session="w1", json={"drop_rate": 0.5})
    admin.call("DELETE", "/sessions/w1")
    assert admin.ok("GET", "/faults", session="w1") == NO_FAULTS
    assert admin.count(session="w1") == 0
    assert created not in admin.video_ids("w1")


def test_sessions_keep_their_own_journal_faults_clock_and_videos(admin: Admin) -> None:
    admin.track(TT, session="a")
    admin.ok("PUT", "/faults", session="a", json={"upstream_down": True})
    admin.ok("POST", "/clock/advance", session="a", json={"seconds": 60})
    admin.ok("POST", "/dataset", session="a", json={"videos": []})
    assert admin.count(session="a") == 1
    assert admin.count(session="b") == 0
    assert admin.count() == 0
    assert admin.ok("GET", "/faults", session="b") == NO_FAULTS
    assert admin.ok("GET", "/clock", session="b")["offset_seconds"] == 0
    assert len(admin.video_ids("b")) > 10
    admin.ok("POST", "/reset", session="b")
    assert admin.ok("GET", "/faults", session="a")["upstream_down"] is True


def test_the_server_validates_its_own_control_responses(make_admin: Callable[..., Admin]) -> None:
    admin = make_admin(validate_responses=True)
    for method, path, body in OPERATIONS:
        response = admin.call(method, path, json=body)
        assert response.status_code in (200, 204), response.text
