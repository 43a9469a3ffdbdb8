"""Cross-cutting concerns as pure-ASGI middleware."""
