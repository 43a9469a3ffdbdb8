"""Unit tests for mockserver.spec: loading, checking and compiling ``openapi.yaml``."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate as validate_openapi

from mockserver.errors import StartupError
from mockserver.settings import default_spec_path
from mockserver.spec import HTTP_METHODS, Spec, _Dereferencer, load_spec
from tests.unit.factories import write_yaml

LIMITS = {
    "max_body_bytes": 1048576,
    "rate_limit": {"requests": 600, "window_seconds": 60},
    "idempotency_window_seconds": 600,
    "request_id_pattern": "^[A-Za-z0-9._:-]{1,128}$",
}


def ok_response() -> dict[str, Any]:
    return {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}}


def minimal(paths: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "http://mock.test/v2"}],
        "x-api-limits": copy.deepcopy(LIMITS),
        "paths": paths or {},
    }
    doc.update(extra)
    return doc


def path_params(*names: str) -> list[dict[str, Any]]:
    schema = {"type": "string"}
    return [{"name": n, "in": "path", "required": True, "schema": schema} for n in names]


def write(tmp_path: Path, content: dict[str, Any] | list[Any] | str | bytes) -> Path:
    return write_yaml(tmp_path / "openapi.yaml", content)


def startup_error(path: Path) -> StartupError:
    with pytest.raises(StartupError) as caught:
        load_spec(path)
    assert caught.value.source == str(path)
    assert caught.value.render().startswith(str(path))
    return caught.value


def raw_operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (template, method, item[method])
        for template, item in document["paths"].items()
        for method in HTTP_METHODS
        if method in item
    ]


# --- the bundled document ------------------------------------------------------------


def test_bundled_document_loads(spec: Spec) -> None:
    assert spec.path == default_spec_path()
    assert spec.base_path == "/v2"
    assert spec.document["openapi"].startswith("3.1")
    assert spec.text == default_spec_path().read_text(encoding="utf-8")
    assert {"trackVideo", "getVideo", "getWhoami", "getHealth", "getMeta"} <= set(spec.operations)


def test_bundled_document_passes_the_openapi_validator(spec: Spec) -> None:
    validate_openapi(copy.deepcopy(spec.document))


def test_bundled_schemas_pass_the_meta_checks_skipped_at_start(spec: Spec) -> None:
    # load_spec skips Draft 2020-12 meta-validation of each compiled schema for the
    # bundled document (start-up time); this is where it still happens.
    Spec(spec.path, spec.text, copy.deepcopy(spec.document), check_schemas=True)


def test_every_operation_has_a_unique_operation_id(spec: Spec) -> None:
    ids = [op.get("operationId") for _, _, op in raw_operations(spec.document)]
    assert all(isinstance(i, str) and i for i in ids), ids
    assert len(ids) == len(set(ids))
    assert set(ids) == set(spec.operations)


def test_every_operation_documents_406(spec: Spec) -> None:
    for template, method, op in raw_operations(spec.document):
        assert "406" in op["responses"], f"{method.upper()} {template}"
    assert all(406 in op.responses for op in spec.operations.values())


# CONTRACT 3, DECISION: the read-only batch POSTs need only `read`.
READ_ONLY_POSTS = ("getVideoMetrics", "getVideoDeltas")


def test_scopes_follow_the_contract(spec: Spec) -> None:
    for operation in spec.operations.values():
        if operation.scope is None:
            continue
        reads = operation.method == "GET" or operation.operation_id in READ_ONLY_POSTS
        expected = "read" if reads else "write"
        assert operation.scope == expected, operation.operation_id
    for public in ("getHealth", "getMeta", "getOpenApiJson", "getOpenApiYaml", "getDocs"):
        assert spec.operations[public].scope is None, public
    assert spec.operations["getWhoami"].scope == "read"
    assert spec.operations["trackVideo"].scope == "write"
    for name in ("listVideos", "getVideo"):
        assert spec.operations[name].scope == "read", name
    for name in ("updateVideo", "untrackVideo"):
        assert spec.operations[name].scope == "write", name
    for name in READ_ONLY_POSTS:
        assert spec.operations[name].method == "POST", name
        assert spec.operations[name].scope == "read", name


def test_limits_are_read_from_the_document(spec: Spec) -> None:
    limits = spec.limits
    assert limits.max_body_bytes == 1024 * 1024
    assert limits.rate_limit_requests == 600
    assert limits.rate_limit_window_seconds == 60
    assert limits.idempotency_window_seconds == 600
    assert limits.request_id_pattern.match("abc.DEF_1:2-3")
    assert not limits.request_id_pattern.match("has space")
    assert not limits.request_id_pattern.match("x" * 129)


def test_compiled_track_video(spec: Spec) -> None:
    track = spec.operations["trackVideo"]
    assert track.method == "POST"
    assert track.path == "/videos"
    assert track.body_required is True
    assert track.body_validator is not None
    assert track.body_schema is not None
    metadata = track.body_schema["properties"]["metadata"]
    # $ref with a sibling default: inlined, the default kept
    assert metadata["default"] == {}
    assert metadata["maxProperties"] == 20
    assert track.success.status == 200
    assert {200, 201, 422} <= set(track.responses)
    assert track.responses[201].required_headers >= {"location", "x-request-id"}
    names = {p.name: p.location for p in track.parameters}
    assert names == {"Idempotency-Key": "header", "X-Request-ID": "header"}


def test_component_schema_is_dereferenced(spec: Spec) -> None:
    envelope = spec.schema("VideoEnvelope")
    assert "$ref" not in str(envelope)
    assert envelope["properties"]["data"]["properties"]["type"]["const"] == "video"


# --- path matching -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "template", "params"),
    [
        ("/v2/videos", "/videos", {}),
        ("/v2/whoami", "/whoami", {}),
        ("/v2/health", "/health", {}),
        ("/v2/openapi.json", "/openapi.json", {}),
        ("/v2/videos/abc", "/videos/{video_id}", {"video_id": "abc"}),
        (
            "/v2/videos/5d1f7a52-3c1e-4f0b-9a57-2f6c1e0b8a01",
            "/videos/{video_id}",
            {"video_id": "5d1f7a52-3c1e-4f0b-9a57-2f6c1e0b8a01"},
        ),
    ],
)
def test_match(spec: Spec, path: str, template: str, params: dict[str, str]) -> None:
    found = spec.match(path)
    assert found is not None
    item, values = found
    assert item.template == template
    assert values == params


@pytest.mark.parametrize(
    "path",
    [
        "/v2/videos/",
        "/v2/whoami/",
        "/v2/videos/abc/",
        "/v2/videos/a/b",
        "/videos",
        "/whoami",
        "/v2",
        "/v2/",
        "/",
        "/v3/videos",
        "/v2/openapiXjson",
        "/v2/videosX",
        "/api/v2/videos",
    ],
)
def test_no_match(spec: Spec, path: str) -> None:
    assert spec.match(path) is None


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/v2/videos", "GET, POST"),
        ("/v2/videos/x", "GET, DELETE, PATCH"),
        ("/v2/videos/metrics", "POST"),
        ("/v2/videos/deltas", "POST"),
        ("/v2/whoami", "GET"),
    ],
)
def test_allow_of_bundled_paths(spec: Spec, path: str, allow: str) -> None:
    found = spec.match(path)
    assert found is not None
    assert found[0].allow == allow


def test_allow_of_every_bundled_path_follows_http_methods_order(spec: Spec) -> None:
    for operation in spec.operations.values():
        path = spec.base_path + operation.path.replace("{video_id}", "x")
        found = spec.match(path)
        assert found is not None, path
        item = found[0]
        ordered = [m.upper() for m in HTTP_METHODS if m.upper() in item.operations]
        assert item.allow == ", ".join(ordered), path
        assert operation.method in ordered


def test_batch_paths_are_not_taken_for_video_ids(spec: Spec) -> None:
    for name, path in [
        ("getVideoMetrics", "/v2/videos/metrics"),
        ("getVideoDeltas", "/v2/videos/deltas"),
    ]:
        found = spec.match(path)
        assert found is not None
        assert found[0].operations["POST"].operation_id == name
        assert found[1] == {}
    found = spec.match("/v2/videos/x")
    assert found is not None
    assert {op.operation_id for op in found[0].operations.values()} == {
        "getVideo",
        "updateVideo",
        "untrackVideo",
    }
    assert found[1] == {"video_id": "x"}


def test_allow_lists_every_method_in_order(tmp_path: Path) -> None:
    responses = {"200": ok_response()}
    item: dict[str, Any] = {
        m: {"operationId": f"{m}Thing", "responses": responses} for m in ("delete", "get")
    }
    item["post"] = {"operationId": "postThing", "responses": responses}
    item["parameters"] = path_params("id")
    loaded = load_spec(write(tmp_path, minimal({"/things/{id}": item})))
    found = loaded.match("/v2/things/7")
    assert found is not None
    assert found[0].allow == "GET, POST, DELETE"
    assert set(found[0].operations) == {"GET", "POST", "DELETE"}
    assert found[1] == {"id": "7"}


def test_templated_path_with_several_parameters(tmp_path: Path) -> None:
    item = {
        "get": {"operationId": "pair", "responses": {"200": ok_response()}},
        "parameters": path_params("x", "y"),
    }
    loaded = load_spec(write(tmp_path, minimal({"/a/{x}/b/{y}.json": item})))
    found = loaded.match("/v2/a/1/b/two.json")
    assert found is not None
    assert found[1] == {"x": "1", "y": "two"}
    assert loaded.match("/v2/a/1/b/twoXjson") is None
    assert loaded.match("/v2/a/1/b/.json") is None


def test_base_path_from_first_server(tmp_path: Path) -> None:
    item = {"get": {"operationId": "x", "responses": {"200": ok_response()}}}
    doc = minimal({"/x": item}, servers=[{"url": "https://api.example.test/api/v9/"}])
    loaded = load_spec(write(tmp_path, doc))
    assert loaded.base_path == "/api/v9"
    assert loaded.match("/api/v9/x") is not None
    assert loaded.match("/x") is None


# --- broken documents ----------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    error = startup_error(tmp_path / "openapi.yaml")
    assert "cannot read" in error.problems[0]


def test_not_utf8(tmp_path: Path) -> None:
    error = startup_error(write(tmp_path, b"openapi: \xff\xfe\n"))
    assert "UTF-8" in error.problems[0]


def test_not_yaml(tmp_path: Path) -> None:
    error = startup_error(write(tmp_path, "openapi: [3.1.0\ninfo: {\n"))
    assert "not valid YAML" in error.problems[0]


@pytest.mark.parametrize("content", ["- openapi\n- info\n", "just a string\n", "", "42\n"])
def test_not_a_mapping(tmp_path: Path, content: str) -> None:
    error = startup_error(write(tmp_path, content))
    assert "mapping" in error.problems[0]


def test_invalid_openapi(tmp_path: Path) -> None:
    doc = minimal()
    del doc["info"]
    error = startup_error(write(tmp_path, doc))
    assert "not a valid OpenAPI" in error.problems[0]
    assert "info" in error.problems[0]


def test_missing_x_api_limits(tmp_path: Path) -> None:
    doc = minimal()
    del doc["x-api-limits"]
    error = startup_error(write(tmp_path, doc))
    assert "x-api-limits" in error.problems[0]


@pytest.mark.parametrize(
    "limits",
    [
        {"max_body_bytes": 1},
        {**LIMITS, "rate_limit": {"requests": "many", "window_seconds": 60}},
        {**LIMITS, "request_id_pattern": "(["},
        "600 per minute",
    ],
)
def test_incomplete_x_api_limits(tmp_path: Path, limits: Any) -> None:
    error = startup_error(write(tmp_path, minimal(**{"x-api-limits": limits})))
    assert "x-api-limits" in error.problems[0]


def test_recursive_schema(tmp_path: Path) -> None:
    node = {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}
    response = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Node"}}},
    }
    doc = minimal(
        {"/n": {"get": {"operationId": "n", "responses": {"200": response}}}},
        components={"schemas": {"Node": node}},
    )
    error = startup_error(write(tmp_path, doc))
    assert "recursive" in error.problems[0]


def _doc_with_schema_ref(ref: str) -> dict[str, Any]:
    response = {"description": "ok", "content": {"application/json": {"schema": {"$ref": ref}}}}
    return minimal({"/x": {"get": {"operationId": "x", "responses": {"200": response}}}})


def test_external_ref(tmp_path: Path) -> None:
    error = startup_error(write(tmp_path, _doc_with_schema_ref("other.yaml#/Thing")))
    assert "other.yaml#/Thing" in error.render()


def test_dangling_local_ref(tmp_path: Path) -> None:
    error = startup_error(write(tmp_path, _doc_with_schema_ref("#/components/schemas/Nope")))
    assert "#/components/schemas/Nope" in error.render()


def test_mapping_without_openapi_field(tmp_path: Path) -> None:
    doc = minimal()
    del doc["openapi"]
    startup_error(write(tmp_path, doc))


# --- _Dereferencer -------------------------------------------------------------------

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Count": {"type": ["integer", "null"], "minimum": 0, "description": "a count"},
            "Alias": {"$ref": "#/components/schemas/Count"},
            "Box": {"type": "object", "properties": {"n": {"$ref": "#/components/schemas/Count"}}},
        },
        "parameters": {
            "P": {"name": "p", "in": "query"},
            "Q": {"$ref": "#/components/parameters/P"},
        },
    },
    "a/b": {"c~d": {"x": 1}},
}


@pytest.fixture
def deref() -> _Dereferencer:
    return _Dereferencer(DOCUMENT)


COUNT = DOCUMENT["components"]["schemas"]["Count"]


def test_plain_ref_is_inlined(deref: _Dereferencer) -> None:
    assert deref.schema({"$ref": "#/components/schemas/Count"}) == COUNT


def test_ref_chain_is_followed(deref: _Dereferencer) -> None:
    assert deref.schema({"$ref": "#/components/schemas/Alias"}) == COUNT


def test_nested_refs_in_mappings_and_lists(deref: _Dereferencer) -> None:
    schema = deref.schema(
        {
            "properties": {"box": {"$ref": "#/components/schemas/Box"}},
            "prefixItems": [{"$ref": "#/components/schemas/Count"}, {"type": "string"}],
        }
    )
    assert schema["properties"]["box"]["properties"]["n"] == COUNT
    assert schema["prefixItems"] == [COUNT, {"type": "string"}]
    assert "$ref" not in str(schema)


def test_annotation_siblings_are_merged(deref: _Dereferencer) -> None:
    schema = deref.schema(
        {"$ref": "#/components/schemas/Count", "description": "views", "default": 0}
    )
    assert schema == {**COUNT, "description": "views", "default": 0}


def test_new_keyword_siblings_are_merged(deref: _Dereferencer) -> None:
    schema = deref.schema({"$ref": "#/components/schemas/Count", "maximum": 10})
    assert schema == {**COUNT, "maximum": 10}


def test_conflicting_siblings_keep_both_constraints(deref: _Dereferencer) -> None:
    schema = deref.schema({"$ref": "#/components/schemas/Count", "minimum": 5, "maximum": 9})
    assert schema == {"allOf": [COUNT], "minimum": 5, "maximum": 9}


def test_target_is_not_modified(deref: _Dereferencer) -> None:
    deref.schema({"$ref": "#/components/schemas/Count", "description": "changed"})
    assert deref.schema({"$ref": "#/components/schemas/Count"})["description"] == "a count"
    assert COUNT["description"] == "a count"


def test_pointer_unescapes(deref: _Dereferencer) -> None:
    assert deref.pointer("#/a~1b/c~0d") == {"x": 1}


@pytest.mark.parametrize(
    ("ref", "fragment"),
    [
        ("other.yaml#/components/schemas/Count", "only local references"),
        ("https://example.test/s.json", "only local references"),
        ("#/components/schemas/Nope", "unresolvable"),
        ("#/components/schemas/Count/type/9", "unresolvable"),
    ],
)
def test_bad_refs_are_startup_errors(deref: _Dereferencer, ref: str, fragment: str) -> None:
    with pytest.raises(StartupError, match=re.escape(fragment)):
        deref.schema({"$ref": ref})


def test_resolve_follows_non_schema_refs(deref: _Dereferencer) -> None:
    assert deref.resolve({"$ref": "#/components/parameters/Q"}) == {"name": "p", "in": "query"}
    plain = {"name": "x", "in": "header"}
    assert deref.resolve(plain) is plain


def test_resolve_refuses_endless_chains() -> None:
    looping = _Dereferencer({"a": {"$ref": "#/b"}, "b": {"$ref": "#/a"}})
    with pytest.raises(StartupError, match="too long"):
        looping.resolve({"$ref": "#/a"})
