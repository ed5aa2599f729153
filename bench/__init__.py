"""Benchmarks: `python -m bench` (see bench/run.py). Figures are reported beside baselines."""
