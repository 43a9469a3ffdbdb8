"""Shared, read-only fixtures of the unit tests: the bundled document and keys, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.keys import KeyRing, load_keys
from mockserver.settings import default_fixtures_path, default_spec_path
from mockserver.spec import Limits, Spec, load_spec


@pytest.fixture(scope="session")
def bundled_keys_path() -> Path:
    return default_fixtures_path() / "keys.yaml"


@pytest.fixture(scope="session")
def keyring(bundled_keys_path: Path) -> KeyRing:
    return load_keys(bundled_keys_path)


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec(default_spec_path())


@pytest.fixture(scope="session")
def limits(spec: Spec) -> Limits:
    return spec.limits
