"""The control plane's way: route -> admin key -> session -> body -> parameters and
schema -> the endpoint. Like the API's pipeline, every stage raises a Problem and this
module alone turns one into a response."""

from __future__ import annotations

import hmac
import logging
import re
from typing import Any

from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from mockserver.conformance import Conformance
from mockserver.context import Services
from mockserver.control.call import ControlCall
from mockserver.control.document import Fitting, build
from mockserver.control.inbound import MISSING, parse_json, read_body, split_query
from mockserver.control.routes import endpoints
from mockserver.inbound import decoded_headers, route
from mockserver.problems import PROBLEM_JSON, FieldError, Problem, problem_body
from mockserver.responses import JSON, Outgoing
from mockserver.spec import Operation
from mockserver.store import STORE_RETRY_AFTER, StoreUnavailable
from mockserver.validation import check_parameters, check_request_body, raise_if_any

logger = logging.getLogger("mockserver")

REALM = 'Bearer realm="mockserver-control"'
_DOCUMENT_OPERATION = "getControlDocument"
_INDEX = re.compile(r"\.([0-9]+)(?=\.|$)")


class ControlPlane:
    """The ASGI app for every HTTP request under ``services.mock.control_path``.

    Everything is built once here: the fitted document, its compiled operations and
    validators, the served JSON.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        control = build(Fitting.of(services))
        self.document = control.document
        self.spec = control.spec
        self._document_json = control.json
        self._endpoints = endpoints(services.spec)
        self._admin_key = services.settings.admin_key.encode()
        self._max_body = services.spec.limits.max_body_bytes
        self._conformance = Conformance(self.spec) if services.settings.validate_responses else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        request_id: str = scope.get("state", {}).get("request_id", "unknown")
        try:
            response = await self._handle(request)
        except Problem as problem:
            response = _problem(problem, scope["path"], request_id)
        except StoreUnavailable as lost:
            logger.warning("%s %s: %s", request.method, scope["path"], lost)
            retry = str(STORE_RETRY_AFTER)
            unavailable = Problem(
                503,
                f"The state store cannot be used: {lost}. Retry after {retry} s.",
                headers={"Retry-After": retry},
            )
            response = _problem(unavailable, scope["path"], request_id)
        except Exception:
            logger.exception("unhandled error in %s %s", request.method, scope["path"])
            internal = Problem(500, "An unexpected error occurred; see the server log.")
            response = _problem(internal, scope["path"], request_id)
        if self._conformance is not None:
            response = self._conform(request, response, request_id)
        await response(scope, receive, send)

    async def _handle(self, request: Request) -> Outgoing:
        path: str = request.scope["path"]
        operation, path_params = route(self.spec, request.method, path, "control endpoint")
        headers = decoded_headers(request.scope)
        if operation.scope is not None:
            self._authenticate(headers.get("authorization"))
        if operation.operation_id == _DOCUMENT_OPERATION:
            return Outgoing(self._document_json, media_type=JSON)
        sessions = self.services.sessions
        session = sessions.name(headers.get(sessions.header))
        call = await self._validated(request, operation, path_params, headers, session)
        reply = await self._endpoints[operation.operation_id](call)
        return Outgoing(reply.encode(), reply.status, reply.headers, media_type=reply.media_type)

    def _authenticate(self, authorization: str | None) -> None:
        if authorization is None:
            raise Problem(
                401,
                "The control plane needs the admin key: Authorization: Bearer <key>"
                " (--admin-key, MOCKSERVER_ADMIN_KEY; default mock-admin).",
                headers={"WWW-Authenticate": REALM},
            )
        scheme, _, key = authorization.strip().partition(" ")
        # compare_digest: how long a wrong key takes to refuse says nothing about it.
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            key.strip().encode("utf-8", "replace"), self._admin_key
        ):
            raise Problem(
                401,
                "The admin key is wrong; the control plane takes the --admin-key value,"
                " not an API key.",
                headers={"WWW-Authenticate": REALM},
            )

    async def _validated(
        self,
        request: Request,
        operation: Operation,
        path_params: dict[str, str],
        headers: dict[str, str],
        session: str,
    ) -> ControlCall:
        """Body, parameters and schema checked: a 413/415/400, or one 422 listing all."""
        body: Any = MISSING
        if operation.body_schema is not None:
            raw = await read_body(request.receive, headers, self._max_body)
            body = parse_json(raw, headers.get("content-type"))
        errors: list[FieldError] = []
        query, deep = split_query(
            request.scope["query_string"].decode("latin-1"), operation, errors
        )
        params = check_parameters(operation, path_params, query, headers, errors)
        for parameter in operation.parameters:
            if parameter.name in deep:
                fields = deep[parameter.name]
                before = len(errors)
                errors += [
                    {"field": _deep_field(parameter.name, e.absolute_path), "message": e.message}
                    for e in parameter.validator.errors(fields)
                ]
                if len(errors) == before:
                    params[parameter.name] = fields
        found: list[FieldError] = []
        body = check_request_body(operation, body, found)
        # Indexes as the fixtures' rules and the faults module write them:
        # videos[3].identifier, errors[0].status.
        errors += [{**e, "field": _INDEX.sub(r"[\1]", e["field"])} for e in found]
        raise_if_any(errors)
        return ControlCall(self.services, session, params, body)

    def _conform(self, request: Request, response: Outgoing, request_id: str) -> Outgoing:
        """With ``--validate-responses``: a response that breaks control.yaml is a 500."""
        assert self._conformance is not None
        headers = {k.decode(): v.decode() for k, v in response.raw_headers()}
        headers["x-request-id"] = request_id
        path: str = request.scope["path"]
        found = self._conformance.check(
            request.method, path, response.status_code, headers, response.body
        )
        if not found:
            return response
        logger.error("control response breaks control.yaml: %s", "; ".join(found))
        detail = "The control plane's response broke its own document: " + "; ".join(found)
        return _problem(Problem(500, detail), path, request_id)


def _deep_field(name: str, path: Any) -> str:
    parts = list(path)
    return f"{name}[{parts[0]}]" if parts else name


def _problem(problem: Problem, path: str, request_id: str) -> Outgoing:
    body = problem_body(problem, path, request_id)
    headers = dict(problem.headers or {})
    return Outgoing(body, problem.status, headers=headers, media_type=PROBLEM_JSON)
