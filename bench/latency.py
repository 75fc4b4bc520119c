"""Query latency in one process: the engine (index and searcher) opened once,
as the web app does, then every query timed, without and with snippets."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from indexer import QueryError, SearchEngine

WARM_UP = 20


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def measure(index: Path, queries: list[str], snippets: bool) -> dict:
    engine = SearchEngine(index)
    for query in queries[:WARM_UP]:
        try:
            engine.search(query, snippets=snippets)
        except QueryError:
            pass
    times, refused, found = [], 0, 0
    for query in queries:
        started = time.perf_counter()
        try:
            page = engine.search(query, snippets=snippets)  # the first page: 10 hits
            found += page.total > 0
        except QueryError:
            refused += 1
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"queries": len(queries), "refused": refused, "found": found,
            "median_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99), "max_ms": times[-1], "mean_ms": statistics.fmean(times)}
