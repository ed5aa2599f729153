"""Prometheus metrics in the text exposition format, with no extra dependency."""

from __future__ import annotations

import bisect
from collections import defaultdict

__all__ = ["Metrics"]

_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Counters, gauges and one latency histogram; rendered by ``render()``."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, tuple[tuple[str, str], ...]], float] = defaultdict(float)
        self.gauges: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        self.hist = [0] * (len(_BUCKETS) + 1)
        self.hist_sum = 0.0
        self.hist_count = 0

    def inc(self, name: str, n: float = 1, **labels: str) -> None:
        self.counters[(name, tuple(sorted(labels.items())))] += n

    def set(self, name: str, value: float, **labels: str) -> None:
        self.gauges[(name, tuple(sorted(labels.items())))] = value

    def observe_latency(self, seconds: float) -> None:
        self.hist[bisect.bisect_left(_BUCKETS, seconds)] += 1
        self.hist_sum += seconds
        self.hist_count += 1

    def get(self, name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return self.counters.get(key, self.gauges.get(key, 0.0))

    def render(self) -> str:
        lines: list[str] = []
        for kind, table in (("counter", self.counters), ("gauge", self.gauges)):
            seen: set[str] = set()
            for (name, labels), value in sorted(table.items()):
                if name not in seen:
                    lines.append(f"# TYPE {name} {kind}")
                    seen.add(name)
                lab = ",".join(f'{k}="{v}"' for k, v in labels)
                lines.append(f"{name}{{{lab}}} {value:g}" if lab else f"{name} {value:g}")
        name = "hotline_delivery_latency_seconds"
        lines.append(f"# TYPE {name} histogram")
        acc = 0
        for bound, n in zip((*_BUCKETS, float("inf")), self.hist, strict=True):
            acc += n
            le = "+Inf" if bound == float("inf") else f"{bound:g}"
            lines.append(f'{name}_bucket{{le="{le}"}} {acc}')
        lines.append(f"{name}_sum {self.hist_sum:g}")
        lines.append(f"{name}_count {self.hist_count}")
        return "\n".join(lines) + "\n"
