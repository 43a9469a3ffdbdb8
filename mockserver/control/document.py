"""The control plane's own OpenAPI document: loaded once, fitted to this server, compiled.

``control.yaml`` documents the bundled server. A few of its values come from elsewhere
at run time (the session header and its pattern, the control path, the API's operation
ids, the keys file's organizations, the request-id pattern); :func:`build` writes this
server's values in, so the document it serves and the one it validates against are
the one it actually follows.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import orjson

from mockserver.context import Services
from mockserver.spec import Spec, parse_yaml

DOCUMENT_PATH = Path(__file__).resolve().parent.parent / "control.yaml"


@dataclass(frozen=True, slots=True)
class Fitting:
    """The values of one server that the control document carries."""

    server_url: str
    session_header: str
    session_pattern: str
    operation_ids: tuple[str, ...]
    organizations: tuple[str, ...]
    request_id_pattern: str
    api_limits: bytes  # the API document's x-api-limits, as JSON

    @classmethod
    def of(cls, services: Services) -> Fitting:
        mock = services.mock
        return cls(
            server_url=services.settings.base_url + mock.control_path,
            session_header=mock.session_header,
            session_pattern=mock.session_pattern.pattern,
            operation_ids=tuple(sorted(services.spec.operations)),
            organizations=tuple(sorted(services.keyring.organizations)),
            request_id_pattern=services.spec.limits.request_id_pattern.pattern,
            api_limits=orjson.dumps(services.spec.document["x-api-limits"]),
        )


@dataclass(frozen=True, slots=True)
class ControlDocument:
    """The fitted document, its JSON, and its compiled operations."""

    document: dict[str, Any]
    json: bytes
    spec: Spec


@cache
def load_document(path: Path = DOCUMENT_PATH) -> dict[str, Any]:
    """``control.yaml`` as parsed, once per process (callers copy before changing it)."""
    document: dict[str, Any] = parse_yaml(path.read_text(encoding="utf-8"))
    return document


# Compiling costs ~0.2 s (every schema is checked against the meta-schema); apps built
# on the same values (the test suite builds one per test) share the result.
@lru_cache(maxsize=8)
def build(fitting: Fitting) -> ControlDocument:
    """The control document fitted to ``fitting``, compiled by the code that compiles
    the API's document."""
    document = fitted(load_document(), fitting)
    # Spec reads its body-size limit and request-id pattern from x-api-limits: the
    # control plane keeps the API's (1 MiB bodies), so it borrows the API's block.
    limits = orjson.loads(fitting.api_limits)
    # Bundled, and validated (schemas included) by the test suite: no meta-checks at start.
    spec = Spec(DOCUMENT_PATH, "", {**document, "x-api-limits": limits}, check_schemas=False)
    return ControlDocument(document, orjson.dumps(document), spec)


def fitted(document: dict[str, Any], fitting: Fitting) -> dict[str, Any]:
    """A copy of ``document`` carrying one server's names, paths and patterns."""
    fitted = copy.deepcopy(document)
    fitted["servers"] = [{"url": fitting.server_url, "description": "this mockserver"}]
    components = fitted["components"]
    schemas, parameters = components["schemas"], components["parameters"]
    schemas["SessionName"]["pattern"] = fitting.session_pattern
    parameters["Session"]["name"] = fitting.session_header
    parameters["Operation"]["schema"]["enum"] = list(fitting.operation_ids)
    schemas["VideoSeed"]["properties"]["organization"]["enum"] = list(fitting.organizations)
    parameters["RequestId"]["schema"]["pattern"] = fitting.request_id_pattern
    components["headers"]["X-Request-ID"]["schema"]["pattern"] = fitting.request_id_pattern
    return fitted
