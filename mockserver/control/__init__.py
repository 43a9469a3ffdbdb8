"""The control plane: the mock's own endpoints under ``/__mock`` (journal, faults, clock,
reset, datasets, sessions), described by ``control.yaml`` and guarded by the admin key.

``ControlPlane(services)`` is a plain ASGI app; the server routes every HTTP request
whose path starts with ``services.mock.control_path`` to it.
"""

from mockserver.control.plane import ControlPlane

__all__ = ["ControlPlane"]
