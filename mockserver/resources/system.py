"""Health, metadata, the caller's identity, and the document itself."""

from __future__ import annotations

from mockserver.context import Call, Handler
from mockserver.responses import Reply


async def get_health(call: Call) -> Reply:
    """200 when the state store answers; its StoreUnavailable is the pipeline's 503."""
    backend = call.services.sessions.backend
    await backend.ping()
    return Reply(200, {"status": "ok", "store": backend.name})


async def get_meta(call: Call) -> Reply:
    services = call.services
    base = services.settings.base_url + services.spec.base_path
    return Reply(
        200,
        {
            "data": {
                "type": "api_meta",
                "api_version": "v2",
                "status": "current",
                "docs_url": f"{base}/docs",
                "openapi_url": f"{base}/openapi.json",
                "whoami_url": f"{base}/whoami",
                "deprecation": None,
                "sunset": None,
            }
        },
    )


async def get_whoami(call: Call) -> Reply:
    assert call.key is not None
    key = call.key
    return Reply(
        200,
        {
            "data": {
                "type": "whoami",
                "organization_id": key.organization.id,
                "organization_name": key.organization.name,
                "api_key_name": key.name,
                "scopes": sorted(key.scopes),
            }
        },
    )


async def get_openapi_json(call: Call) -> Reply:
    return Reply(200, call.services.openapi_json)


async def get_openapi_yaml(call: Call) -> Reply:
    return Reply(200, call.services.spec.text, media_type="application/yaml")


async def get_docs(call: Call) -> Reply:
    return Reply(200, call.services.docs_html, media_type="text/html")


HANDLERS: dict[str, Handler] = {
    "getHealth": get_health,
    "getMeta": get_meta,
    "getWhoami": get_whoami,
    "getOpenApiJson": get_openapi_json,
    "getOpenApiYaml": get_openapi_yaml,
    "getDocs": get_docs,
}
