"""Content negotiation: may we answer this ``Accept`` at all (else 406)?"""

from __future__ import annotations

from functools import lru_cache

# Problem details are always acceptable: an error must be able to leave.
_ALWAYS = "application/problem+json"


@lru_cache(maxsize=512)
def _ranges(accept: str) -> tuple[tuple[str, str], ...]:
    """The media ranges of an Accept header with q > 0, lower-cased."""
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0  # an unreadable weight is no promise to accept
        main, _, sub = media.lower().partition("/")
        if quality > 0:
            ranges.append((main, sub or "*"))
    return tuple(ranges)


def acceptable(accept: str | None, offered: frozenset[str]) -> bool:
    """True when no Accept is sent, or one of its ranges covers an offered type."""
    if not accept or accept == "*/*":
        return True
    for main, sub in _ranges(accept):
        for media in (*offered, _ALWAYS):
            offer_main, _, offer_sub = media.partition("/")
            if main == "*" or (main == offer_main and sub in ("*", offer_sub)):
                return True
    return False
