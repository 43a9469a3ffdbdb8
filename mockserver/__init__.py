"""mockserver: a spec-driven, stateful mock of the CreatorAudit v2 API.

The public face is small: build an ASGI app with :func:`create_app` from a
:class:`Settings`, or run ``mockserver serve`` from the command line.
"""

from mockserver.app import create_app
from mockserver.settings import Settings

__version__ = "0.1.0"
__all__ = ["Settings", "__version__", "create_app"]
