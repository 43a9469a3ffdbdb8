"""Request ids: the same text uuid.UUID(version=4) would give."""

from __future__ import annotations

import random
import re
import uuid

from mockserver.middleware.request_id import RequestIds


def test_new_ids_are_the_uuid4_text_of_the_seeded_bits() -> None:
    ids = RequestIds(pattern=re.compile("x"), seed=7)
    reference = random.Random("request-id:7")
    for _ in range(20_000):
        expected = str(uuid.UUID(int=reference.getrandbits(128), version=4))
        assert ids.new_id() == expected
