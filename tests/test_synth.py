"""Tests for mockserver.synth: generated values are schema-valid and deterministic."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from mockserver.synth import SynthesisError, Synthesizer

BASE_URI = "urn:test:openapi"

# A small but realistic OpenAPI 3.1 document: nested refs, nullable types, enums, formats,
# arrays, bounded numbers, composition and a recursive schema.
DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Sample", "version": "1.0.0"},
    "paths": {},
    "components": {
        "schemas": {
            "Platform": {"type": "string", "enum": ["instagram", "tiktok"]},
            "Timestamp": {"type": "string", "format": "date-time"},
            "Account": {
                "type": "object",
                "required": ["id", "username"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "username": {
                        "type": "string",
                        "pattern": "^[a-z0-9._]{1,30}$",
                        "examples": ["nasa", "natgeo", "cristiano", "bbcnews"],
                    },
                    "platform": {"$ref": "#/components/schemas/Platform"},
                    "followers": {"type": ["integer", "null"], "minimum": 0},
                },
            },
            "Video": {
                "type": "object",
                "required": ["id", "external_id", "type", "platform", "added_at"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "external_id": {
                        "type": "string",
                        "pattern": "^[1-9][0-9]{0,18}$",
                        "example": "7350802436281093381",
                    },
                    "type": {"const": "video"},
                    "platform": {"$ref": "#/components/schemas/Platform"},
                    "shortcode": {"type": ["string", "null"], "minLength": 5, "maxLength": 11},
                    "is_active": {"type": "boolean", "default": True},
                    "scrape_interval_hours": {"type": "integer", "minimum": 6, "maximum": 720},
                    "metadata": {
                        "type": "object",
                        "maxProperties": 20,
                        "additionalProperties": {"type": "string", "maxLength": 255},
                    },
                    "added_at": {"$ref": "#/components/schemas/Timestamp"},
                    "create_time": {
                        "anyOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}]
                    },
                    "published_on": {"type": "string", "format": "date"},
                    "media_type": {
                        "type": ["string", "null"],
                        "enum": ["VIDEO", "IMAGE", "CAROUSEL_ALBUM", None],
                    },
                    "duration": {"type": ["integer", "null"], "minimum": 0, "maximum": 600},
                    "cover_image_url": {"type": ["string", "null"], "format": "uri"},
                    "engagement": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                    "price": {"type": "number", "minimum": 0, "multipleOf": 0.01},
                    "view_count": {"type": "integer", "minimum": 0, "multipleOf": 10},
                    "tags": {
                        "type": "array",
                        "minItems": 1,
                        "maxItems": 5,
                        "uniqueItems": True,
                        "items": {"type": "string", "minLength": 1, "maxLength": 40},
                    },
                    "account": {
                        "oneOf": [{"$ref": "#/components/schemas/Account"}, {"type": "null"}]
                    },
                },
            },
            "VideoEnvelope": {
                "type": "object",
                "required": ["data"],
                "properties": {"data": {"$ref": "#/components/schemas/Video"}},
            },
            "VideoList": {
                "type": "object",
                "required": ["data", "pagination"],
                "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Video"}},
                    "pagination": {
                        "type": "object",
                        "properties": {
                            "next_cursor": {"type": ["string", "null"]},
                            "has_next": {"type": "boolean"},
                            "limit": {"type": "integer", "minimum": 1, "maximum": 200},
                        },
                    },
                },
            },
            "Problem": {
                "allOf": [
                    {
                        "type": "object",
                        "required": ["title", "status"],
                        "properties": {
                            "title": {"type": "string"},
                            "status": {"type": "integer", "minimum": 400, "maximum": 599},
                        },
                    },
                    {
                        "properties": {
                            "code": {"type": "string", "enum": ["NOT_FOUND", "CONFLICT"]},
                            "instance": {"type": "string", "format": "uri-reference"},
                        },
                        "required": ["code"],
                    },
                ]
            },
            "Folder": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string"},
                    "parent": {
                        "anyOf": [{"$ref": "#/components/schemas/Folder"}, {"type": "null"}]
                    },
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/Folder"}},
                },
            },
        }
    },
}

SCHEMA_NAMES = sorted(DOCUMENT["components"]["schemas"])
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DATE_TIME = re.compile(r"^(2025|2026)-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DATE = re.compile(r"^\d{4}-\d\d-\d\d$")

REGISTRY: Registry[Any] = Registry().with_resource(BASE_URI, DRAFT202012.create_resource(DOCUMENT))


def validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    """A format-checking validator whose `#/components/...` refs resolve in DOCUMENT."""
    # The schema is validated as a component of the document so that its local refs
    # resolve there; inline schemas without refs are validated as they are.
    root = {"$ref": f"{BASE_URI}{schema['$ref']}"} if "$ref" in schema else dict(schema)
    return Draft202012Validator(
        root, registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def component(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def assert_valid(schema: Mapping[str, Any], value: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(value)]
    assert not errors, errors


@pytest.fixture(scope="module")
def synth() -> Synthesizer:
    return Synthesizer(DOCUMENT)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
@pytest.mark.parametrize("key", ["a", "b", "video-42", "ünïcode"])
def test_generated_value_validates(synth: Synthesizer, name: str, key: str) -> None:
    schema = component(name)
    assert_valid(schema, synth.generate(schema, key))


def test_many_keys_validate(synth: Synthesizer) -> None:
    schema = component("VideoList")
    check = validator(schema)
    for n in range(200):
        value = synth.generate(schema, f"key-{n}")
        assert not list(check.iter_errors(value)), n


def test_component_passed_inline_equals_ref(synth: Synthesizer) -> None:
    inline = DOCUMENT["components"]["schemas"]["Video"]
    assert synth.generate(inline, "k") == synth.generate(component("Video"), "k")


def test_same_key_same_value_across_instances(synth: Synthesizer) -> None:
    schema = component("VideoList")
    first = synth.generate(schema, "stable")
    assert synth.generate(schema, "stable") == first
    assert Synthesizer(copy.deepcopy(DOCUMENT)).generate(schema, "stable") == first


def test_different_keys_give_different_values(synth: Synthesizer) -> None:
    one = synth.generate(component("Video"), "one")
    two = synth.generate(component("Video"), "two")
    assert one != two
    assert one["id"] != two["id"]


def test_formats(synth: Synthesizer) -> None:
    video = synth.generate(component("Video"), "formats")
    assert UUID.match(video["id"])
    assert DATE_TIME.match(video["added_at"])
    assert DATE_TIME.match(video["create_time"])
    assert DATE.match(video["published_on"])
    assert video["cover_image_url"].startswith("https://example.com/")


def test_properties_in_schema_order_and_no_extras(synth: Synthesizer) -> None:
    video = synth.generate(component("Video"), "order")
    assert list(video) == list(DOCUMENT["components"]["schemas"]["Video"]["properties"])


def test_choice_order(synth: Synthesizer) -> None:
    video = synth.generate(component("Video"), "choices")
    assert video["external_id"] == "7350802436281093381"  # example
    assert video["type"] == "video"  # const
    assert video["is_active"] is True  # default
    assert video["platform"] in ("instagram", "tiktok")  # enum through a $ref


def test_examples_list_is_picked_by_key(synth: Synthesizer) -> None:
    names = {synth.generate(component("Account"), f"k{n}")["username"] for n in range(40)}
    assert names <= {"nasa", "natgeo", "cristiano", "bbcnews"}
    assert len(names) > 1


def test_nullable_prefers_a_value(synth: Synthesizer) -> None:
    for n in range(20):
        video = synth.generate(component("Video"), f"nullable-{n}")
        assert video["shortcode"] is not None
        assert video["media_type"] is not None
        assert isinstance(video["account"], dict)
        assert video["duration"] is not None


def test_all_of_is_merged(synth: Synthesizer) -> None:
    problem = synth.generate(component("Problem"), "p")
    assert list(problem) == ["title", "status", "code", "instance"]
    assert 400 <= problem["status"] <= 599


def test_recursive_schema_terminates(synth: Synthesizer) -> None:
    folder = synth.generate(component("Folder"), "tree")
    assert_valid(component("Folder"), folder)
    assert folder["parent"] is None
    assert folder["children"] == []


def test_required_recursion_is_refused() -> None:
    document = {
        "components": {
            "schemas": {
                "Loop": {
                    "type": "object",
                    "required": ["next"],
                    "properties": {"next": {"$ref": "#/components/schemas/Loop"}},
                }
            }
        }
    }
    with pytest.raises(SynthesisError, match="recursive"):
        Synthesizer(document).generate(component("Loop"), "k")


def test_arrays_honour_bounds(synth: Synthesizer) -> None:
    sizes = {
        len(synth.generate({"type": "array", "minItems": 3, "items": {"type": "integer"}}, k))
        for k in "abcdefghij"
    }
    assert sizes <= {3, 4, 5}
    assert synth.generate({"type": "array", "maxItems": 0}, "k") == []
    assert len(synth.generate({"type": "array", "items": {"type": "boolean"}}, "k")) in (1, 2)
    unique = synth.generate(
        {"type": "array", "minItems": 2, "uniqueItems": True, "items": {"type": "boolean"}}, "k"
    )
    assert sorted(unique) == [False, True]


def test_empty_schema_is_an_empty_object(synth: Synthesizer) -> None:
    assert synth.generate({}, "k") == {}


def test_result_does_not_share_document_objects(synth: Synthesizer) -> None:
    schema = {"type": "object", "example": {"tags": ["a"]}}
    value = synth.generate(schema, "k")
    value["tags"].append("b")
    assert schema["example"] == {"tags": ["a"]}


def test_pattern_without_example_is_refused_with_its_location() -> None:
    document = copy.deepcopy(DOCUMENT)
    video = document["components"]["schemas"]["Video"]["properties"]
    del video["external_id"]["example"]
    video["shortcode"]["pattern"] = "^[A-Za-z0-9_-]+$"
    with pytest.raises(SynthesisError) as caught:
        Synthesizer(document).generate(component("VideoEnvelope"), "k")
    # Every problem at once, each naming its place in the document.
    assert len(caught.value.problems) == 2
    message = str(caught.value)
    assert "#/components/schemas/Video/properties/external_id" in message
    assert "#/components/schemas/Video/properties/shortcode" in message


def test_pattern_location_for_a_schema_outside_the_document(synth: Synthesizer) -> None:
    schema = {"type": "object", "properties": {"code": {"type": "string", "pattern": "^x$"}}}
    with pytest.raises(SynthesisError, match=r"responses 200, instance path /code"):
        synth.generate(schema, "k", location="responses 200")


def test_unresolvable_ref_is_refused(synth: Synthesizer) -> None:
    with pytest.raises(SynthesisError, match="does not resolve"):
        synth.generate(component("Missing"), "k")


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "number", "minimum": 0, "maximum": 10, "multipleOf": 0.1},
        {"type": "number", "minimum": 0.05, "maximum": 0.35, "multipleOf": 0.01},
        {"type": "integer", "minimum": 1, "maximum": 100, "multipleOf": 0.5},
        {"type": "integer", "exclusiveMinimum": 5, "exclusiveMaximum": 7},
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001},
        {"type": "integer", "maximum": -3},
        {"type": ["null", "integer"], "minimum": 10},
        {"minimum": 2, "maximum": 3},
        {"type": "string", "minLength": 40},
        {"type": "string", "maxLength": 3},
        {"type": "string", "format": "email"},
        {"type": "object", "minProperties": 2, "additionalProperties": {"type": "integer"}},
        {
            "type": "object",
            "maxProperties": 1,
            "required": ["b"],
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        },
        {"allOf": [{"type": "integer", "minimum": 3}, {"maximum": 5}]},
        {"$ref": "#/components/schemas/Platform", "example": "tiktok"},
        {"type": "string", "anyOf": [{"minLength": 2}, {"format": "uuid"}]},
    ],
)
def test_edge_schemas_validate(synth: Synthesizer, schema: dict[str, Any]) -> None:
    for key in ("a", "b", "c", "d"):
        assert_valid(schema, synth.generate(schema, key))


# -- property-based: objects of scalars with random bounds ---------------------------------


@st.composite
def integer_schemas(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.integers(-10_000, 10_000))
    step = draw(st.one_of(st.none(), st.integers(1, 9)))
    span = draw(st.integers(0, 5_000)) + (step + 2 if step else 2)
    schema: dict[str, Any] = {"type": "integer"}
    schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = low + span
    if step:
        schema["multipleOf"] = step
    return schema


@st.composite
def number_schemas(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(st.floats(-1e6, 1e6, allow_nan=False))
    step = draw(st.sampled_from([None, 0.5, 0.25, 0.1, 0.01, 2, 5]))
    span = draw(st.floats(0.001, 1e4)) + (100 * step if step else 0)
    schema: dict[str, Any] = {"type": "number"}
    if draw(st.booleans()):
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = low + span
    if step:
        schema["multipleOf"] = step
    return schema


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    form = draw(st.sampled_from([None, "uuid", "date-time", "date", "uri", "email"]))
    if form:
        return {"type": "string", "format": form}
    low = draw(st.integers(0, 50))
    schema: dict[str, Any] = {"type": "string", "minLength": low}
    if draw(st.booleans()):
        schema["maxLength"] = low + draw(st.integers(0, 30))
    return schema


SCALARS = st.one_of(
    integer_schemas(),
    number_schemas(),
    string_schemas(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(st.one_of(st.integers(), st.text(max_size=5)), min_size=1, max_size=4).map(
        lambda values: {"enum": values}
    ),
)


@st.composite
def object_schemas(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=6, unique=True))
    properties = {}
    for name in names:
        scalar = draw(SCALARS)
        if "type" in scalar and draw(st.booleans()):
            scalar = {**scalar, "type": [scalar["type"], "null"]}
        properties[name] = scalar
    required = draw(st.lists(st.sampled_from(names), unique=True))
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


@settings(max_examples=100, derandomize=True, database=None, deadline=None)
@given(schema=object_schemas(), key=st.text(max_size=12))
def test_generated_objects_validate(schema: dict[str, Any], key: str) -> None:
    value = Synthesizer(DOCUMENT).generate(schema, key)
    assert list(value) == list(schema["properties"])
    assert_valid(schema, value)
