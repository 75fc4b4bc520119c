"""The benchmark's corpus and queries are what the benchmark says they are, and its
report keeps each section apart (figures themselves are never asserted here:
they belong to docs/benchmarks.md, measured on a quiet machine)."""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
import sys

import pytest

from bench.corpus import BODY_WORDS, MANIFEST, SOURCES, TITLE_WORDS, make_corpus
from bench.queries import make_queries
from bench.report import write_section
from conftest import PROJECT, SEEDS
from indexer.analysis.normalize import normalize_word
from indexer.ingest.metadata import front_matter
from indexer.analysis.stopwords import stop_words


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench-corpus")
    manifest = make_corpus([SEEDS], out, 120, seed=5)
    return out, manifest


def test_documents_have_realistic_lengths_and_real_arabic(small_corpus):
    out, manifest = small_corpus
    files = sorted(out.rglob("doc-*.txt"))
    assert len(files) == manifest.documents == 120
    body_lengths = []
    for file in files:
        meta, text = front_matter(file.read_text(encoding="utf-8"))
        assert meta["source"] in SOURCES and ("date" not in meta or isinstance(meta["date"], datetime.date))
        title, body = text.split("\n", 1)
        assert TITLE_WORDS[0] <= len(title.split()) <= TITLE_WORDS[1]
        body_lengths.append(len(body.split()))
        assert BODY_WORDS[0] <= body_lengths[-1] <= BODY_WORDS[1]
        assert re.search(r"[\u0621-\u064A]{3}", body)
    assert len(set(body_lengths)) > 30  # lengths vary, they are not one size
    assert json.loads((out / MANIFEST).read_text())["documents"] == 120
    # The source's diacritics and clitics come through in some proportion.
    assert 0 < manifest.share_with_diacritics < 0.5
    assert 0.2 < manifest.share_with_proclitic < 0.8
    # Like an archive: sources and dates, a few documents without a date, syndicated copies.
    assert manifest.copies >= 1 and manifest.sources == len(SOURCES)


def test_the_same_seed_makes_the_same_corpus(small_corpus, tmp_path):
    out, _ = small_corpus
    make_corpus([SEEDS], tmp_path, 3, seed=5)
    first = "doc-0000000.txt"
    assert (tmp_path / "0000" / first).read_bytes() == (out / "0000" / first).read_bytes()


def test_vocabulary_keeps_growing_with_the_corpus(tmp_path):
    small = make_corpus([SEEDS], tmp_path / "a", 20, seed=2)
    large = make_corpus([SEEDS], tmp_path / "b", 200, seed=2)
    assert large.vocabulary > 2 * small.vocabulary


def test_queries_look_like_what_people_type(small_corpus):
    out, _ = small_corpus
    queries = make_queries(sorted(out.rglob("doc-*.txt")), 400)
    assert len(queries) == 400
    common = stop_words()
    for query in queries:
        words = re.findall(r"[\u0621-\u0652]+", query)
        assert 1 <= len(words) <= 4
        assert not all(normalize_word(w) in common for w in words)
    assert sum(q.startswith('"') for q in queries) > 10  # phrases
    assert sum(q.endswith("*") for q in queries) > 10  # prefixes
    assert sum(bool(re.search("[\u064E-\u0652]", q)) for q in queries) > 20  # diacritics


def test_a_run_rewrites_its_own_section_and_keeps_the_others(tmp_path):
    report = tmp_path / "benchmarks.md"
    write_section("a", "First", "figure-1\n", report)
    write_section("b", "Second", "figure-2\n", report)
    write_section("a", "First", "figure-3\n", report)
    text = report.read_text()
    assert "figure-1" not in text and "figure-3" in text and "figure-2" in text
    assert text.index("figure-3") < text.index("figure-2")
    assert "- machine: " in text and "- command: `python -m bench" in text and "- commit: " in text


def test_the_wsgi_entry_serves_the_index_it_is_given(seed_index):
    code = (
        "from webapp.wsgi import app\n"
        "r = app.test_client().get('/api/search?q=لافروف')\n"
        "print(r.status_code, r.get_json()['total'])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "ARABIC_SEARCH_INDEX": str(seed_index)})
    assert out.stdout.split() == ["200", "5"], out.stderr


def test_analysis_alone_counts_each_ways_postings_apart_from_writing(small_corpus):
    from bench.__main__ import _analysis_alone
    from bench.indexing import analyze_one

    corpus, manifest = small_corpus
    report = _analysis_alone(corpus)  # each way in a fresh process, as the benchmark runs it
    rows = [line.split(" | ") for line in report.splitlines() if line.startswith("| (a)") or line.startswith("| Arabic")]
    assert [row[1] for row in rows] == ["2", "2", "6"]
    plain, exact, ours = (int(row[2].replace(",", "")) for row in rows)
    # The same two texts make about as many postings either way (one per distinct word
    # of a field); the six indexed fields make several times as many.
    assert 0.9 < exact / plain < 1.1 and ours > 2.5 * exact
    assert "times the plain analyzer's time" in report
    # What is counted is what a writer indexes: one posting per distinct term of each field.
    from bench.indexing import _documents
    from indexer.storage.schema import build_schema

    schema = build_schema()
    distinct = sum(len({t.text for t in schema[field].analyzer(text)})
                   for doc in _documents(corpus) for field, text in (("title", doc.title), ("body", doc.body)))
    made = analyze_one("ours-exact", corpus)
    assert made["documents"] == manifest.documents and made["postings"] == distinct == exact


def test_adversarial_queries_sit_just_inside_the_query_budget(seed_index, monkeypatch):
    from bench.latency import Checker
    from bench.queries import adversarial_queries
    from indexer.search import query_cost

    # The seed index is small: a budget its size shows each kind growing up to it.
    monkeypatch.setattr(query_cost, "MAX_QUERY_TERMS", 300)
    monkeypatch.setattr(query_cost, "MAX_QUERY_POSTINGS", 3000)
    checker = Checker(seed_index)
    try:
        made = adversarial_queries(checker.reader, checker.refusal)
        by_kind = {}
        for kind, query in made:
            by_kind.setdefault(kind, []).append(query)
        assert len(by_kind) >= 10
        budget_bound = 0
        for kind, (accepted, *larger) in by_kind.items():
            cost = checker.parse(accepted).cost  # the first of a kind is accepted
            assert 0 < cost.spent <= 1
            if larger:
                assert checker.refusal(larger[0]) is not None, kind
                budget_bound += checker.refusal(larger[0]) == "query_too_costly"
        assert budget_bound >= 5
    finally:
        checker.close()
