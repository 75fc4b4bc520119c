"""Retrieval-quality measures, and the evaluate command end to end on a small slice."""

import json
from pathlib import Path

import pytest

from conftest import PROJECT, run_cli
from indexer.quality.metrics import evaluate_run, ndcg, recall, reciprocal_rank

BENCHDATA = PROJECT.parent / "shared" / "benchdata" / "xquad-ar-sent"


def test_metrics_on_a_hand_made_example():
    run = {
        "q1": ["a", "b", "c"],  # relevant at rank 1
        "q2": ["x", "y", "b"],  # relevant at rank 3
        "q3": ["x", "y"],  # relevant not found
    }
    qrels = {"q1": {"a"}, "q2": {"b"}, "q3": {"c"}, "q4": {"d"}}  # q4 missing from the run
    assert reciprocal_rank(run["q2"], {"b"}) == pytest.approx(1 / 3)
    assert recall(["a", "b"], {"a", "c"}, 10) == 0.5
    assert ndcg(["x", "a"], {"a"}) == pytest.approx(1 / 1.5849625)  # 1/log2(3)
    assert ndcg(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 0.5) / (1 + 1 / 1.5849625))
    metrics = evaluate_run(run, qrels)
    assert metrics["MRR@10"] == pytest.approx((1 + 1 / 3) / 4)
    assert metrics["Recall@10"] == pytest.approx(2 / 4)
    assert metrics["nDCG@10"] == pytest.approx((1 + 0.5) / 4)


def test_reciprocal_rank_stops_at_the_cutoff():
    ranked = [f"d{i}" for i in range(20)]
    assert reciprocal_rank(ranked, {"d10"}, 10) == 0.0
    assert recall(ranked, {"d10"}, 100) == 1.0


def _slice(tmp_path: Path, documents: int = 60) -> Path:
    """The first documents of the sentence set and the questions about them."""
    out = tmp_path / "slice"
    out.mkdir()
    docs = (BENCHDATA / "corpus.jsonl").read_text(encoding="utf-8").splitlines()[:documents]
    keep = {json.loads(line)["id"] for line in docs}
    qrels = [line for line in (BENCHDATA / "qrels.tsv").read_text().splitlines() if line.split()[2] in keep]
    wanted = {line.split()[0] for line in qrels}
    queries = [
        line for line in (BENCHDATA / "queries.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["id"] in wanted
    ]
    (out / "corpus.jsonl").write_text("\n".join(docs) + "\n", encoding="utf-8")
    (out / "qrels.tsv").write_text("\n".join(qrels) + "\n")
    (out / "queries.jsonl").write_text("\n".join(queries) + "\n", encoding="utf-8")
    return out


@pytest.mark.skipif(not BENCHDATA.is_dir(), reason="the shared benchmark data is not beside the checkout")
def test_evaluate_command_end_to_end(tmp_path):
    dataset = _slice(tmp_path)
    run_file = tmp_path / "run.txt"
    result = run_cli("evaluate", str(dataset), "--run", str(run_file), "--json")
    report = json.loads(result.stdout)
    assert report["documents"] == 60
    assert report["queries"] > 40
    # Question words and punctuation never make a question fail or come back empty.
    assert report["failed_queries"] == [] and report["empty_results"] == 0
    metrics = report["metrics"]
    # Natural questions about 60 sentences: the right sentence is nearly always found.
    assert metrics["Recall@100"] > 0.9
    assert 0.5 < metrics["MRR@10"] <= 1.0
    lines = run_file.read_text(encoding="utf-8").splitlines()
    first = lines[0].split()
    assert len(first) == 6 and first[1] == "Q0" and first[3] == "1" and first[5] == "default"
    assert {line.split()[0] for line in lines} <= {json.loads(l)["id"] for l in (dataset / "queries.jsonl").read_text(encoding="utf-8").splitlines()}


def test_evaluate_reports_a_missing_file(tmp_path):
    result = run_cli("evaluate", str(tmp_path), check=False)
    assert result.returncode == 1 and "corpus.jsonl" in result.stderr
