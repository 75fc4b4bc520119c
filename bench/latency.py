"""Query latency in one process: the engine (index and searcher) opened once,
as the web app does, then every query timed, without and with snippets."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from pathlib import Path

from whoosh import index as whoosh_index

from indexer import QueryError, SearchEngine
from indexer.archive.filters import NONE as NO_FILTERS, Filters
from indexer.search.parse import parse_query
from indexer.search.ranking import DEFAULT_RANKING
from indexer.storage.generations import current_generation

WARM_UP = 20
WARM_UP_QUERY = "لافروف"  # opens the index; a rare word, whose postings no adversarial query needs


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))]


def archive_filters(queries: list[str], sources, seed: int = 11) -> list[Filters]:
    """What an archive's readers add to their words, one query in two: a source (1 in 8),
    two sources (1 in 8), a year (1 in 8) or newest first (1 in 8); the rest ask nothing more."""
    rng = random.Random(seed)
    made = []
    for n in range(len(queries)):
        kind = n % 8
        if kind == 0:
            made.append(Filters(sources=(rng.choice(sources),)))
        elif kind == 1:
            made.append(Filters(sources=tuple(rng.sample(sources, 2))))
        elif kind == 2:
            year = rng.randint(2015, 2026)
            made.append(Filters(date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31)))
        elif kind == 3:
            made.append(Filters(sort="newest"))
        else:
            made.append(NO_FILTERS)
    return made


def measure(index: Path, queries: list[str], snippets: bool, filters: list[Filters] | None = None,
            explain: bool = False) -> dict:
    """Each query timed in turn; with ``filters``, each with its own (archive_filters);
    with ``explain``, each result's reasons too (as the results page shows them)."""
    engine = SearchEngine(index)
    filters = filters or [NO_FILTERS] * len(queries)
    for query, narrowed in list(zip(queries, filters))[:WARM_UP]:
        try:
            engine.search(query, snippets=snippets, filters=narrowed, explain=explain)
        except QueryError:
            pass
    times, refused, found = [], {}, 0
    for query, narrowed in zip(queries, filters):
        started = time.perf_counter()
        try:
            page = engine.search(query, snippets=snippets, filters=narrowed, explain=explain)  # the first 10
            found += page.total > 0
        except QueryError as exc:
            refused[exc.code] = refused.get(exc.code, 0) + 1
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"queries": len(queries), "refused": sum(refused.values()), "refused_by_code": refused, "found": found,
            "median_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99), "max_ms": times[-1], "mean_ms": statistics.fmean(times)}


class Checker:
    """The engine's verdict on a query without running it: its parse on the index, as a search parses it."""

    def __init__(self, index: Path):
        self.index = whoosh_index.open_dir(str(current_generation(index)))
        self.reader = self.index.reader()
        self.schema = self.index.schema
        self.memo = {}

    def refusal(self, query: str) -> str | None:
        try:
            self.parse(query)
        except QueryError as exc:
            return exc.code
        return None

    def parse(self, query: str):
        return parse_query(query, self.schema, DEFAULT_RANKING, self.reader, memo=self.memo)

    def close(self):
        self.reader.close()
        self.index.close()


def largest_cost(checker: Checker, queries: list[str]) -> dict:
    """The most terms, the most postings, and the largest share of the budget
    (query_cost.py) that an accepted query of ``queries`` spends, and that query."""
    largest = {"terms": 0, "postings": 0, "spent": 0.0, "query": None}
    for query in queries:
        try:
            cost = checker.parse(query).cost
        except QueryError:
            continue
        largest["terms"] = max(largest["terms"], cost.terms)
        largest["postings"] = max(largest["postings"], cost.postings)
        if cost.spent > largest["spent"]:
            largest["spent"], largest["query"] = cost.spent, query
    return largest


def measure_adversarial(index: Path, made: list[tuple[str, str]], checker: Checker) -> dict:
    """Each adversarial query run once with snippets, on an engine of its own
    (so the postings of the queries before it are not at hand: the worst case),
    opened by an untimed query first.  Refusals are counted by error code."""
    accepted, refused = [], {}
    for kind, query in made:
        engine = SearchEngine(index)
        engine.search(WARM_UP_QUERY, snippets=False)
        started = time.perf_counter()
        try:
            engine.search(query, snippets=True)
        except QueryError as exc:
            refused[exc.code] = refused.get(exc.code, 0) + 1
            continue
        seconds = time.perf_counter() - started
        cost = checker.parse(query).cost
        accepted.append({"kind": kind, "query": query, "ms": seconds * 1000,
                         "terms": cost.terms, "postings": cost.postings, "spent": cost.spent})
    accepted.sort(key=lambda r: -r["ms"])
    return {"queries": len(made), "accepted": accepted, "refused": refused}
