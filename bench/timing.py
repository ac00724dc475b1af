"""Timing helpers shared by the benchmarks: one sample per call, and medians (the machine is shared and noisy)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_calls(fn: Callable[[int], object], count: int) -> list[float]:
    """Seconds each of `count` calls of fn(0), fn(1), ... took."""
    taken = []
    for i in range(count):
        start = time.perf_counter()
        fn(i)
        taken.append(time.perf_counter() - start)
    return taken


def median_us(taken: list[float]) -> float:
    """The median of `taken`, in microseconds."""
    return statistics.median(taken) * 1e6
