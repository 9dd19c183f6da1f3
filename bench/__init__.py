"""Benchmarks (issue: scale). Each module runs with one command: `python -m bench.<name>`."""
