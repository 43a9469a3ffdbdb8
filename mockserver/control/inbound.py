"""Reading a control request: its body as the API reads one (413, 415, 400; from
:mod:`mockserver.inbound`), and its query (unknown names, repeats and ``deepObject``
fields such as ``body[identifier]=...``)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from mockserver.inbound import MISSING, parse_json, read_body
from mockserver.problems import FieldError
from mockserver.spec import Operation

__all__ = ["MISSING", "parse_json", "read_body", "split_query"]

_DEEP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\[([^\[\]]*)\]")


def split_query(
    query_string: str, operation: Operation, errors: list[FieldError]
) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """Plain query parameters by name, and ``deepObject`` ones as {name: {field: value}}.

    An unknown name, or a single-valued parameter given twice, goes to ``errors``: a
    filter with a typo must not silently match everything.
    """
    declared = {p.name: p for p in operation.parameters if p.location == "query"}
    # Every object-typed query parameter of control.yaml is a deepObject.
    deep = {name for name, p in declared.items() if p.schema.get("type") == "object"}
    plain: dict[str, list[str]] = {}
    fields: dict[str, dict[str, str]] = {}
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        found = _DEEP_KEY.fullmatch(name)
        if found is not None and found[1] in deep:
            group = fields.setdefault(found[1], {})
            if found[2] in group:
                errors.append({"field": name, "message": "is given more than once"})
            group[found[2]] = value
        elif name in deep:
            errors.append({"field": name, "message": f"takes fields: {name}[FIELD]=VALUE"})
        elif name in declared:
            plain.setdefault(name, []).append(value)
        else:
            known = ", ".join(f"{n}[FIELD]" if n in deep else n for n in declared) or "none"
            errors.append({"field": name, "message": f"unknown query parameter; known: {known}"})
    for name, values in plain.items():
        if len(values) > 1:
            errors.append({"field": name, "message": "is given more than once"})
    return plain, fields
