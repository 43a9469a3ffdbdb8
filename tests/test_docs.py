"""Tests for mockserver.docs: a complete, escaped, offline reference page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from mockserver.docs import render_docs

JSON_URL = "http://127.0.0.1:4010/v2/openapi.json"
YAML_URL = "http://127.0.0.1:4010/v2/openapi.yaml"
HOSTILE = '<script>alert("x")</script>'

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Sample & Co API",
        "version": "2.0.0",
        "description": f"First paragraph with `code` and **bold**.\n\n- one\n- two\n\n{HOSTILE}",
    },
    "servers": [{"url": "https://api.example.com/v2", "description": "Production"}],
    "tags": [
        {"name": "Videos", "description": "Tracked posts."},
        {"name": "System", "description": "No key needed."},
    ],
    "security": [{"bearerAuth": ["read"]}],
    "paths": {
        "/videos": {
            "get": {
                "operationId": "listVideos",
                "tags": ["Videos"],
                "summary": "List videos",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "Page size.",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                    },
                    {
                        "name": "order_direction",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["asc", "desc"]},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "A page.",
                        "headers": {
                            "Link": {
                                "description": "Pagination links.",
                                "schema": {"type": "string"},
                            }
                        },
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/VideoList"}
                            }
                        },
                    },
                    "401": {"$ref": "#/components/responses/Unauthorized"},
                },
            },
            "post": {
                "operationId": "trackVideo",
                "tags": ["Videos"],
                "summary": "Track a video",
                "description": f"Starts tracking. {HOSTILE}",
                "security": [{"bearerAuth": ["write"]}],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/TrackVideoRequest"},
                            "examples": {
                                "reel": {
                                    "summary": "An Instagram reel",
                                    "value": {"platform": "instagram", "identifier": "BqvsDleB3lV"},
                                },
                                "shared": {"$ref": "#/components/examples/TikTokVideo"},
                            },
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Created.",
                        "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"data": {"$ref": "#/components/schemas/Video"}},
                                },
                                "example": {"data": {"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a"}},
                            }
                        },
                    },
                    "422": {"$ref": "#/components/responses/ValidationError"},
                },
            },
        },
        "/videos/{video_id}": {
            "parameters": [{"$ref": "#/components/parameters/VideoId"}],
            "get": {
                "operationId": "getVideo",
                "tags": ["Videos"],
                "summary": "Get a video",
                "responses": {"200": {"description": "The video."}},
            },
            "delete": {
                "operationId": "deleteVideo",
                "tags": ["Videos"],
                "deprecated": True,
                "responses": {"204": {"description": "Gone."}},
            },
        },
        "/health": {
            "get": {
                "operationId": "getHealth",
                "tags": ["System"],
                "security": [],
                "responses": {
                    "200": {
                        "description": "Up.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
        "/hostile": {
            "patch": {
                "operationId": '"><img src=x onerror=alert(1)>',
                "summary": HOSTILE,
                "responses": {"200": {"description": HOSTILE}},
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer", "description": "Send the key."}
        },
        "parameters": {
            "VideoId": {
                "name": "video_id",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "format": "uuid"},
            }
        },
        "examples": {
            "TikTokVideo": {
                "summary": "A TikTok video",
                "value": {"platform": "tiktok", "identifier": "6718335390845095173"},
            }
        },
        "responses": {
            "Unauthorized": {
                "description": "No valid key.",
                "headers": {
                    "WWW-Authenticate": {
                        "required": True,
                        "schema": {"type": "string", "const": 'Bearer realm="x"'},
                    }
                },
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            },
            "ValidationError": {
                "description": "Invalid.",
                "content": {
                    "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                },
            },
        },
        "schemas": {
            "Platform": {"type": "string", "enum": ["instagram", "tiktok"]},
            "TrackVideoRequest": {
                "type": "object",
                "additionalProperties": False,
                "required": ["platform", "identifier"],
                "properties": {
                    "platform": {"$ref": "#/components/schemas/Platform"},
                    "identifier": {"type": "string", "minLength": 1, "maxLength": 512},
                    "scrape_interval_hours": {
                        "type": "integer",
                        "minimum": 6,
                        "maximum": 720,
                        "default": 24,
                        "description": f"Hours. {HOSTILE}",
                    },
                    "options": {
                        "type": "object",
                        "properties": {"notify": {"type": "boolean"}},
                    },
                },
            },
            "Video": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "shortcode": {"type": ["string", "null"]},
                    "create_time": {
                        "anyOf": [{"type": "string", "format": "date-time"}, {"type": "null"}]
                    },
                    HOSTILE: {"type": "integer", "exclusiveMinimum": 0},
                },
            },
            "VideoList": {
                "type": "object",
                "properties": {
                    "data": {"type": "array", "items": {"$ref": "#/components/schemas/Video"}}
                },
            },
            "Problem": {
                "type": "object",
                "example": {"title": "Not Found", "status": 404},
                "properties": {
                    "title": {"type": "string"},
                    "status": {"type": "integer", "minimum": 400, "maximum": 599},
                },
            },
            "ValidationProblem": {
                "allOf": [
                    {"$ref": "#/components/schemas/Problem"},
                    {"required": ["errors"], "properties": {"errors": {"type": "array"}}},
                ]
            },
        },
    },
}

VOID_ELEMENTS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class StrictParser(HTMLParser):
    """Records nesting errors, element ids and in-page links; HTMLParser alone never fails."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if attributes.get("id"):
            self.ids.append(str(attributes["id"]))
        href = attributes.get("href") or ""
        if href.startswith("#"):
            self.fragments.append(href[1:])
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} closes {self.stack[-1:]}")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def page() -> str:
    return render_docs(DOCUMENT, openapi_json_url=JSON_URL, openapi_yaml_url=YAML_URL)


@pytest.fixture(scope="module")
def parsed(page: str) -> StrictParser:
    parser = StrictParser()
    parser.feed(page)
    parser.close()
    return parser


def operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if method != "parameters"
    ]


def test_is_an_html5_document(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "<title>Sample &amp; Co API 2.0.0</title>" in page


def test_is_well_formed(parsed: StrictParser) -> None:
    assert parsed.errors == []
    assert parsed.stack == []
    assert len(parsed.ids) == len(set(parsed.ids)), "duplicate ids"


def test_in_page_links_resolve(parsed: StrictParser) -> None:
    assert set(parsed.fragments) <= set(parsed.ids)


@pytest.mark.parametrize(("path", "method", "operation"), operations())
def test_every_operation_is_rendered(
    page: str, parsed: StrictParser, path: str, method: str, operation: dict[str, Any]
) -> None:
    assert f'<code class="path">{path}</code>' in page
    assert f'<span class="method {method}">{method.upper()}</span>' in page
    escaped_id = (
        operation["operationId"]
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )
    assert f"operationId <code>{escaped_id}</code>" in page
    # The table of contents links every operation to its anchor.
    assert sum(1 for anchor in parsed.ids if anchor.startswith("op-")) == len(operations())


def test_document_strings_are_escaped(page: str, parsed: StrictParser) -> None:
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    # Neither an element nor an attribute leaked out of the hostile operationId.
    assert not any(tag == "img" for tag, _ in parsed.tags)
    assert all(not name.startswith("on") for _, attrs in parsed.tags for name in attrs)


def test_nothing_is_loaded_from_the_network(page: str, parsed: StrictParser) -> None:
    lowered = page.lower()
    for forbidden in (
        "<script src=",
        '<link rel="stylesheet"',
        "@import",
        "url(http",
        "@font-face",
    ):
        assert forbidden not in lowered
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "link", "iframe", "img")
        assert "src" not in attrs
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", lowered)


def test_overview_servers_and_security(page: str) -> None:
    assert "<h1>Sample &amp; Co API</h1>" in page
    assert "version 2.0.0" in page
    assert "<p>First paragraph with <code>code</code> and <strong>bold</strong>.</p>" in page
    assert "<ul><li>one</li><li>two</li></ul>" in page
    assert "<code>https://api.example.com/v2</code>" in page
    assert "Authorization: Bearer &lt;key&gt;" in page
    assert "<code>bearerAuth</code> with scope <code>write</code>" in page
    assert "none: no key needed" in page  # getHealth's `security: []`


def test_raw_document_links(page: str) -> None:
    assert f'href="{JSON_URL}"' in page
    assert f'href="{YAML_URL}"' in page


def test_operations_grouped_by_tag_in_document_order(page: str) -> None:
    order = [page.index(f'id="op-{name}"') for name in ("listVideos", "trackVideo", "getVideo")]
    assert order == sorted(order)
    assert page.index('id="tag-Videos"') < page.index('id="tag-System"')
    assert page.index('id="tag-System"') < page.index('id="tag-Other"')


def test_parameters_table(page: str) -> None:
    assert "<code>limit</code></td><td>query</td>" in page
    assert "1 ≤ value ≤ 200" in page
    assert "default <code>50</code>" in page
    assert "one of <code>&quot;asc&quot;</code>, <code>&quot;desc&quot;</code>" in page
    # A path-level parameter, through a $ref, is listed on each of the path's operations.
    assert page.count("<code>video_id</code></td><td>path</td>") == 2
    assert "<code>string (uuid)</code>" in page


def test_request_body_schema_and_examples(page: str) -> None:
    assert 'href="#schema-TrackVideoRequest"' in page
    assert "<code>scrape_interval_hours</code>" in page
    assert "6 ≤ value ≤ 720; default <code>24</code>" in page
    assert "length 1..512" in page
    assert "<code>options.notify</code>" in page  # inline objects are expanded
    assert "Example: An Instagram reel" in page
    assert "Example: A TikTok video" in page  # a $ref to components/examples
    assert "  &quot;identifier&quot;: &quot;BqvsDleB3lV&quot;" in page  # pretty JSON


def test_responses(page: str) -> None:
    assert '<span class="status s2">201</span>' in page
    assert '<span class="badge">Unauthorized</span>' in page  # the component name
    assert "<code>WWW-Authenticate</code>" in page
    assert "<code>application/problem+json</code>" in page
    assert "3c90c3cc-0d44-4b50-8888-8dd25736052a" in page  # the media example
    assert "&quot;title&quot;: &quot;Not Found&quot;" in page  # the schema's example
    assert "<code>string | null</code>" in page or "<code>string</code> | <code>null</code>" in page


def test_schemas_section(page: str) -> None:
    for name in DOCUMENT["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    # allOf parts are gathered for display.
    section = page[page.index('id="schema-ValidationProblem"') :]
    assert "<code>errors</code>" in section
    assert "<code>title</code>" in section


def test_renders_the_project_document() -> None:
    path = Path(__file__).resolve().parents[1] / "openapi.yaml"
    if not path.exists():
        pytest.skip("no openapi.yaml in this checkout")
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    page = render_docs(document, openapi_json_url=JSON_URL, openapi_yaml_url=YAML_URL)
    parser = StrictParser()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert set(parser.fragments) <= set(parser.ids)
    for item in document["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict) and "operationId" in operation:
                assert f"operationId <code>{operation['operationId']}</code>" in page
