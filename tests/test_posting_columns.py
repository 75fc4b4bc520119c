"""Posting columns (posting_columns.py): every term reads the same through
Whoosh's reader (columns_codec.py) as the searches read it, on indexes of
several segments with deleted documents; the files follow their segments
through updates and merges; a generation with a file missing or not its
segment's is damaged (they hold the postings).  That they hold what
Whoosh's own writer writes: tests/test_segment_writer.py."""

from __future__ import annotations

import json
import logging
import mmap
import random
import shutil

import numpy as np
import pytest
from whoosh import formats
from whoosh import index as whoosh_index

from conftest import SEEDS, run_cli
from indexer import IndexDamaged, SearchEngine
from indexer.search.ranking import DEFAULT_RANKING
from indexer.storage import posting_columns
from indexer.storage.positions import decode_positions, position_keys
from indexer.storage.posting_columns import SUFFIX, SegmentColumns, columns_path
from indexer.storage.generations import current_generation
from indexer.storage.whoosh_postings import Gathered


def _segments(gen):
    ix = whoosh_index.open_dir(str(gen))
    return ix, ix.reader()


def test_each_segment_has_its_columns_and_every_term_reads_alike_through_whoosh(split_index):
    gen = current_generation(split_index[1])
    ix, reader = _segments(gen)
    with reader:
        leaves = [leaf for leaf, _ in reader.leaf_readers()]
        assert len(leaves) >= 2 and reader.has_deletions()
        assert sorted(p.name for p in gen.glob(f"*{SUFFIX}")) == sorted(
            columns_path(gen, leaf.segment().segment_id()).name for leaf in leaves)
        compared = 0
        for leaf in leaves:
            columns = SegmentColumns.open_for(gen, leaf.segment().segment_id(), leaf.doc_count_all())
            assert columns is not None
            assert sorted(columns.fields) == sorted(leaf.schema.scorable_names())
            for field in columns.fields:
                fmt = leaf.schema[field].format
                positional = fmt.supports("positions")
                for btext in leaf.lexicon(field):
                    # Whoosh's matcher of the term, the deleted documents' postings kept (as the columns keep them).
                    gathered = Gathered(positional)
                    gathered.add_matcher(leaf._terms.matcher(field, btext, fmt))
                    want = gathered.arrays()
                    ids, weights, keys = columns.read(field, btext, positional)
                    assert ids.tolist() == want[0].tolist() and weights.tolist() == want[1].tolist()
                    assert leaf.doc_frequency(field, btext) == len(ids)
                    if positional:
                        assert keys.tolist() == position_keys(want[0], *decode_positions(want[2], fmt)).tolist()
                    compared += 1
                for absent in (b"", b"\xff\xff", "غيرموجودةابدا".encode()):
                    assert columns.read(field, absent, positional) is None
                    assert leaf.doc_frequency(field, absent) == 0 and (field, absent) not in leaf
        assert compared > 6_000  # exact, stem and spelling terms of title and body


def test_a_generation_without_its_columns_is_damaged(split_index, tmp_path):
    # The columns alone hold the segments' postings and roots and 4-grams.
    copy = tmp_path / "index"
    shutil.copytree(split_index[1], copy)
    assert SearchEngine(copy).ranked("وزير الخارجية")
    (gone, *_) = sorted(current_generation(copy).glob(f"*{SUFFIX}"))
    gone.unlink()
    with pytest.raises(IndexDamaged, match=f"{gone.name} is missing"):
        SearchEngine(copy).ranked("وزير الخارجية")


@pytest.mark.parametrize("damage", ["another segment's", "cut short"])
def test_a_columns_file_that_is_not_its_segments_is_damage_named(split_index, tmp_path, damage):
    # A generation published without a record of its files (an older build) is not checked
    # when opened: each columns file is checked as its segment is opened.
    copy = tmp_path / "index"
    shutil.copytree(split_index[1], copy)
    gen = current_generation(copy)
    meta = json.loads((gen / "meta.json").read_text(encoding="utf-8"))
    del meta["index_files"]
    (gen / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    files = sorted(gen.glob(f"*{SUFFIX}"))
    if damage == "cut short":
        files[0].write_bytes(files[0].read_bytes()[:-100])
        expected = f"{files[0].name} is not a posting columns file"
    else:
        shutil.copy(files[1], files[0])
        expected = f"{files[0].name} holds the postings of another segment"
    with pytest.raises(IndexDamaged, match=expected):
        SearchEngine(copy).ranked("وزير الخارجية")


def test_columns_follow_segments_through_an_update_that_merges(split_index, tmp_path):
    source, index = tmp_path / "src", tmp_path / "index"
    shutil.copytree(split_index[0], source)
    shutil.copytree(split_index[1], index)
    for f in sorted(source.rglob("*.txt"))[:20]:  # a third of the corpus: the update merges every segment
        f.unlink()
    run_cli("update", "--source", str(source), "--index", str(index), "--quiet")
    gen = current_generation(index)
    ix, reader = _segments(gen)
    with reader:
        segments = [leaf.segment().segment_id() for leaf, _ in reader.leaf_readers()]
    assert len(segments) == 1
    assert [p.name for p in gen.glob(f"*{SUFFIX}")] == [columns_path(gen, segments[0]).name]
    assert SearchEngine(index).ranked("المذنب") == []  # its two documents were among those removed


def test_positions_decode_in_one_call_as_whoosh_decodes_them_one_by_one():
    fmt = formats.Positions()
    lists = [[0], [], [3, 3, 9], list(range(0, 5000, 2)), [70_000, 2**31 - 1],
             [1, 255, 256, 65_535, 65_536]]
    values = [fmt.encode(positions) for positions in lists]  # what Whoosh stores for each posting
    counts, positions = decode_positions(values, fmt)
    assert counts.tolist() == [len(p) for p in lists]
    assert positions.tolist() == [p for each in lists for p in each]
    # A value pickled otherwise than by Whoosh's Positions format is still read (one by one).
    import pickle

    other = values[2][:4] + pickle.dumps([3, 0, 6], 5)
    counts, positions = decode_positions(values[:2] + [other], fmt)
    assert counts.tolist() == [1, 0, 3] and positions.tolist() == [0, 3, 3, 9]



def test_positions_past_16_bits_are_kept_whole(tmp_path):
    # Most fields fit in 8 or 16 bits and are stored so; a long document's positions do not.
    source, index = tmp_path / "src", tmp_path / "index"
    source.mkdir()
    # One word 70,000 times, among words that never repeat a run of them (a repeated passage is indexed once).
    words = [w for n in range(70_000) for w in ("كلمة", f"رقم{n}")] + ["كلمة"] * 5 + ["المذنب", "الأخير"]
    (source / "long.txt").write_text("وثيقة طويلة\n\n" + " ".join(words), encoding="utf-8")
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], source)
    run_cli("rebuild", "--source", str(source), "--index", str(index), "--quiet")
    gen = current_generation(index)
    columns = SegmentColumns(next(gen.glob(f"*{SUFFIX}")))
    assert columns.fields["body"].arrays["positions"].dtype == np.int32
    assert columns.fields["body"].arrays["counts"].dtype == np.int32  # a count of 70,000
    assert columns.fields["title"].arrays["positions"].dtype == np.uint8  # two short titles
    assert columns.fields["title"].arrays["ids"].dtype == np.uint8
    assert columns.fields["body"].arrays["posting_starts"].dtype == np.uint32
    # Every token weighs 1 here: a positional field's weights are its counts, not kept twice.
    assert "weights" not in columns.fields["body"].arrays and "weights" not in columns.fields["title"].arrays
    assert columns.fields["title_spelling"].arrays["weights"].dtype == np.uint8
    engine = SearchEngine(index)
    hits = engine.ranked('"المذنب الأخير"')
    assert [doc for doc, _ in hits] == ["long.txt"]


@pytest.mark.parametrize("sample", [1, 4, 64])
def test_a_term_is_found_by_its_sampled_block(tmp_path, monkeypatch, sample):
    monkeypatch.setattr(posting_columns._Terms, "SAMPLE", sample)
    rng = random.Random(sample)
    terms = sorted({bytes(rng.choice(b"abcd") for _ in range(rng.randint(1, 5))) for _ in range(300)})
    path = tmp_path / "terms"
    path.write_bytes(b"".join(terms))
    starts = np.cumsum([0] + [len(t) for t in terms])
    with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as blob:
        found = posting_columns._Terms(blob, 0, starts)
        assert [found.index(t) for t in terms] == list(range(len(terms)))
        absent = {b"", b"0", b"zz", b"abcde" * 2} | {t + b"e" for t in terms} | {t[:-1] + b"\x00" for t in terms}
        assert all(found.index(t) is None for t in absent - set(terms))
        del found  # no buffer held when the map closes
