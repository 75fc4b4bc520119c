"""Phrases matched on position arrays find exactly what Whoosh's span matchers find.

A small vocabulary makes words repeat and stand next to each other in every
way; the index has several segments and deleted documents; some documents
are long (a word more than a thousand times, positions past 65,535), which
is where the stored position lists change shape.  Every phrase, slop and
boost is run through both scorers and must give the same documents with
the same scores.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from whoosh import query as Q
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from indexer.search.bm25f import FieldFrequency
from indexer.storage import positions
from indexer.storage.positions import phrase_documents, restarting_cumsum
from indexer.engine import whoosh_top
from indexer.search.term_at_a_time import TermAtATime

VOCABULARY = ["alpha", "beta", "gamma", "delta", "eps"]
B = 0.75


def _text(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 40)))


@pytest.fixture(scope="module")
def searcher():
    rng = random.Random(5)
    schema = Schema(id=ID(stored=True, unique=True), text=TEXT(phrase=True))
    index = RamStorage().create_index(schema)
    for batch in range(3):  # three commits: three segments
        with index.writer() as writer:
            for n in range(150):
                writer.add_document(id=f"{batch}-{n}", text=_text(rng))
            if batch == 1:
                long_text = " ".join(["alpha beta"] * 1200 + ["gamma"] * 70000 + ["delta eps alpha"])
                writer.add_document(id="long", text=long_text)
    with index.writer() as writer:
        for n in range(0, 150, 7):
            writer.delete_by_term("id", f"0-{n}")
    with index.searcher(weighting=FieldFrequency(b=B)) as s:
        assert len(s.leaf_searchers()) > 1 and s.reader().has_deletions()
        yield s


def _phrases():
    rng = random.Random(9)
    found = [
        Q.Phrase("text", ["alpha", "beta"]),
        Q.Phrase("text", ["beta", "alpha"]),
        Q.Phrase("text", ["alpha", "alpha"]),
        Q.Phrase("text", ["gamma", "delta", "eps", "alpha"]),
        Q.Phrase("text", ["alpha", "absent"]),
        Q.Phrase("text", ["gamma"]),
        Q.Phrase("text", ["alpha", "beta"], slop=0),
    ]
    for _ in range(60):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(2, 4))]
        found.append(Q.Phrase("text", words, slop=rng.randint(1, 4), boost=rng.choice([1.0, 2.5])))
    return found


@pytest.mark.parametrize("phrase", _phrases(), ids=repr)
def test_phrase_matches_as_whoosh(searcher, phrase):
    arrays = TermAtATime(searcher, B).top(phrase, 1000)
    whoosh = whoosh_top(searcher, phrase, 1000)
    assert arrays.total == whoosh.total
    assert [d for d, _ in arrays.hits] == [d for d, _ in whoosh.hits]
    assert [s for _, s in arrays.hits] == pytest.approx([s for _, s in whoosh.hits], rel=1e-12)


def test_phrase_reaches_each_word_from_the_one_before():
    # One document: a at 0 and 10, b at 3, c at 4.  "a b" needs b within
    # slop of an a; "a b c" also needs c within slop of that b.
    def word(*positions):
        return np.array(positions, dtype=np.int64)  # document 0

    a, b, c = word(0, 10), word(3), word(4)
    assert list(phrase_documents([a, b], 2)) == []
    assert list(phrase_documents([a, word(3, 11)], 3)) == [0]  # twice in the document, listed once
    assert list(phrase_documents([a, b], 3)) == [0]
    assert list(phrase_documents([a, b, c], 3)) == [0]
    assert list(phrase_documents([a, c], 3)) == []


def test_running_sums_restart_at_each_run():
    deltas = np.array([5, 1, 2, 7, 3, 4])
    assert restarting_cumsum(deltas, np.array([0, 3, 1, 0, 2])).tolist() == [5, 6, 8, 7, 3, 7]
    assert restarting_cumsum(np.array([], dtype=np.int64), np.array([0, 0])).tolist() == []


@pytest.mark.parametrize("seed", range(40))
def test_phrases_are_found_alike_from_either_side_of_each_step(seed):
    # A word's keys may be walked from the words before (when it is the rarer)
    # or looked up from them (when it is the more common): same documents.
    rng = random.Random(seed)
    docs, length = rng.randint(1, 30), rng.randint(5, 60)
    texts = [[rng.choice("abcd") for _ in range(length)] for _ in range(docs)]
    keys = {w: np.array([(d << 32) | p for d, text in enumerate(texts) for p, x in enumerate(text) if x == w],
                        dtype=np.int64) for w in "abcd"}
    phrase, slop = [rng.choice("abcd") for _ in range(rng.randint(2, 4))], rng.randint(0, 4)

    def brute():
        hits = set()
        for d, text in enumerate(texts):
            ends = {p for p, x in enumerate(text) if x == phrase[0]}
            for w in phrase[1:]:
                ends = {p for p, x in enumerate(text) if x == w and any(1 <= p - e <= slop for e in ends)}
            if ends:
                hits.add(d)
        return sorted(hits)

    assert list(phrase_documents([keys[w] for w in phrase], slop)) == brute()
    reached, nxt = keys[phrase[0]], keys[phrase[1]]
    if len(reached):
        assert list(positions._reached_from(reached, nxt, slop)) == list(positions._reaching(reached, nxt, slop))
