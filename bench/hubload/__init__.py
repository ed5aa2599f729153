"""The hub on its own: pre-signed envelopes replayed, receivers that ack without opening.

`wire` speaks the hub's websocket protocol (the one module to change when the protocol's
connection objects land), `envelopes` prepares the load, `loadgen` is the load process,
`floor` measures the unavoidable work in-process, `scenario` runs it all pinned.
"""

__all__: list[str] = []
