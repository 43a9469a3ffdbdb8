"""mockserver: a spec-driven, stateful mock of the CreatorAudit v2 API.

The public face is small: build an ASGI app with :func:`create_app` from a
:class:`Settings`, or run ``mockserver serve`` from the command line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mockserver.app import create_app
    from mockserver.settings import Settings

__version__ = "0.1.0"
__all__ = ["Settings", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    # Imported on first use: the pytest plugin (an entry point every pytest run of a
    # project with mockserver installed loads) must not pay ~0.8 s for the whole app.
    if name == "create_app":
        from mockserver.app import create_app

        return create_app
    if name == "Settings":
        from mockserver.settings import Settings

        return Settings
    raise AttributeError(f"module 'mockserver' has no attribute {name!r}")
