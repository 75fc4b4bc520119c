"""The array scorer ranks exactly as Whoosh's own matchers do, only faster.

Every query is run both ways on the same searcher: the same documents in the
same order, the same scores, the same count of matches.  The queries are the
golden table's, every kind of query syntax, and realistic queries on a corpus
of 300 documents made from the seeds; the index is searched whole, and again
after an update has split it into segments with deleted documents.
"""

from __future__ import annotations

import shutil

import pytest

from bench.corpus import make_corpus
from bench.queries import make_queries
from conftest import SEEDS, run_cli
from indexer import SearchEngine
from indexer.search.parse import QueryError, parse_query
from indexer.engine import whoosh_top
from indexer.search.term_at_a_time import _size
from test_golden import GOLDEN, QUERIES

SYNTAX = [
    "لافروف",
    "لافروف بلينكن",
    "وزير الخارجية الروسي",
    '"وزير الخارجية"',
    '"وزير الخارجية" لافروف',
    "لافروف OR ستوكهولم",
    "لافروف NOT ستوكهولم",
    "لافروف -موسكو",
    "(لافروف OR بلينكن) الهند",
    "بلينك*",
    "الاجتم*",
    "وز*",
    "title:لافروف",
    "عنوان:بلينكن الهند",
    "مدرسه",
    "استوكهولم",
    "كيف عرفت روسيا موقف الولايات المتحدة من الحرب",
    "لافروف ANDMAYBE الهند",
]


def _both(engine: SearchEngine, text: str, limit: int):
    opened = engine._opened()
    parsed = parse_query(text, opened.index.schema, engine.ranking, opened.searcher.reader())
    query = parsed.all_first(engine.ranking)
    return opened.arrays.top(query, limit), whoosh_top(opened.searcher, query, limit)


def _assert_same(engine, text, limit=20):
    try:
        arrays, whoosh = _both(engine, text, limit)
    except QueryError:
        return
    assert arrays.total == whoosh.total, text
    assert [d for d, _ in arrays.hits] == [d for d, _ in whoosh.hits], text
    for (_, a), (_, w) in zip(arrays.hits, whoosh.hits):
        assert a == pytest.approx(w, rel=1e-9), text


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("taat-corpus")
    make_corpus([SEEDS], out, 300, seed=11)
    return out


@pytest.fixture(scope="module")
def corpus_engine(tmp_path_factory, corpus):
    index = tmp_path_factory.mktemp("taat-index")
    run_cli("rebuild", "--source", str(corpus), "--index", str(index), "--quiet")
    return SearchEngine(index)


def _corpus_queries(corpus):
    return make_queries(sorted(corpus.rglob("*.txt")), 200, seed=3)


@pytest.fixture(scope="module")
def golden_index(tmp_path_factory):
    index = tmp_path_factory.mktemp("taat-golden")
    run_cli("rebuild", "--source", str(GOLDEN / "corpus"), "--index", str(index), "--quiet")
    return index


@pytest.mark.parametrize("text", sorted({row.values[0] for row in QUERIES} | set(SYNTAX)))
def test_golden_and_syntax_queries_rank_the_same(seed_index, golden_index, text):
    _assert_same(SearchEngine(seed_index), text)
    _assert_same(SearchEngine(golden_index), text)


def test_realistic_queries_rank_the_same(corpus, corpus_engine):
    queries = _corpus_queries(corpus) + SYNTAX
    for text in queries:
        _assert_same(corpus_engine, text)
    ran = sum(1 for text in queries if _both_or_none(corpus_engine, text))
    assert ran >= 150  # most queries ran (not refused), so the comparison means something


def _both_or_none(engine, text):
    try:
        arrays, _ = _both(engine, text, 10)
    except QueryError:
        return None
    return arrays.total


def test_segments_and_deleted_documents_rank_the_same(tmp_path, corpus):
    source = tmp_path / "src"
    shutil.copytree(corpus, source)
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(source), "--index", str(index), "--quiet")
    files = sorted(source.rglob("*.txt"))
    for f in files[:10]:
        f.write_text(f.read_text(encoding="utf-8") + "\nوأضاف أن المذنب سيمر بعيدا عن لافروف.", encoding="utf-8")
    for f in files[10:15]:
        f.unlink()
    run_cli("update", "--source", str(source), "--index", str(index), "--quiet")
    engine = SearchEngine(index)
    searcher = engine._opened().searcher
    assert len(searcher.leaf_searchers()) > 1 and searcher.reader().has_deletions()
    for text in _corpus_queries(source)[:80] + SYNTAX + ["المذنب", "سيمر بعيدا"]:
        _assert_same(engine, text)


def test_a_long_result_list_is_cut_at_the_same_place(seed_index):
    # Ties at the cut of the top N go to the lower document numbers, as in Whoosh.
    engine = SearchEngine(seed_index)
    for text in ("وز*", "في", "لافروف OR موسكو OR الهند"):
        for limit in (1, 2, 3):
            _assert_same(engine, text, limit)


def test_the_postings_cache_counts_only_what_the_process_holds(seed_index):
    """A term's document numbers are a slice of the memory-mapped columns file,
    shared by every process: the cache's budget counts its scores only."""
    segment = SearchEngine(seed_index)._opened().arrays.segments[0][0]
    assert segment.columns is not None
    ids, frequencies = segment.frequencies("body", "لافروف")
    assert len(ids) >= 3
    assert _size((ids, frequencies)) == 64 + frequencies.nbytes
    copied = ids.copy()
    assert _size((copied, frequencies)) == 64 + copied.nbytes + frequencies.nbytes


def test_a_term_boosted_to_nothing_still_makes_its_documents_match(seed_index):
    """A union tells its documents by their scores when every term scores
    above 0; a term weighted 0 (or less) scores nothing, and its documents
    must still be matched, as Whoosh matches them."""
    from whoosh import query as Q

    opened = SearchEngine(seed_index)._opened()
    for boost in (0.0, -1.0):
        query = Q.Or([Q.Term("body", "الهند"), Q.Term("body", "بلينكن", boost=boost)])
        arrays, whoosh = opened.arrays.top(query, 20), whoosh_top(opened.searcher, query, 20)
        assert arrays.total == whoosh.total > opened.arrays.top(Q.Term("body", "الهند"), 20).total
        assert sorted(d for d, _ in arrays.hits) == sorted(d for d, _ in whoosh.hits)
