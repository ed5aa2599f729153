"""The hub: an aiohttp application around the sans-I/O protocol (``create_app``)."""

__all__: list[str] = []
