"""A realistic Brazilian distributor for demos and benchmarks (pure Python + numpy)."""

from carteira_core.demo.generator import DemoData, generate

__all__ = ["DemoData", "generate"]
