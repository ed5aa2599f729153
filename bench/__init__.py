"""Benchmarks: `python -m bench` (see bench/cli.py). Figures are reported beside baselines.

Modules: `cli` runs the groups and writes the results; `report` the headline and table;
`common` the shared constants and the machine's state; `components` in-process costs;
`baselines` the raw-Redis floor; `jetstream` the NATS peer; `net` hub processes; `e2e`
end-to-end scenarios with real clients (`worker`, `idle` are their processes); `probes`
CPU, RSS, pinning and profiles; `hubload/` the hub on its own; `client_floor` the client
beside its primitives; `osce` the 57-party network; `trace` the per-hop FLASH trace.
"""

__all__: list[str] = []
