"""The per-hop FLASH trace (issue 19.3): timestamps from every process, merged by message id.

`hook` is the off-by-default interface the hub and the client call at each hop (it is
stdlib-only so it can move to `hotline.runtime.trace` unchanged); `merge` reads what the
processes wrote and gives the per-hop breakdown. The wire format is untouched: the join
key is the envelope id every hop already knows.
"""

__all__: list[str] = []
