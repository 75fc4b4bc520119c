"""Roots and 4-grams found through the exact terms (storage/relatives.py) are what indexing
them as fields of their own made: the same documents, frequencies and lengths, segment by
segment, deleted documents included; and the index stays one Whoosh opens and reads."""

from __future__ import annotations

from collections import Counter

from whoosh import index as whoosh_index
from whoosh import query as Q
from whoosh.util.numeric import length_to_byte

from indexer.analysis.chain import gram_analyzer, root_analyzer
from indexer.storage.generations import current_generation
from indexer.storage.posting_columns import SegmentColumns
from indexer.storage.schema import TEXT_FIELDS, shown_body

ANALYZERS = {"root": root_analyzer(), "gram": gram_analyzer()}


def _indexed_as_a_field(text: str, kind: str) -> Counter:
    """What the field of ``kind`` held for ``text`` when it was indexed token by token."""
    return Counter(t.text for t in ANALYZERS[kind](text))


def test_every_relative_reads_as_its_own_field_would_have(split_index):
    gen = current_generation(split_index[1])
    ix = whoosh_index.open_dir(str(gen))
    compared = 0
    with ix.reader() as reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        assert len(leaves) >= 2 and reader.has_deletions()
        for leaf in leaves:
            columns = SegmentColumns.open_for(gen, leaf.segment().segment_id(), leaf.doc_count_all())
            documents = [leaf.stored_fields(d) for d in range(leaf.doc_count_all())]  # deleted ones too
            for scope, fields in TEXT_FIELDS.items():
                for kind in ("root", "gram"):
                    derived = columns.derived[fields.by_kind()[kind]]
                    # The body as indexed: a passage it repeats, once (analysis/repeats.py).
                    made = [_indexed_as_a_field(doc[scope] if scope == "title" else shown_body(doc), kind)
                            for doc in documents]
                    want = {}
                    for docnum, counts in enumerate(made):
                        for term, n in counts.items():
                            want.setdefault(term, {})[docnum] = float(n)
                    assert want, (scope, kind)
                    for term, postings in want.items():
                        ids, weights, _ = derived.read(term.encode("utf-8"))
                        assert dict(zip(ids.tolist(), weights.tolist())) == postings, (scope, kind, term)
                        compared += 1
                    assert derived.read("غيرموجودةابدا".encode()) is None
                    lengths = [sum(counts.values()) for counts in made]
                    assert derived.arrays["lengths"].tolist() == [length_to_byte(n) for n in lengths]
                    assert derived.total == sum(lengths)
    assert compared > 2_000


def test_whoosh_opens_the_index_and_reads_its_fields_itself(seed_index):
    ix = whoosh_index.open_dir(str(current_generation(seed_index)))
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 5
        assert {"title", "body", "body_stem", "body_spelling"} <= set(ix.schema.names())
        # Roots and 4-grams are not Whoosh fields: they live in the posting columns.
        assert "body_root" not in ix.schema and "body_gram" not in ix.schema
        exact = searcher.search(Q.Term("body", "لافروف"), limit=None)
        assert len(exact) == 5 and all(hit["title"] and hit["id"] for hit in exact)
        stems = searcher.search(Q.Term("body_stem", "لافروف"), limit=None)
        assert len(stems) == 5
        assert "لافروف".encode() in set(searcher.lexicon("body_stem"))
