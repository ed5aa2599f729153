"""The hub's REST handlers, one module per resource; ``server.app`` wires them."""

__all__: list[str] = []
