"""Retrieval quality on a test collection (corpus.jsonl, queries.jsonl, qrels.tsv).

The corpus is indexed with the engine's real rebuild into a temporary folder and
every query goes through the engine's real query path, the one the web app uses.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

from ..analysis.chain import AnalysisSettings
from ..ingest.build import rebuild
from .metrics import evaluate_run
from ..search.parse import MAX_TERMS, QueryError
from ..search.ranking import DEFAULT_RANKING, Ranking
from ..engine import SearchEngine

# Named configurations measured in docs/quality.md: "analysis" is what the
# index is built with (AnalysisSettings), "ranking" what queries are scored
# with (Ranking; "weights" are merged into the default weights).  Apart from
# "first-engine", each changes one thing from the default.
CONFIGS = {
    "default": {},
    # The engine's first ranking: Whoosh's per-field BM25F with its k1 and b,
    # exact 2 / stem 1 (title 1.5 times), the full stop list, strict AND with
    # an any-word fallback, the exact-form tier on every query.
    "first-engine": {
        "analysis": {"stop_list": "full"},
        "ranking": {
            "saturation": "field", "k1": 1.2, "b": 0.75, "title_weight": 1.5,
            "weights": {"exact": 2.0, "stem": 1.0, "root": 0.0, "gram": 0.0, "written": 0.0, "variant": 0.0},
            "match": "all-or-any", "exact_tier_max_words": MAX_TERMS, "written_tier": False,
        },
    },
    "field-saturation": {"ranking": {"saturation": "field"}},
    "all-or-any": {"ranking": {"match": "all-or-any"}},
    "exact-tier-always": {"ranking": {"exact_tier_max_words": MAX_TERMS}},
    "exact-tier-never": {"ranking": {"exact_tier_max_words": 0}},
    "tiers-anywhere": {"ranking": {"exact_tier_needs_all": False}},
    "no-tier-rarity": {"ranking": {"tier_rarity": 0.0}},
    "relatives-in-all-tier": {"ranking": {"relatives_in_all_tier": True}},
    "no-roots": {"ranking": {"weights": {"root": 0.0}}},
    "no-grams": {"ranking": {"weights": {"gram": 0.0}}},
    "no-relatives": {"ranking": {"weights": {"root": 0.0, "gram": 0.0}}},
    "relatives-score-only": {"ranking": {"relatives_match": False}},
    "no-exact-field": {"ranking": {"weights": {"exact": 0.0}}},
    "no-written-tier": {"ranking": {"written_tier": False}},
    "written-bonus": {"ranking": {"weights": {"written": 0.1}}},
    "no-spelling-keys": {"ranking": {"weights": {"variant": 0.0}}},
    "k1-0.9": {"ranking": {"k1": 0.9}},
    "b-0.75": {"ranking": {"b": 0.75}},
    "stop-full": {"analysis": {"stop_list": "full"}},
    "stem-snowball": {"analysis": {"stemmer": "snowball"}},
    "stem-tashaphyne": {"analysis": {"stemmer": "tashaphyne"}},
    "stem-none": {"analysis": {"stemmer": "none"}},
}


def config_settings(name: str) -> tuple[AnalysisSettings, Ranking]:
    """The analysis settings and the ranking of the named configuration."""
    config = CONFIGS[name]
    ranking = dict(config.get("ranking", {}))
    ranking["weights"] = {**DEFAULT_RANKING.weights, **ranking.get("weights", {})}
    return AnalysisSettings(**config.get("analysis", {})), DEFAULT_RANKING.with_(**ranking)
RUN_DEPTH = 100


class DatasetError(Exception):
    """The folder is not a usable test collection; the message says why."""


def read_qrels(path: Path) -> dict[str, set[str]]:
    qrels: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 4 and int(parts[3]) > 0:
            qrels.setdefault(parts[0], set()).add(parts[2])
    return qrels


def read_queries(path: Path) -> list[tuple[str, str]]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [(str(r["id"]), r["text"]) for r in rows]


HALVES = ("even", "odd")


def evaluate(dataset: Path, run_file: Path | None = None, config: str = "default", half: str | None = None) -> dict:
    """Index ``dataset``'s corpus, run its queries and score the run.  ``half`` ("even" or
    "odd") keeps every other query (by their order in queries.jsonl, from the first or the
    second): tune a change on one half and report the other beside it, so a gain is not a fit."""
    dataset = Path(dataset)
    for name in ("corpus.jsonl", "queries.jsonl", "qrels.tsv"):
        if not (dataset / name).is_file():
            raise DatasetError(f"{dataset} has no {name}")
    if config not in CONFIGS:
        raise DatasetError(f"unknown config {config!r}; choose one of {', '.join(CONFIGS)}")
    queries = read_queries(dataset / "queries.jsonl")
    qrels = read_qrels(dataset / "qrels.tsv")
    if half is not None:
        if half not in HALVES:
            raise DatasetError(f"unknown half {half!r}; choose even or odd")
        queries = queries[HALVES.index(half)::2]
        kept = {qid for qid, _ in queries}
        qrels = {qid: rel for qid, rel in qrels.items() if qid in kept}
    if not any(qrels.values()):
        raise DatasetError(f"{dataset / 'qrels.tsv'} judges no query relevant")
    with tempfile.TemporaryDirectory(prefix="evaluate-") as tmp:
        source = Path(tmp) / "source"
        source.mkdir()
        # Only the corpus is indexed (queries.jsonl in the same folder is not a document file).
        shutil.copy(dataset / "corpus.jsonl", source / "corpus.jsonl")
        settings, ranking = config_settings(config)
        report = rebuild(source, Path(tmp) / "index", settings)
        engine = SearchEngine(Path(tmp) / "index", ranking)
        started = time.perf_counter()
        run: dict[str, list[tuple[str, float]]] = {}
        failed: list[tuple[str, str]] = []
        for qid, text in queries:
            try:
                run[qid] = engine.ranked(text, RUN_DEPTH)
            except QueryError as exc:
                failed.append((qid, exc.code))
                run[qid] = []
        seconds = time.perf_counter() - started
    if run_file:
        with open(run_file, "w", encoding="utf-8") as out:
            for qid, hits in run.items():
                for rank, (doc_id, score) in enumerate(hits, 1):
                    out.write(f"{qid} Q0 {doc_id} {rank} {score:.4f} {config}\n")
    metrics = evaluate_run({q: [d for d, _ in hits] for q, hits in run.items()}, qrels)
    return {
        "dataset": str(dataset),
        "config": config,
        "half": half,
        "documents": report.documents,
        "queries": len(queries),
        "failed_queries": failed,
        "empty_results": sum(1 for hits in run.values() if not hits),
        "query_seconds": round(seconds, 2),
        "metrics": metrics,
    }
