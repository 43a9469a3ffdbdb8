"""A video's id is the UUIDv5 of (organization, platform, external id), formatted fast."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from mockserver.resources.videos import video_id


@pytest.mark.parametrize("organization", [str(uuid.UUID(int=n * 7919 + 1)) for n in range(8)])
@pytest.mark.parametrize("external_id", ["1", "7301234567890123456", "18" * 9, "BqvsDleB3lV"])
@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_same_text_as_the_uuid_module(organization: str, external_id: str, platform: str) -> None:
    namespace = uuid.UUID(organization).bytes
    digest = hashlib.sha1(namespace + f"{platform}:{external_id}".encode()).digest()
    expected = str(uuid.UUID(bytes=digest[:16], version=5))
    assert video_id(organization, platform, external_id) == expected
    assert uuid.UUID(expected).version == 5
