"""The performance harness behind ``python -m benchmarks.run`` (docs/performance.md)."""
