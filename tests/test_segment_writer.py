"""The segment writer writes what Whoosh's own writer writes.

Everything a reader can see is compared: every term of every field with its
statistics and its postings (document, weight, value), every document's
field lengths and stored fields, for one writer (its scored fields made by
the Inverter, read through ColumnsCodec), for the term pool that spills
many runs and merges them in groups (Whoosh's codec), for writer processes,
and for an update that deletes documents and merges the segments.
"""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh import writing
from whoosh.codec.whoosh3 import W3Codec

from indexer.storage import inversion, segment_writer
from indexer.storage.schema import build_schema, document_fields

from conftest import SEEDS


def _documents():
    # The seed articles, and pieces of them, so terms recur across documents.
    documents = []
    for path in sorted(SEEDS.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        paragraphs = [p for p in body.split("\n") if p.strip()]
        documents.append((path.stem, title, body))
        for at, paragraph in enumerate(paragraphs):
            documents.append((f"{path.stem}-{at}", title, paragraph))
    return documents


def _add(writer, documents):
    for doc_id, title, body in documents:
        writer.add_document(id=doc_id, path=doc_id, **document_fields(title, body))


def _content(ix, in_order=True) -> dict:
    """What a reader of ``ix`` sees, documents told by their id; postings in
    the order read unless not ``in_order`` (segments may number documents differently)."""
    with ix.reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        seen = {"documents": sorted(ids.values()),
                "stored": sorted((fields["id"], sorted(fields.items())) for _, fields in reader.iter_docs())}
        for fieldname in ix.schema.names():
            if not ix.schema[fieldname].indexed:
                continue
            seen[fieldname, "lengths"] = sorted((ids[d], reader.doc_field_length(d, fieldname)) for d in ids)
            seen[fieldname, "length"] = reader.field_length(fieldname)
            for text in reader.lexicon(fieldname):
                info = reader.term_info(fieldname, text)
                matcher = reader.postings(fieldname, text)
                postings = []
                while matcher.is_active():
                    postings.append((ids[matcher.id()], matcher.weight(), matcher.value()))
                    matcher.next()
                seen[fieldname, text] = (info.doc_frequency(), info.weight(), info.min_length(),
                                         info.max_length(), info.max_weight(), postings if in_order else sorted(postings))
        return seen


def _build(path, documents, writer_class, spill_bytes=None):
    path.mkdir()
    ix = whoosh_index.create_in(str(path), build_schema())
    writer = writer_class(ix)
    if spill_bytes is not None:
        writer.pool._limit = spill_bytes
    _add(writer, documents)
    writer.commit()
    return whoosh_index.open_dir(str(path))


@pytest.fixture(scope="module")
def whoosh_built(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("whoosh") / "ix", _documents(), writing.SegmentWriter)


@pytest.mark.parametrize("sorted_at_once, tokens_at_once", [(50, 70), (1 << 22, 1 << 23)])
def test_one_writer_writes_what_whoosh_writes(tmp_path, whoosh_built, monkeypatch, sorted_at_once, tokens_at_once):
    # A field's occurrences sorted in runs of whole terms, its tokens scanned in blocks (many of each, then one).
    monkeypatch.setattr(inversion, "SORTED_AT_ONCE", sorted_at_once)
    monkeypatch.setattr(inversion, "TOKENS_AT_ONCE", tokens_at_once)
    built = []
    ix = _build(tmp_path / "ix", _documents(), lambda ix: built.append(segment_writer.SegmentWriter(ix)) or built[0])
    assert built[0].inverter is not None  # the scored fields made from token numbers (inversion.py)
    assert len(ix._segments()) == 1
    assert _content(ix) == _content(whoosh_built)


def test_a_document_that_fails_part_way_leaves_nothing_behind(tmp_path, whoosh_built):
    (tmp_path / "ix").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ix"), build_schema())
    writer = segment_writer.SegmentWriter(ix)
    documents = _documents()
    _add(writer, documents[:5])
    # Fields are indexed in name order: the body's tokens are kept before the title fails.
    with pytest.raises(Exception):
        writer.add_document(id="broken", path="broken", **{**document_fields("", "نص يبقى"), "title": 42})
    _add(writer, documents[5:])
    writer.commit()
    assert _content(whoosh_index.open_dir(str(tmp_path / "ix"))) == _content(whoosh_built)


def _segment_files(path, writer) -> dict[str, bytes]:
    ix = _build(path, _documents(), writer)
    (segment,) = ix._segments()
    named = segment.segment_id()
    return {p.name[len(named):]: p.read_bytes() for p in path.iterdir() if p.name.startswith(named)}


def test_with_whooshs_codec_the_files_are_whooshs_byte_for_byte(tmp_path):
    # Block by block: the blocks' own statistics (which let Whoosh skip
    # blocks) are in the bytes, not in what a reader returns.
    ours = _segment_files(tmp_path / "ours", lambda ix: segment_writer.SegmentWriter(ix, compound=False,
                                                                                     codec=W3Codec()))
    whooshs = _segment_files(tmp_path / "whoosh", lambda ix: writing.SegmentWriter(ix, compound=False))
    assert {".pst", ".trm"} <= set(ours)
    del ours[".postings"]
    assert ours == whooshs


def test_the_scored_fields_postings_are_written_once(tmp_path):
    # In the columns alone: Whoosh's term table and blocks hold the document ids only.
    ours = _segment_files(tmp_path / "ours", lambda ix: segment_writer.SegmentWriter(ix, compound=False))
    whooshs = _segment_files(tmp_path / "whoosh", lambda ix: writing.SegmentWriter(ix, compound=False))
    assert set(ours) == set(whooshs) | {".postings"}
    for kept in set(whooshs) - {".pst", ".trm"}:  # field lengths and stored fields
        assert ours[kept] == whooshs[kept], kept
    assert len(ours[".pst"]) + len(ours[".trm"]) < 0.1 * (len(whooshs[".pst"]) + len(whooshs[".trm"]))
    ix = whoosh_index.open_dir(str(tmp_path / "ours"))
    with ix.reader() as reader:
        assert sorted(reader._terms._whoosh.indexed_field_names()) == ["id"]


def test_the_pool_gives_postings_in_whooshs_order(tmp_path):
    def postings(name, writer_class):
        (tmp_path / name).mkdir()
        writer = writer_class(whoosh_index.create_in(str(tmp_path / name), build_schema()))
        _add(writer, _documents()[:12])
        try:
            return list(writer.iter_postings())
        finally:
            writer.cancel()

    ours = postings("ours", lambda ix: segment_writer.SegmentWriter(ix, codec=W3Codec()))
    assert ours == postings("whoosh", writing.SegmentWriter)


def test_spilled_runs_merged_in_groups_write_what_whoosh_writes(tmp_path, whoosh_built, monkeypatch):
    monkeypatch.setattr(segment_writer, "MAX_OPEN_RUNS", 3)
    monkeypatch.setattr(segment_writer, "CHUNK_POSTINGS", 50)
    runs = []
    spill = segment_writer.TermPool.save

    def counted(pool):
        runs.append(bool(pool._fields))
        spill(pool)

    monkeypatch.setattr(segment_writer.TermPool, "save", counted)
    ix = _build(tmp_path / "ix", _documents(), lambda ix: segment_writer.SegmentWriter(ix, codec=W3Codec()),
                spill_bytes=300_000)
    assert sum(runs) > 3 * 3  # enough runs to be merged in groups first
    assert _content(ix) == _content(whoosh_built)


def test_an_update_that_deletes_and_merges_writes_what_whoosh_writes(tmp_path):
    documents = _documents()
    first, later = documents[: len(documents) // 2], documents[len(documents) // 2:]

    def updated(path, writer_class):
        ix = _build(path, first, writer_class)
        writer = writer_class(ix)
        for doc_id, _, _ in first[::3]:
            writer.delete_by_term("id", doc_id)
        _add(writer, later)
        writer.commit(optimize=True)
        return whoosh_index.open_dir(str(path))

    ours = updated(tmp_path / "ours", segment_writer.SegmentWriter)
    assert len(ours._segments()) == 1
    assert _content(ours) == _content(updated(tmp_path / "whoosh", writing.SegmentWriter))


def test_writer_processes_write_what_whoosh_writes(tmp_path, whoosh_built):
    # Each process writes its own segment; together they hold what one writer does.
    ix = _build(tmp_path / "ix", _documents(), lambda ix: segment_writer.MpWriter(ix, procs=2, batchsize=10))
    assert len(ix._segments()) == 2
    assert _content(ix, in_order=False) == _content(whoosh_built, in_order=False)


def test_writer_processes_hold_back_full_collections(tmp_path, monkeypatch):
    # Each writer process pools its postings with Python's full collections held
    # back (collector.py); the processes are forked, so they write down what they saw.
    import gc

    seen = tmp_path / "thresholds"
    process_file = segment_writer._SubWriterTask._process_file

    def recording(self, *job):
        with open(seen, "a", encoding="utf-8") as out:
            out.write(f"{gc.get_threshold()[2]}\n")
        return process_file(self, *job)

    monkeypatch.setattr(segment_writer._SubWriterTask, "_process_file", recording)
    before = gc.get_threshold()
    _build(tmp_path / "ix", _documents(), lambda ix: segment_writer.MpWriter(ix, procs=2, batchsize=10))
    held = [int(line) for line in seen.read_text(encoding="utf-8").split()]
    assert held and all(threshold > 10**9 for threshold in held)
    assert gc.get_threshold() == before


def test_the_posting_columns_written_with_the_segment_are_those_read_back_from_it(tmp_path):
    from indexer.storage import posting_columns

    ix = _build(tmp_path / "ix", _documents()[:30] + [("untitled", "", "نص بلا عنوان")], segment_writer.SegmentWriter)
    with ix.reader() as reader:
        segment_id = reader.segment().segment_id()
        written = posting_columns.columns_path(tmp_path / "ix", segment_id)
        posting_columns.write_segment(reader, tmp_path / "read-back")
    assert written.read_bytes() == (tmp_path / "read-back").read_bytes()
    columns = posting_columns.SegmentColumns(written)
    assert sorted(columns.fields) == sorted(posting_columns.column_fields(ix.schema))
