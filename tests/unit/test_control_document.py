"""control.yaml: a valid OpenAPI 3.1 document, in step with openapi.yaml and the fixtures,
shipped inside the package, and fitted to the server that serves it."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import orjson
import pytest
from openapi_spec_validator import validate

import mockserver
from mockserver.control.document import DOCUMENT_PATH, Fitting, build, load_document
from mockserver.faults import FAULT_STATUSES, MAX_LATENCY_MS
from mockserver.fixtures import SeedChecker
from mockserver.keys import KeyRing
from mockserver.spec import Spec

# Schemas control.yaml copies from openapi.yaml (descriptions and examples aside).
COPIED = ("Platform", "Metadata", "InstagramIdentifier", "TikTokIdentifier")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return load_document()


def bundled_fitting(spec: Spec, keyring: KeyRing) -> Fitting:
    """The values of a server built from the bundled document and keys."""
    return Fitting(
        server_url="http://127.0.0.1:4010/__mock",
        session_header="X-Mock-Session",
        session_pattern=spec.document["x-mockserver"]["session"]["pattern"],
        operation_ids=tuple(sorted(spec.operations)),
        organizations=tuple(sorted(keyring.organizations)),
        request_id_pattern=spec.limits.request_id_pattern.pattern,
        api_limits=orjson.dumps(spec.document["x-api-limits"]),
    )


@pytest.fixture(scope="module")
def fitting(spec: Spec, keyring: KeyRing) -> Fitting:
    return bundled_fitting(spec, keyring)


def test_control_yaml_is_a_valid_openapi_31_document(
    document: dict[str, Any], fitting: Fitting
) -> None:
    validate(copy.deepcopy(document))
    assert document["openapi"] == "3.1.0"
    validate(copy.deepcopy(build(fitting).document))  # as served


def test_its_schemas_pass_the_meta_checks_skipped_at_start(fitting: Fitting) -> None:
    served = build(fitting).document
    limits = {"max_body_bytes": 1, "rate_limit": {"requests": 1, "window_seconds": 1}}
    limits |= {"idempotency_window_seconds": 1, "request_id_pattern": "^.+$"}
    Spec(DOCUMENT_PATH, "", {**served, "x-api-limits": limits}, check_schemas=True)


def test_it_ships_inside_the_package() -> None:
    # The wheel packs the mockserver folder, so a file in it is in the wheel.
    assert DOCUMENT_PATH.parent == Path(mockserver.__file__).resolve().parent
    assert DOCUMENT_PATH.is_file()


def strip(schema: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in schema.items() if k not in ("description", "examples", "default")}


@pytest.mark.parametrize("name", COPIED)
def test_copies_match_the_api_document(document: dict[str, Any], spec: Spec, name: str) -> None:
    ours = strip(document["components"]["schemas"][name])
    theirs = strip(spec.document["components"]["schemas"][name])
    assert ours == theirs


def test_the_bundled_values_match_the_bundled_server(
    document: dict[str, Any], fitting: Fitting
) -> None:
    """control.yaml as shipped is exact for the bundled server (schemathesis reads it)."""
    components = document["components"]
    assert components["parameters"]["Operation"]["schema"]["enum"] == list(fitting.operation_ids)
    organization = components["schemas"]["VideoSeed"]["properties"]["organization"]
    assert organization["enum"] == list(fitting.organizations)
    assert components["schemas"]["SessionName"]["pattern"] == fitting.session_pattern
    assert components["parameters"]["Session"]["name"] == fitting.session_header
    assert components["headers"]["X-Request-ID"]["schema"]["pattern"] == (
        fitting.request_id_pattern
    )


def test_a_video_seed_is_an_entry_of_videos_yaml(spec: Spec, fitting: Fitting) -> None:
    control = build(fitting)
    seed = control.spec.schema("VideoSeed")
    entry = SeedChecker(spec).entry_schema
    assert set(seed["required"]) == set(entry["required"])
    assert set(seed["properties"]) == set(entry["properties"])
    for name in ("added_days_ago", "is_active", "scrape_interval_hours", "platform"):
        assert strip(seed["properties"][name]) == strip(entry["properties"][name])
    metadata = strip(seed["properties"]["metadata"])
    # YAML keys may be numbers: the fixtures' copy adds that they are strings.
    entry_metadata = strip(entry["properties"]["metadata"])
    entry_metadata["propertyNames"] = {
        k: v for k, v in entry_metadata["propertyNames"].items() if k != "type"
    }
    assert metadata == entry_metadata


def test_fitting_writes_this_servers_values(fitting: Fitting) -> None:
    other = dataclasses.replace(
        fitting,
        server_url="http://10.0.0.1:8080/_ctl",
        session_header="X-Worker",
        session_pattern="^[a-z]{1,8}$",
        operation_ids=("onlyThis",),
        organizations=("solo",),
    )
    control = build(other)
    components = control.document["components"]
    assert control.document["servers"][0]["url"] == "http://10.0.0.1:8080/_ctl"
    assert components["parameters"]["Session"]["name"] == "X-Worker"
    assert components["parameters"]["Operation"]["schema"]["enum"] == ["onlyThis"]
    assert components["schemas"]["SessionName"]["pattern"] == "^[a-z]{1,8}$"
    assert control.spec.base_path == "/_ctl"
    assert control.spec.match("/_ctl/journal") is not None
    # The shipped document itself is never changed by fitting.
    assert load_document()["servers"][0]["url"] == "http://127.0.0.1:4010/__mock"
    assert build(other) is control  # compiled once per set of values


def test_every_operation_documents_its_refusals(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = set(operation["responses"])
            assert "405" in statuses, (method, path)
            if operation.get("security", document["security"]):
                assert {"400", "401", "422"} <= statuses, (method, path)
            if "requestBody" in operation:
                assert {"413", "415"} <= statuses, (method, path)


def test_every_parameter_pattern_compiles(document: dict[str, Any]) -> None:
    for parameter in document["components"]["parameters"].values():
        pattern = parameter["schema"].get("pattern")
        if pattern is not None:
            re.compile(pattern)


def test_fault_bounds_are_the_fault_modules(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert schemas["FaultStatus"]["enum"] == list(FAULT_STATUSES)
    latency = schemas["FaultsRequest"]["properties"]["latency_ms"]["properties"]
    assert latency["max"]["maximum"] == MAX_LATENCY_MS
