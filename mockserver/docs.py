"""A readable, self-contained API reference page rendered from the OpenAPI document.

The mock serves it at ``/v2/docs``. It must work offline (the mock's users are often on a
plane or behind a proxy), so the page is one HTML5 string with inline CSS and no script,
stylesheet, font or image from the network. Rendering happens once, at start.

Every string taken from the document is HTML-escaped; descriptions get a little markdown
(paragraphs, ``-`` lists, inline code and ``**bold**``) applied *after* escaping, so markup in
the document can never reach the page as markup.

``$ref``s are resolved for display but keep their component name: a referenced schema is
shown as a link to its entry in the closing "Schemas" section rather than expanded at every
use, which keeps a response that wraps ``VideoResponse`` one line long.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any, Final

__all__ = ["render_docs"]

_HTTP_METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_DEPTH: Final = 4  # nesting of inline objects expanded in one property table
_SCHEMA_PREFIX: Final = "#/components/schemas/"

_CSS: Final = """
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff;
  --panel: #f6f8fa; --border: #d1d9e0; --accent: #0969da; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1;
  --bg: #0d1117; --panel: #151b23; --border: #3d444d; --accent: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg);
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
.layout { display: grid; grid-template-columns: 270px minmax(0, 1fr); max-width: 1280px;
  margin: 0 auto; }
nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; padding: 1.5rem 1rem;
  border-right: 1px solid var(--border); font-size: 14px; }
nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); margin: 1.2rem 0 .4rem; }
nav ul { list-style: none; margin: 0; padding: 0; } nav li { margin: .15rem 0; }
nav .method { min-width: 3.6em; font-size: 10px; }
main { padding: 2rem 3rem 4rem; max-width: 960px; }
h1 { margin: 0 0 .25rem; font-size: 2rem; } h2 { margin-top: 2.5rem; padding-bottom: .3rem;
  border-bottom: 1px solid var(--border); } h3 { margin: 0; font-size: 1.15rem; }
h4 { margin: 1.4rem 0 .5rem; font-size: .95rem; } h5 { margin: 1rem 0 .4rem; font-size: .9rem; }
.lead { font-size: 1.1rem; color: var(--muted); margin-top: .25rem; }
.muted, .muted a { color: var(--muted); } .small { font-size: 13px; }
.badge { display: inline-block; padding: 0 .45em; border-radius: 999px; font-size: 12px;
  border: 1px solid var(--border); color: var(--muted); vertical-align: middle; }
.required { color: #cf222e; font-size: 12px; font-weight: 600; }
code, pre { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas,
  "Liberation Mono", monospace; font-size: 13px; }
:not(pre) > code { background: var(--panel); padding: .1em .35em; border-radius: 4px; }
pre { background: var(--panel); border: 1px solid var(--border); border-radius: 6px;
  padding: .75rem 1rem; overflow: auto; line-height: 1.45; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: .4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .4rem .6rem;
  border-bottom: 1px solid var(--border); }
th { font-size: 12px; color: var(--muted); font-weight: 600; }
td p { margin: 0 0 .3rem; }
.operation { border: 1px solid var(--border); border-radius: 8px; padding: 1.1rem 1.4rem;
  margin: 1.4rem 0; scroll-margin-top: 1rem; }
.operation > header { display: flex; flex-wrap: wrap; align-items: center; gap: .6rem; }
.method { display: inline-block; min-width: 4.4em; text-align: center; border-radius: 4px;
  color: #fff; font: 700 12px/1.9 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  text-transform: uppercase; }
.get { background: #1f6feb; } .post { background: #1a7f37; } .put { background: #9a6700; }
.patch { background: #8250df; } .delete { background: #cf222e; }
.head, .options, .trace { background: #6e7781; }
.path { font-size: 15px; font-weight: 600; }
.status { font: 700 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.s2 { color: #1a7f37; } .s3 { color: #9a6700; } .s4 { color: #cf222e; } .s5 { color: #8250df; }
.response { border-top: 1px solid var(--border); padding: .6rem 0; }
.response-head { display: flex; gap: .6rem; align-items: baseline; }
.response-head p { margin: 0 0 .3rem; }
details > summary { cursor: pointer; color: var(--muted); font-size: 14px; margin: .4rem 0; }
.schema { scroll-margin-top: 1rem; }
@media (max-width: 820px) { .layout { display: block; } main { padding: 1rem; }
  nav { position: static; height: auto; border-right: 0; border-bottom: 1px solid var(--border); } }
"""


def render_docs(
    document: Mapping[str, Any], *, openapi_json_url: str, openapi_yaml_url: str
) -> str:
    """Render ``document`` as one self-contained HTML5 page.

    ``openapi_json_url`` and ``openapi_yaml_url`` are where the page links to the raw
    document (the server passes its own routes).
    """
    return _Renderer(document, openapi_json_url, openapi_yaml_url).render()


class _Renderer:
    """Holds the document and the anchors handed out while one page is rendered."""

    def __init__(self, document: Mapping[str, Any], json_url: str, yaml_url: str) -> None:
        self.document = document
        self.json_url = json_url
        self.yaml_url = yaml_url
        self.components: Mapping[str, Any] = document.get("components") or {}
        self.schemas: Mapping[str, Any] = self.components.get("schemas") or {}
        self.operations = list(_operations(document))
        self.anchors = _anchors(self.operations)
        self.groups = self._groups()

    def render(self) -> str:
        info: Mapping[str, Any] = self.document.get("info") or {}
        title = _e(info.get("title", "API reference"))
        version = _e(info.get("version", ""))
        parts = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title} {version}</title>",
            f"<style>{_CSS}</style>",
            "</head>",
            "<body>",
            '<div class="layout">',
            self._sidebar(),
            "<main>",
            self._overview(info),
            self._servers(),
            self._security(),
            *(self._tag(name, description, ops) for name, description, ops in self.groups),
            self._schemas(),
            self._footer(),
            "</main>",
            "</div>",
            "</body>",
            "</html>",
        ]
        return _lines(parts) + "\n"

    # -- page sections ------------------------------------------------------------------

    def _sidebar(self) -> str:
        rows = ['<nav aria-label="Contents">', '<ul><li><a href="#overview">Overview</a></li>']
        if self.document.get("servers"):
            rows.append('<li><a href="#servers">Servers</a></li>')
        if self.components.get("securitySchemes"):
            rows.append('<li><a href="#authentication">Authentication</a></li>')
        rows.append("</ul>")
        for name, _, operations in self.groups:
            rows.append(f'<h2><a href="#{_tag_anchor(name)}">{_e(name)}</a></h2><ul>')
            for operation in operations:
                label = operation.summary or operation.path
                rows.append(
                    f'<li><a href="#{self.anchors[operation.key]}">'
                    f"{_method(operation.method)} {_e(label)}</a></li>"
                )
            rows.append("</ul>")
        if self.schemas:
            rows.append('<h2><a href="#schemas">Schemas</a></h2><ul>')
            rows += [f'<li><a href="#{_schema_anchor(n)}">{_e(n)}</a></li>' for n in self.schemas]
            rows.append("</ul>")
        rows.append("</nav>")
        return _lines(rows)

    def _overview(self, info: Mapping[str, Any]) -> str:
        rows = [
            '<header id="overview">',
            f"<h1>{_e(info.get('title', 'API reference'))}</h1>",
            f'<p><span class="badge">version {_e(info.get("version", "?"))}</span> '
            f'<span class="badge">OpenAPI {_e(self.document.get("openapi", "?"))}</span></p>',
        ]
        if info.get("summary"):
            rows.append(f'<p class="lead">{_e(info["summary"])}</p>')
        rows.append(_prose(info.get("description")))
        rows.append(
            f'<p class="small">Raw document: <a href="{_e(self.json_url)}">JSON</a> · '
            f'<a href="{_e(self.yaml_url)}">YAML</a></p>'
        )
        rows.append("</header>")
        return _lines(rows)

    def _servers(self) -> str:
        servers: Sequence[Mapping[str, Any]] = self.document.get("servers") or ()
        if not servers:
            return ""
        rows = ['<section id="servers"><h2>Servers</h2><table>']
        rows.append("<tr><th>URL</th><th>Description</th></tr>")
        for server in servers:
            rows.append(
                f"<tr><td><code>{_e(server.get('url', ''))}</code></td>"
                f"<td>{_prose(server.get('description'))}</td></tr>"
            )
        rows.append("</table></section>")
        return _lines(rows)

    def _security(self) -> str:
        schemes: Mapping[str, Any] = self.components.get("securitySchemes") or {}
        if not schemes:
            return ""
        rows = ['<section id="authentication"><h2>Authentication</h2>']
        for name, raw in schemes.items():
            scheme = self._resolve(raw)
            kind = scheme.get("type", "")
            if kind == "http":
                kind = f"HTTP {scheme.get('scheme', '')}"
                if str(scheme.get("scheme", "")).lower() == "bearer":
                    kind += ": send <code>Authorization: Bearer &lt;key&gt;</code>"
                    if scheme.get("bearerFormat"):
                        kind += f" ({_e(scheme['bearerFormat'])})"
            elif kind == "apiKey":
                kind = (
                    f"API key in {_e(scheme.get('in', ''))} <code>{_e(scheme.get('name'))}</code>"
                )
            else:
                kind = _e(kind)
            rows.append(f"<h4><code>{_e(name)}</code></h4><p>{kind}</p>")
            rows.append(_prose(scheme.get("description")))
        default = self.document.get("security")
        if default is not None:
            rows.append(f"<p>Unless an operation says otherwise: {_requirement(default)}.</p>")
        rows.append("</section>")
        return _lines(rows)

    def _groups(self) -> list[tuple[str, Any, list[_Operation]]]:
        """Operations by their first tag: declared tags in order, then undeclared, then none."""
        declared = {str(tag.get("name")): tag for tag in self.document.get("tags") or ()}
        order = list(declared)
        for operation in self.operations:
            if operation.tag not in order:
                order.append(operation.tag)
        groups = []
        for name in order:
            members = [op for op in self.operations if op.tag == name]
            if members:
                groups.append((name, declared.get(name, {}).get("description"), members))
        return groups

    def _tag(self, name: str, description: Any, operations: list[_Operation]) -> str:
        rows = [f'<section id="{_tag_anchor(name)}"><h2>{_e(name)}</h2>', _prose(description)]
        rows += [self._operation(operation) for operation in operations]
        rows.append("</section>")
        return _lines(rows)

    def _operation(self, operation: _Operation) -> str:
        raw = operation.raw
        rows = [
            f'<article class="operation" id="{self.anchors[operation.key]}">',
            f'<header>{_method(operation.method)}<code class="path">{_e(operation.path)}</code>',
        ]
        if raw.get("deprecated"):
            rows.append('<span class="badge">deprecated</span>')
        rows.append("</header>")
        if operation.summary:
            rows.append(f"<h3>{_e(operation.summary)}</h3>")
        if operation.operation_id:
            rows.append(
                f'<p class="small muted">operationId <code>{_e(operation.operation_id)}</code></p>'
            )
        rows.append(_prose(raw.get("description")))
        security = raw.get("security", self.document.get("security"))
        if security is not None:
            rows.append(f'<p class="small">Authentication: {_requirement(security)}</p>')
        rows.append(self._parameters(operation))
        rows.append(self._request_body(raw.get("requestBody")))
        rows.append(self._responses(raw.get("responses") or {}))
        rows.append("</article>")
        return _lines(rows)

    def _parameters(self, operation: _Operation) -> str:
        # Operation-level parameters override path-level ones with the same name and place.
        merged: dict[tuple[str, str], Mapping[str, Any]] = {}
        for raw in [*operation.shared_parameters, *operation.raw.get("parameters", ())]:
            parameter = self._resolve(raw)
            merged[(str(parameter.get("name")), str(parameter.get("in")))] = parameter
        if not merged:
            return ""
        rows = ["<h4>Parameters</h4><table>"]
        rows.append(
            "<tr><th>Name</th><th>In</th><th>Required</th><th>Schema</th><th>Description</th></tr>"
        )
        for (name, place), parameter in merged.items():
            schema = parameter.get("schema") or {}
            rows.append(
                f"<tr><td><code>{_e(name)}</code></td><td>{_e(place)}</td>"
                f"<td>{_required(bool(parameter.get('required')))}</td>"
                f"<td>{self._type(schema)}{self._rules(schema)}</td>"
                f"<td>{_prose(parameter.get('description'))}"
                f"{self._examples(parameter, schema, 'application/json')}</td></tr>"
            )
        rows.append("</table>")
        return _lines(rows)

    def _request_body(self, raw: Any) -> str:
        if not raw:
            return ""
        body = self._resolve(raw)
        required = " " + _required(True) if body.get("required") else ""
        rows = [f"<h4>Request body{required}</h4>", _prose(body.get("description"))]
        for media_type, media in (body.get("content") or {}).items():
            schema = media.get("schema") or {}
            rows.append(f"<h5><code>{_e(media_type)}</code> {self._type(schema)}</h5>")
            rows.append(self._schema_view(schema))
            rows.append(self._examples(media, schema, media_type))
        return _lines(rows)

    def _responses(self, responses: Mapping[Any, Any]) -> str:
        if not responses:
            return ""
        rows = ["<h4>Responses</h4>"]
        for status, raw in responses.items():
            response = self._resolve(raw)
            code = str(status)
            name = _component_name(raw, "#/components/responses/")
            label = f' <span class="badge">{_e(name)}</span>' if name else ""
            rows.append(
                f'<div class="response"><div class="response-head">'
                f'<span class="status s{_e(code[:1])}">{_e(code)}</span>{label}'
                f"<div>{_prose(response.get('description'))}</div></div>"
            )
            rows.append(self._headers(response.get("headers") or {}))
            for media_type, media in (response.get("content") or {}).items():
                schema = media.get("schema") or {}
                rows.append(f"<h5><code>{_e(media_type)}</code> {self._type(schema)}</h5>")
                rows.append(self._examples(media, schema, media_type))
                view = self._schema_view(schema)
                if view:
                    rows.append(f"<details><summary>Schema</summary>{view}</details>")
            links: Mapping[str, Any] = response.get("links") or {}
            if links:
                rows.append(self._links(links))
            rows.append("</div>")
        return _lines(rows)

    def _headers(self, headers: Mapping[str, Any]) -> str:
        if not headers:
            return ""
        # Collapsed: the same few headers recur on every response; the names stay visible.
        names = ", ".join(f"<code>{_e(name)}</code>" for name in headers)
        rows = [f"<details><summary>Headers: {names}</summary>"]
        rows.append('<table class="small"><tr><th>Header</th><th>Required</th><th>Schema</th>')
        rows.append("<th>Description</th></tr>")
        for name, raw in headers.items():
            header = self._resolve(raw)
            schema = header.get("schema") or {}
            rows.append(
                f"<tr><td><code>{_e(name)}</code></td>"
                f"<td>{_required(bool(header.get('required')))}</td>"
                f"<td>{self._type(schema)}{self._rules(schema)}</td>"
                f"<td>{_prose(header.get('description'))}</td></tr>"
            )
        rows.append("</table></details>")
        return _lines(rows)

    def _links(self, links: Mapping[str, Any]) -> str:
        items = []
        for name, raw in links.items():
            link = self._resolve(raw)
            target = link.get("operationId")
            anchor = next(
                (self.anchors[op.key] for op in self.operations if op.operation_id == target), None
            )
            shown = f'<a href="#{anchor}">{_e(target)}</a>' if anchor else _e(target or "")
            parameters = ", ".join(
                f"<code>{_e(k)}</code> = <code>{_e(v)}</code>"
                for k, v in (link.get("parameters") or {}).items()
            )
            items.append(f"<li><code>{_e(name)}</code> → {shown} {parameters}</li>")
        return f'<p class="small">Links:</p><ul class="small">{"".join(items)}</ul>'

    def _schemas(self) -> str:
        if not self.schemas:
            return ""
        rows = ['<section id="schemas"><h2>Schemas</h2>']
        for name, schema in self.schemas.items():
            rows.append(
                f'<div class="schema" id="{_schema_anchor(name)}"><h4><code>{_e(name)}</code> '
                f"{self._type(schema, link=False)}</h4>"
            )
            rows.append(_prose(self._resolve(schema).get("description")))
            rows.append(self._rules(schema))
            rows.append(self._schema_view(schema))
            rows.append(self._examples({}, schema, "application/json"))
            rows.append("</div>")
        rows.append("</section>")
        return _lines(rows)

    def _footer(self) -> str:
        return (
            '<footer class="small muted"><p>Rendered from the OpenAPI document: '
            f'<a href="{_e(self.json_url)}">JSON</a> · <a href="{_e(self.yaml_url)}">YAML</a>.'
            "</p></footer>"
        )

    # -- schemas ------------------------------------------------------------------------

    def _resolve(self, node: Any) -> Mapping[str, Any]:
        """Follow a chain of local ``$ref``s; an unresolvable one renders as an empty node."""
        seen: set[str] = set()
        while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen or not ref.startswith("#/"):
                return {}
            seen.add(ref)
            target: Any = self.document
            for token in ref[2:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                target = target.get(token) if isinstance(target, Mapping) else None
            node = target
        return node if isinstance(node, Mapping) else {}

    def _flatten(self, schema: Any, _seen: frozenset[int] = frozenset()) -> Mapping[str, Any]:
        """The schema as displayed: refs followed, `allOf` parts' properties gathered."""
        resolved = self._resolve(schema)
        parts = resolved.get("allOf")
        if not isinstance(parts, list) or id(resolved) in _seen:
            return resolved
        seen = _seen | {id(resolved)}
        merged: dict[str, Any] = {k: v for k, v in resolved.items() if k != "allOf"}
        properties: dict[str, Any] = {}
        required: list[str] = []
        # The parts first, then the schema's own keywords: the order a reader expects.
        for flat in [*(self._flatten(part, seen) for part in parts), resolved]:
            for key, value in flat.items():
                if key == "properties":
                    properties.update(value)
                elif key == "required":
                    required += [name for name in value if name not in required]
                elif key not in merged and key not in ("if", "then", "else", "allOf"):
                    merged[key] = value
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = required
        return merged

    def _type(self, schema: Any, *, link: bool = True) -> str:
        """A short type label (markup): ``string (uuid) | null``, ``array of Video``..."""
        if not isinstance(schema, Mapping):
            return "<code>any</code>" if schema is True else "<code>never</code>"
        name = _component_name(schema, _SCHEMA_PREFIX)
        if name and link:
            return f'<a href="#{_schema_anchor(name)}"><code>{_e(name)}</code></a>'
        flat = self._flatten(schema)
        for keyword in ("anyOf", "oneOf"):
            if isinstance(flat.get(keyword), list):
                return " | ".join(self._type(branch) for branch in flat[keyword])
        if "const" in flat:
            return f"<code>{_e(json.dumps(flat['const'], ensure_ascii=False))}</code>"
        kinds = flat.get("type")
        labels = []
        for kind in [kinds] if isinstance(kinds, str) else list(kinds or ["any"]):
            if kind == "array":
                labels.append(f"array of {self._type(flat.get('items', True))}")
            elif kind == "object" and isinstance(flat.get("additionalProperties"), Mapping):
                labels.append(f"map of {self._type(flat['additionalProperties'])}")
            elif flat.get("format") and kind != "null":
                labels.append(f"<code>{_e(kind)} ({_e(flat['format'])})</code>")
            else:
                labels.append(f"<code>{_e(kind)}</code>")
        return " | ".join(labels)

    def _rules(self, schema: Any) -> str:
        """Constraints of a schema as a short list (markup), or ``""``."""
        if not isinstance(schema, Mapping):
            return ""
        rules = list(_constraints(self._flatten(schema)))
        return f'<div class="small muted">{"; ".join(rules)}</div>' if rules else ""

    def _schema_view(self, schema: Any) -> str:
        """A property table for object schemas; nested inline objects are expanded."""
        rows = list(self._property_rows(self._flatten(schema), "", 0))
        if not rows:
            return ""
        head = (
            "<table><tr><th>Field</th><th>Type</th><th>Required</th>"
            "<th>Rules</th><th>Description</th></tr>"
        )
        return head + "".join(rows) + "</table>"

    def _property_rows(self, schema: Mapping[str, Any], prefix: str, depth: int) -> Iterator[str]:
        required = schema.get("required") or ()
        properties: Mapping[str, Any] = schema.get("properties") or {}
        for name, sub in properties.items():
            path = f"{prefix}{name}"
            flat = self._flatten(sub) if isinstance(sub, Mapping) else {}
            rules = "; ".join(_constraints(flat))
            yield (
                f"<tr><td><code>{_e(path)}</code></td><td>{self._type(sub)}</td>"
                f'<td>{_required(name in required)}</td><td class="small">{rules}</td>'
                f"<td>{_prose(flat.get('description'))}</td></tr>"
            )
            # Inline objects (and arrays of them) are expanded; named components are linked.
            if depth >= _MAX_DEPTH or _component_name(sub, _SCHEMA_PREFIX):
                continue
            if flat.get("properties"):
                yield from self._property_rows(flat, f"{path}.", depth + 1)
            items = flat.get("items")
            if isinstance(items, Mapping) and not _component_name(items, _SCHEMA_PREFIX):
                item_schema = self._flatten(items)
                if item_schema.get("properties"):
                    yield from self._property_rows(item_schema, f"{path}[].", depth + 1)

    def _examples(self, media: Mapping[str, Any], schema: Any, media_type: str) -> str:
        """The media's (or parameter's) examples, else the schema's; nothing when neither."""
        found: list[tuple[str, Any]] = []
        if "example" in media:
            found.append(("", media["example"]))
        for name, raw in (media.get("examples") or {}).items():
            example = self._resolve(raw)
            if "value" in example:
                title = example.get("summary") or name
                found.append((str(title), example["value"]))
        if not found and isinstance(schema, Mapping):
            flat = self._flatten(schema)
            if isinstance(flat.get("examples"), list):
                found += [("", value) for value in flat["examples"]]
            elif "example" in flat:
                found.append(("", flat["example"]))
        blocks = []
        for title, value in found:
            caption = f'<p class="small muted">Example: {_e(title)}</p>' if title else ""
            blocks.append(f"{caption}<pre><code>{_e(_pretty(value, media_type))}</code></pre>")
        return "".join(blocks)


@dataclass(frozen=True, slots=True)
class _Operation:
    """One method on one path, in document order."""

    path: str
    method: str
    raw: Mapping[str, Any]
    shared_parameters: Sequence[Any]  # the path item's, which every method inherits

    @property
    def key(self) -> tuple[str, str]:
        return (self.path, self.method)

    @property
    def operation_id(self) -> str | None:
        value = self.raw.get("operationId")
        return None if value is None else str(value)

    @property
    def summary(self) -> str:
        return str(self.raw.get("summary") or "")

    @property
    def tag(self) -> str:
        # An operation is listed once, under its first tag, so its anchor stays unique.
        tags = self.raw.get("tags") or ()
        return str(tags[0]) if tags else "Other"


def _operations(document: Mapping[str, Any]) -> Iterator[_Operation]:
    for path, item in (document.get("paths") or {}).items():
        if not isinstance(item, Mapping):
            continue
        for method, raw in item.items():
            if method in _HTTP_METHODS and isinstance(raw, Mapping):
                yield _Operation(str(path), method, raw, item.get("parameters") or ())


def _anchors(operations: Sequence[_Operation]) -> dict[tuple[str, str], str]:
    """A unique, attribute-safe id per operation, from its operationId when it has one."""
    anchors: dict[tuple[str, str], str] = {}
    used: set[str] = set()
    for operation in operations:
        base = "op-" + _slug(operation.operation_id or f"{operation.method}-{operation.path}")
        anchor, counter = base, 2
        while anchor in used:
            anchor, counter = f"{base}-{counter}", counter + 1
        used.add(anchor)
        anchors[operation.key] = anchor
    return anchors


# -- small renderers ----------------------------------------------------------------------


def _lines(parts: Sequence[str]) -> str:
    """Join markup fragments one per line, skipping the empty ones of absent sections."""
    return "\n".join(part for part in parts if part)


def _e(value: Any) -> str:
    """Escape any document value for HTML text or a quoted attribute."""
    return escape(str(value), quote=True)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-") or "x"


def _tag_anchor(name: str) -> str:
    return "tag-" + _slug(name)


def _schema_anchor(name: str) -> str:
    return "schema-" + _slug(name)


def _method(method: str) -> str:
    return f'<span class="method {_e(method)}">{_e(method.upper())}</span>'


def _required(required: bool) -> str:
    return '<span class="required">required</span>' if required else ""


def _component_name(node: Any, prefix: str) -> str | None:
    if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref: str = node["$ref"]
        if ref.startswith(prefix):
            return ref[len(prefix) :].replace("~1", "/").replace("~0", "~")
    return None


def _requirement(security: Any) -> str:
    """Markup for a security requirement list: who may call, with which scopes."""
    if not security:
        return "none: no key needed"
    alternatives = []
    for requirement in security:
        if not requirement:
            alternatives.append("none (optional)")
            continue
        names = []
        for name, scopes in requirement.items():
            scope_text = ", ".join(f"<code>{_e(s)}</code>" for s in scopes or ())
            names.append(
                f"<code>{_e(name)}</code>" + (f" with scope {scope_text}" if scopes else "")
            )
        alternatives.append(" and ".join(names))
    return " or ".join(alternatives)


def _constraints(schema: Mapping[str, Any]) -> Iterator[str]:
    """Human-readable rules of one (flattened) schema, each as markup."""

    def code(value: Any) -> str:
        return f"<code>{_e(json.dumps(value, ensure_ascii=False))}</code>"

    low, high = schema.get("minimum"), schema.get("maximum")
    exclusive_low, exclusive_high = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if (
        low is not None
        or high is not None
        or exclusive_low is not None
        or exclusive_high is not None
    ):
        left = (
            f"{_e(exclusive_low)} &lt; "
            if _number(exclusive_low)
            else (f"{_e(low)} ≤ " if low is not None else "")
        )
        right = (
            f" &lt; {_e(exclusive_high)}"
            if _number(exclusive_high)
            else (f" ≤ {_e(high)}" if high is not None else "")
        )
        yield f"{left}value{right}"
    for label, lower, upper in (
        ("length", "minLength", "maxLength"),
        ("items", "minItems", "maxItems"),
        ("properties", "minProperties", "maxProperties"),
    ):
        if lower in schema or upper in schema:
            yield f"{label} {_e(schema.get(lower, 0))}..{_e(schema.get(upper, '∞'))}"
    if "multipleOf" in schema:
        yield f"multiple of {_e(schema['multipleOf'])}"
    if schema.get("uniqueItems"):
        yield "unique items"
    if "pattern" in schema:
        yield f"pattern <code>{_e(schema['pattern'])}</code>"
    if isinstance(schema.get("enum"), list):
        yield "one of " + ", ".join(code(member) for member in schema["enum"])
    if "default" in schema:
        yield f"default {code(schema['default'])}"
    if schema.get("additionalProperties") is False:
        yield "no other fields"
    for flag in ("readOnly", "writeOnly", "deprecated"):
        if schema.get(flag):
            yield _e(flag)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _pretty(value: Any, media_type: str) -> str:
    if isinstance(value, str) and "json" not in media_type:
        return value  # a YAML or HTML example is already text
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def _prose(text: Any) -> str:
    """Markdown-ish text as escaped HTML: paragraphs, ``-`` lists, `code` and **bold**."""
    if not text:
        return ""
    blocks = re.split(r"\n\s*\n", str(text).strip())
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if all(line.startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "".join(html)


def _inline(text: str) -> str:
    # Escape first: the substitutions below only add our own tags around escaped text.
    escaped = _e(text)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)
