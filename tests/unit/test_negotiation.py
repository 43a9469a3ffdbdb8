"""Unit tests for mockserver.negotiation.acceptable (CONTRACT section 2, the 406 row)."""

from __future__ import annotations

import pytest

from mockserver.negotiation import acceptable
from mockserver.spec import Spec

JSON_OP = frozenset({"application/json", "application/problem+json"})
HTML_OP = frozenset({"text/html", "application/problem+json"})


@pytest.mark.parametrize(
    "accept",
    [
        None,
        "",
        "*/*",
        " */* ",
        "application/*",
        "application/json",
        "application/problem+json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "Application/Json",
        "*/*;q=0.1",
        "text/html;q=0.9, application/json",
        "text/html , application/json ; q=0.5",
        "text/html,application/json;q=0.001",
        "application/json;Q=0.5",
        "application/json; q = 0.5",
        "application/json;q=abc, */*",
        "text/*, application/*;q=0.2",
    ],
)
def test_json_operation_accepts(accept: str | None) -> None:
    assert acceptable(accept, JSON_OP) is True


@pytest.mark.parametrize(
    "accept",
    [
        "text/html",
        "application/xml",
        "image/*",
        "text/*",
        "application/json;q=0",
        "application/json; q=0.0",
        "application/json;Q=0",
        "*/*;q=0",
        "application/*;q=0",
        "application/json;q=abc",
        "application/json;q=",
        "text/html, application/json;q=0",
        "text/html ,  application/xml ; q=0.9",
        "application/jsonx",
    ],
)
def test_json_operation_refuses(accept: str) -> None:
    assert acceptable(accept, JSON_OP) is False


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("text/html", True),
        ("TEXT/HTML", True),
        ("text/*", True),
        ("text/html;q=0.8, */*;q=0.1", True),
        ("*/*", True),
        (None, True),
        ("application/problem+json", True),
        ("text/plain", False),
        ("text/html;q=0", False),
        ("application/json", False),
        ("image/png, text/plain", False),
    ],
)
def test_html_operation(accept: str | None, expected: bool) -> None:
    assert acceptable(accept, HTML_OP) is expected


def test_real_operations_offer_what_the_document_says(spec: Spec) -> None:
    track = spec.operations["trackVideo"].media_types
    docs = spec.operations["getDocs"].media_types
    assert "text/html" in docs
    assert acceptable("text/html", docs)
    assert not acceptable("text/html", track)
    assert acceptable("application/json", track)
    assert acceptable("application/yaml", spec.operations["getOpenApiYaml"].media_types)
