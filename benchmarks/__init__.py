"""Benchmark: build a synthetic newsletter of N notes with `newsletter build` and
with Material's blog plugin, side by side. Run `python -m benchmarks.run --help`."""
