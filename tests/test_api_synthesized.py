"""An operation of the document with no hand-written behaviour is still served."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from starlette.testclient import TestClient

from mockserver.app import create_app
from mockserver.conformance import Conformance
from mockserver.errors import StartupError
from mockserver.settings import Settings, default_spec_path

ACCOUNTS = {
    "get": {
        "operationId": "listAccounts",
        "summary": "Tracked accounts",
        "parameters": [
            {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
            },
        ],
        "responses": {
            "200": {
                "description": "Accounts.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["data"],
                            "properties": {
                                "data": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["id", "type", "platform", "added_at"],
                                        "properties": {
                                            "id": {"type": "string", "format": "uuid"},
                                            "type": {"const": "account"},
                                            "platform": {"$ref": "#/components/schemas/Platform"},
                                            "added_at": {"type": "string", "format": "date-time"},
                                        },
                                    },
                                }
                            },
                        }
                    }
                },
            },
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "422": {"$ref": "#/components/responses/ValidationError"},
        },
    }
}


def _spec_with(tmp_path: Path, path: str, item: dict[str, object]) -> Path:
    document = yaml.safe_load(default_spec_path().read_text())
    document["paths"][path] = item
    target = tmp_path / "openapi.yaml"
    target.write_text(yaml.safe_dump(document, sort_keys=False))
    return target


def test_unhandled_operation_answers_from_its_schema(tmp_path: Path) -> None:
    spec = _spec_with(tmp_path, "/accounts", ACCOUNTS)
    app = create_app(Settings(spec=spec))
    client = TestClient(app)
    conformance = Conformance(app.state.services.spec)
    headers = {"Authorization": "Bearer ca_test_full"}
    response = client.get("/v2/accounts", headers=headers)
    assert response.status_code == 200
    assert not conformance.check("GET", "/v2/accounts", 200, response.headers, response.content)
    assert response.json()["data"][0]["type"] == "account"
    # Deterministic, and still behind the same rules as every operation.
    assert client.get("/v2/accounts", headers=headers).content == response.content
    assert client.get("/v2/accounts").status_code == 401
    assert client.get("/v2/accounts?limit=0", headers=headers).status_code == 422


def test_unsynthesizable_operation_is_a_startup_error(tmp_path: Path) -> None:
    item = yaml.safe_load(yaml.safe_dump(ACCOUNTS))
    schema = item["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    schema["properties"]["data"] = {"type": "string", "pattern": "^[a-z]+$"}
    spec = _spec_with(tmp_path, "/accounts", item)
    with pytest.raises(StartupError) as caught:
        create_app(Settings(spec=spec))
    assert str(spec) in caught.value.render()
    assert "pattern" in caught.value.render()
