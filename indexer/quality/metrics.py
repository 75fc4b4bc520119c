"""Ranking quality measures over a run (ranked ids per query) and qrels (relevant ids per query)."""

from __future__ import annotations

import math


def reciprocal_rank(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    for rank, doc_id in enumerate(ranked[:k], 1):
        if doc_id in relevant:
            return 1.0 / rank
    return 0.0


def recall(ranked: list[str], relevant: set[str], k: int) -> float:
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / len(relevant)


def ndcg(ranked: list[str], relevant: set[str], k: int = 10) -> float:
    """Binary-gain nDCG@k."""
    dcg = sum(1.0 / math.log2(rank + 1) for rank, d in enumerate(ranked[:k], 1) if d in relevant)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(relevant), k) + 1))
    return dcg / ideal if ideal else 0.0


def evaluate_run(run: dict[str, list[str]], qrels: dict[str, set[str]]) -> dict[str, float]:
    """Mean MRR@10, Recall@10, Recall@100 and nDCG@10 over every judged query.

    A judged query missing from the run counts as zero, as in trec_eval with -c.
    """
    queries = [q for q, rel in qrels.items() if rel]
    if not queries:
        raise ValueError("no judged queries")
    totals = {"MRR@10": 0.0, "Recall@10": 0.0, "Recall@100": 0.0, "nDCG@10": 0.0}
    for q in queries:
        ranked, relevant = run.get(q, []), qrels[q]
        totals["MRR@10"] += reciprocal_rank(ranked, relevant, 10)
        totals["Recall@10"] += recall(ranked, relevant, 10)
        totals["Recall@100"] += recall(ranked, relevant, 100)
        totals["nDCG@10"] += ndcg(ranked, relevant, 10)
    return {name: value / len(queries) for name, value in totals.items()}
