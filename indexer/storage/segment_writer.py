"""Whoosh's segment writers, the scored fields inverted with numpy and written once.

In an index folder a segment is written with ColumnsCodec (columns_codec.py):
its scored fields' postings are made by an Inverter from each document's
token numbers (inversion.py) and written only as posting columns
(posting_columns.py), which Whoosh reads through the codec.

What still goes through Whoosh's pool (the ``id`` field, and every field
when a writer uses Whoosh's own codec, as in memory) goes through
``TermPool``.  Whoosh's SegmentWriter sends every posting through an
external sort: one tuple per posting, pickled one at a time into run files,
merged, each posting's field length read back per document.  Documents are
numbered in the order they are added, so a term's postings arrive in order
already: ``TermPool`` appends them to the term's lists, sorts only the terms,
spills runs as pickled chunks of whole terms, and the segment is written
term by term through Whoosh's own field writer, a block at a time: with
Whoosh's codec its files are what Whoosh writes, byte for byte
(tests/test_segment_writer.py).  Whoosh has no public way to swap its pool
(``poolclass`` is accepted and ignored), hence the subclasses.
"""
from __future__ import annotations

import heapq
import os
import pickle
import queue
import signal
from array import array
from collections import deque
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import numpy as np
from whoosh import multiproc, writing
from whoosh.util import random_name

from . import inversion, posting_columns
from .collector import full_collections_held
from .columns_codec import ColumnsCodec
from .positions import decode_positions

# Rough bytes a pooled posting holds in memory (three list slots, the
# document number, the weight and the value's bytes object header), and a
# new term (its key and three lists); used to spill a run at ``limitmb``.
POSTING_BYTES = 110
TERM_BYTES = 300
# Postings per pickled chunk of a run: merging reads one chunk of each run at a time.
CHUNK_POSTINGS = 8192
# Runs merged at once (each an open file holding a chunk in memory), as many as
# Whoosh merges; more are first merged in groups.
MAX_OPEN_RUNS = 128

_term_key = itemgetter(0, 1)


class TermPool:
    """The postings of a segment being written, by field and term.

    ``terms()`` gives (field, term bytes, document numbers, weights, values)
    for each term, sorted by field and term, each term's postings in
    document order."""

    def __init__(self, tempstore, limitmb: int = 128):
        self._tempstore = tempstore
        self._limit = limitmb * 1024 * 1024
        self._size = 0
        self._fields: dict[str, dict[bytes, tuple[list, list, list]]] = {}
        self._runs: list[str] = []
        self.fieldnames: set[str] = set()  # Whoosh's multiprocess writer reads it
        self.inverter, self.inverted = None, frozenset()  # fields whose postings an Inverter makes

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        if fieldname in self.inverted:  # a merged segment's posting of a field the Inverter makes
            self.inverter.add_posting(fieldname, tbytes, docnum, weight, vbytes)
            return
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        postings = terms.get(tbytes)
        if postings is None:
            postings = terms[tbytes] = ([], [], [])
            self._size += TERM_BYTES + len(tbytes)
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(vbytes)
        self._size += POSTING_BYTES + (len(vbytes) if vbytes else 0)
        if self._size > self._limit:
            self.save()

    def _sorted(self):
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            for tbytes in sorted(terms):
                yield (fieldname, tbytes, *terms[tbytes])

    def save(self) -> None:
        """Spills the pooled terms to a run file."""
        if self._fields:
            self._runs.append(self._write_run(self._sorted()))
            self._fields = {}
            self._size = 0

    def _write_run(self, records) -> str:
        name = f"{random_name()}.terms"
        with self._tempstore.create_file(name).raw_file() as f:
            chunk, postings = [], 0
            for record in records:
                chunk.append(record)
                postings += len(record[2])
                if postings >= CHUNK_POSTINGS:
                    pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                    chunk, postings = [], 0
            if chunk:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        return name

    def _read_run(self, name: str):
        try:
            with self._tempstore.open_file(name).raw_file() as f:
                while True:
                    try:
                        chunk = pickle.load(f)
                    except EOFError:
                        return
                    yield from chunk
        finally:
            self._tempstore.delete_file(name)

    def _merged(self, names: list[str]):
        # heapq.merge keeps equal keys in the order of the runs, which is
        # document order: a term's postings are the runs' lists end to end.
        runs = heapq.merge(*map(self._read_run, names), key=_term_key)
        for _, group in groupby(runs, key=_term_key):
            first = next(group)
            rest = list(group)
            if not rest:
                yield first
                continue
            docnums, weights, values = list(first[2]), list(first[3]), list(first[4])
            for record in rest:
                docnums += record[2]
                weights += record[3]
                values += record[4]
            yield (first[0], first[1], docnums, weights, values)

    def terms(self):
        if not self._runs:
            yield from self._sorted()
            return
        self.save()
        runs, self._runs = self._runs, []
        while len(runs) > MAX_OPEN_RUNS:
            # Neighbouring runs, so document order holds.
            runs = [self._write_run(self._merged(runs[at:at + MAX_OPEN_RUNS]))
                    for at in range(0, len(runs), MAX_OPEN_RUNS)]
        yield from self._merged(runs)

    def iter_postings(self):
        """Postings one by one, as Whoosh's pool gives them."""
        for fieldname, tbytes, docnums, weights, values in self.terms():
            for posting in zip(docnums, weights, values):
                yield (fieldname, tbytes, *posting)

    def cleanup(self) -> None:
        for name in self._runs:
            try:
                self._tempstore.delete_file(name)
            except OSError:
                pass
        self._runs = []
        self._fields = {}


def written_fields(fieldwriter, schema, lengths, terms, columns_only=frozenset(), batch: int = 1 << 18):
    """(field, batches) for each field of ``terms``, its batches (terms,
    postings) as ``whoosh_postings.field_postings`` gives them, of about
    ``batch`` postings; each field's postings written through Whoosh's field
    writer as they are read, but for the fields in ``columns_only`` (the
    posting columns alone hold those, see columns_codec.py).  Whoosh's
    ``FieldWriter.add_postings``, a term at a time: each field's document
    lengths are read once instead of once per posting."""
    for fieldname, records in groupby(terms, key=itemgetter(0)):
        writer = None if fieldname in columns_only else fieldwriter
        yield fieldname, _written_batches(writer, schema[fieldname], fieldname, lengths, records, batch)


def _written_batches(fieldwriter, fieldobj, fieldname, lengths, records, batch):
    if fieldwriter is not None:
        fieldwriter.start_field(fieldname, fieldobj)
        length = _field_lengths(lengths, fieldname)
    words, ids, weights, stored, sizes = [], [], [], [], []
    for _, tbytes, docnums, term_weights, values in records:
        if fieldwriter is not None:
            fieldwriter.start_term(tbytes)
            _add_postings(fieldwriter._postwriter, docnums, term_weights, values, [length[d] for d in docnums])
            fieldwriter.finish_term()
        words.append(tbytes)
        ids += docnums
        weights += term_weights
        stored += values
        sizes.append(len(docnums))
        if len(ids) >= batch:
            yield words, _arrays(ids, weights, stored, sizes, fieldobj.format)
            words, ids, weights, stored, sizes = [], [], [], [], []
    if words:
        yield words, _arrays(ids, weights, stored, sizes, fieldobj.format)
    if fieldwriter is not None:
        fieldwriter.finish_field()


def _add_postings(postwriter, docnums, weights, values, lengths) -> None:
    """W3PostingsWriter.add_posting for a term's postings a block at a time:
    each block's lists and statistics set whole, then written as
    add_posting would write it (the last one by finish_postings).  A
    call per posting with its checks was a third of writing a segment."""
    limit = postwriter._blocklimit
    for at in range(0, len(docnums), limit):
        if at:
            postwriter._write_block()
        end = at + limit
        block_weights = weights[at:end]
        block_lengths = [n for n in lengths[at:end] if n]
        postwriter._ids = array("I", docnums[at:end])
        postwriter._weights = array("f", block_weights)
        postwriter._values = [v for v in values[at:end] if v]
        postwriter._maxweight = max(0, *block_weights)
        postwriter._minlength = min(block_lengths) if block_lengths else None
        postwriter._maxlength = max(block_lengths, default=0)


def _arrays(ids, weights, stored, sizes, fmt):
    counts, positions = decode_positions(stored, fmt) if fmt.supports("positions") else (None, None)
    return (np.array(ids, dtype=np.int32), np.array(weights, dtype=np.float64), np.array(sizes, dtype=np.int64),
            counts, positions)


def _field_lengths(lengths, fieldname: str) -> list[int]:
    if lengths is None:
        return _NoLengths()
    return [lengths.doc_field_length(docnum, fieldname) for docnum in range(lengths.doc_count_all())]


class _NoLengths:
    def __getitem__(self, docnum):
        return 0


def _column_fields(fields, schema):
    """The (field, batches) of the fields that have columns, every one of them
    (empty if the segment has no term of it); the others' written and passed over."""
    wanted = posting_columns.column_fields(schema)
    for field, batches in fields:
        if field in wanted:
            wanted.remove(field)
            yield field, batches
        else:
            deque(batches, maxlen=0)
    for field in wanted:
        yield field, iter(())


class _TermPooled:
    """The pool swapped and the segment flushed term by term (mixed into Whoosh's writers).

    In an index folder the segments are written with ColumnsCodec: the
    scored fields' postings go to the posting columns alone, made by an
    Inverter from each document's tokens (inversion.py) when the schema
    allows, which is this engine's."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        if getattr(ix.storage, "folder", None) is not None:
            kwargs.setdefault("codec", ColumnsCodec())
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = TermPool(self._tempstorage, limitmb)
        self.inverter = None
        fields = posting_columns.column_fields(self.schema)
        if isinstance(self.codec, ColumnsCodec) and inversion.invertible(self.schema, fields):
            self.inverter = self.pool.inverter = inversion.Inverter(self.schema, fields)
            self.pool.inverted = frozenset(fields)

    def add_document(self, **fields):
        # Whoosh's add_document, the inverted fields kept as token numbers instead of sent to the pool.
        if self.inverter is None:
            return super().add_document(**fields)
        self._check_state()
        schema, docnum = self.schema, self.docnum
        names = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, names)
        if any(name.endswith("_boost") for name in fields):
            raise ValueError("document and field boosts are not supported: every token weighs 1")
        # Every field read before anything is kept: a value that fails leaves no trace of its document.
        read = []
        for name in names:
            value = fields.get(name)
            if value is None:
                continue
            field = schema[name]
            kept, postings, length = None, (), 0
            if name in self.pool.inverted:
                kept, length = self.inverter.read(name, value)
            elif field.indexed:
                items = list(field.index(value))
                postings = [(name, tbytes, docnum, weight, vbytes) for tbytes, _, weight, vbytes in items]
                length = sum(freq for _, freq, _, _ in items) if field.scorable else 0
            read.append((name, field, value, kept, postings, length))
        perdocwriter = self.perdocwriter
        perdocwriter.start_doc(docnum)
        for name, field, value, kept, postings, length in read:
            if kept is not None:
                self.inverter.keep(docnum, kept)
            for posting in postings:
                self.pool.add(posting)
            stored = fields.get(f"_stored_{name}", value)
            perdocwriter.add_field(name, field, stored if field.stored else None, length)
            if field.column_type and stored is not None:
                perdocwriter.add_column_value(name, field.column_type, field.to_column_value(stored))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def add_postings_to_pool(self, reader, startdoc, docmap):
        # A merged segment's postings: the inverted fields' read whole from its posting columns,
        # not a posting at a time through Whoosh's matchers (the others' as Whoosh adds them).
        columns = getattr(getattr(reader, "_terms", None), "columns", None)
        if self.inverter is None or columns is None or not self.pool.inverted <= set(columns.fields):
            return super().add_postings_to_pool(reader, startdoc, docmap)
        size = reader.doc_count_all()
        new_numbers = np.arange(startdoc, startdoc + size, dtype=np.int64)
        if docmap is not None:
            new_numbers[:] = -1
            for old, new in docmap.items():
                new_numbers[old] = new
        for name in sorted(self.pool.inverted):
            self.inverter.add_segment(name, columns.fields[name], new_numbers)
        others = ((name, text) for name in sorted(reader.indexed_field_names()) if name not in self.pool.inverted
                  for text in reader.lexicon(name))
        postings = ((name, text, *posting) for name, text in others
                    for posting in _matched(reader.postings(name, text)))
        for item in self._process_posts(postings, startdoc, docmap):
            self.pool.add(item)

    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = self.per_document_reader() if self.codec.length_stats else None
        columns_only = set(posting_columns.column_fields(self.schema)) \
            if isinstance(self.codec, ColumnsCodec) else set()
        try:
            fields = written_fields(self.fieldwriter, self.schema, lengths, self.pool.terms(), columns_only)
            folder = getattr(self.storage, "folder", None)
            if folder is None or self.inverter is not None:
                for _, batches in fields:  # Whoosh's files written as the pool's terms are read
                    deque(batches, maxlen=0)
            if folder is not None:
                if self.inverter is not None:
                    fields = [(name, self.inverter.postings(name)) for name in self.inverter.fields()]
                else:
                    fields = _column_fields(fields, self.schema)
                # The posting columns of the segment.  Named apart until the segment is
                # assembled: Whoosh packs every file named after the segment into its compound file.
                segment_id = self.newsegment.segment_id()
                self._pending_columns = Path(folder) / f"pending-{segment_id}{posting_columns.SUFFIX}"
                posting_columns.write_columns(self._pending_columns, self.schema, segment_id, self.docnum, fields)
        finally:
            if lengths is not None:
                lengths.close()
        self.fieldwriter.close()

    def _finalize_segment(self):
        self._pending_columns = None
        segment = super()._finalize_segment()
        if self._pending_columns is not None:
            os.replace(self._pending_columns, posting_columns.columns_path(self._pending_columns.parent,
                                                                         segment.segment_id()))
        return segment


def _matched(m):
    """(document, weight, value) of each posting of a matcher."""
    while m.is_active():
        yield m.id(), m.weight(), m.value()
        m.next()


class SegmentWriter(_TermPooled, writing.SegmentWriter):
    pass


# How long a writer process waits for a job before it looks whether its parent
# is still there, and the parent for a place in the job queue or a writer's
# segment before it looks whether its writer processes are.
WAIT_SECONDS = 1.0


class WriterProcessFailed(Exception):
    """A writer process ended without its segment (killed, or a fault it printed)."""


class _SubWriterTask(multiproc.SubWriterTask):
    """A writer process of ``MpWriter``: Whoosh's, writing its own segment with ``SegmentWriter``
    (full collections held back, see collector.py).  It sends back ("written", its segment),
    or ("failed", the OSError) when the disk is full or the folder read-only."""

    def __init__(self, *args):
        super().__init__(*args)
        self.parent_pid = os.getpid()  # made in the parent, run in the child

    def run(self):
        try:
            with full_collections_held():
                ix = self.storage.open_index(self.indexname)
                writer = self.writer = SegmentWriter(ix, _lk=False, **self.kwargs)
                while self.running:
                    job = self._next_job()
                    if job is None:
                        break
                    self._process_file(*job)
                if not self.running:
                    writer.cancel()
                    return
                segment = writer._finalize_segment()
        except OSError as exc:
            # The parent reports it as it would its own failure, once (no traceback from here).
            self.resultqueue.put(("failed", exc), timeout=5)
            return
        self.resultqueue.put(("written", segment), timeout=5)

    def _next_job(self):
        """The next job, None when there is none to come.  Whoosh waits on the queue
        for good: a writer whose parent was killed (kill -9, the OOM killer) waited
        for ever.  On Linux it is killed with its parent (store._forked_under_lock);
        this is for where it is not, and for a writer forked outside a rebuild."""
        while True:
            try:
                return self.jobqueue.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                if os.getppid() != self.parent_pid:
                    self.running = False
                    return None


class MpWriter(_TermPooled, multiproc.MpWriter):
    """Whoosh's multiprocess writer, each process writing a segment of its own.

    Where Whoosh's waits for its writer processes it looks whether they are
    still there, and a commit fails unless every one of them wrote its segment:
    Whoosh's waited for ever on a full job queue once they were gone, and
    committed without the segment of one that failed."""

    def __init__(self, ix, procs: int, **kwargs):
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)

    # Documents go to the writer processes (Whoosh's), not to this process's Inverter.
    add_document = multiproc.MpWriter.add_document

    def _new_task(self):
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs,
                              self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def _enqueue(self):
        # Whoosh's: the buffered documents go to a job file for a writer process.
        docbuffer, self.docbuffer = self.docbuffer, []
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in docbuffer:
                pickle.dump(item, f, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._check_writers()  # fail early: the others may go on taking jobs
        self._put_job((filename, len(docbuffer)))

    def _put_job(self, job) -> None:
        while True:
            try:
                return self.jobqueue.put(job, timeout=WAIT_SECONDS)
            except queue.Full:
                # Not when a writer ended at the commit's None: the Nones go in
                # behind every job, and the queue holds more than one per writer.
                self._check_writers()

    def _check_writers(self) -> None:
        """Raises the failure of a writer process that ended before the commit asked it to."""
        ended = [task for task in self.tasks if task.exitcode is not None]
        if ended:
            self._raise_failure(ended)

    def _raise_failure(self, ended) -> None:
        # What an ended writer sent back is in the queue's pipe before it exits.
        try:
            while True:
                outcome, value = self.resultqueue.get(timeout=0.1)
                if outcome == "failed":
                    raise value
        except queue.Empty:
            pass
        code = next((task.exitcode for task in ended if task.exitcode), 0)
        how = f"was killed ({signal.Signals(-code).name})" if code < 0 else f"ended with exit code {code}"
        raise WriterProcessFailed(f"a writer process {how} before writing its segment")

    def _written_segments(self) -> list:
        """The segment of every writer process, or the failure of one."""
        segments = []
        while len(segments) < len(self.tasks):
            ended = [task for task in self.tasks if task.exitcode is not None]
            try:
                outcome, value = self.resultqueue.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                # A writer that ended with its segment sent it first: more ended
                # than sent means one ended without.
                if len(ended) > len(segments):
                    self._raise_failure(ended)
                continue
            if outcome == "failed":
                raise value
            segments.append(value)
        for task in self.tasks:
            task.join()
        return segments

    def _commit(self, mergetype, optimize, merge):
        # Whoosh's multisegment commit, with the writers' segments from _written_segments.
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self._put_job(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        finalsegments += self._written_segments()
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self):
        # Whoosh's cancel sets a flag on its own copies of the process objects,
        # which the processes never see: they went on waiting for jobs, and the
        # parent, failing, waited for them at exit (multiprocessing joins its
        # children) for ever.  What they wrote goes with the abandoned index.
        try:
            for task in self.tasks:
                task.terminate()
            for task in self.tasks:
                task.join(timeout=10)
                if task.exitcode is None:
                    task.kill()
                    task.join()
            self.jobqueue.cancel_join_thread()
        finally:
            writing.SegmentWriter.cancel(self)


def writer(ix, procs: int = 1, limitmb: int = 256):
    """A writer for ``ix``: one process, or ``procs`` writer processes sharing ``limitmb``."""
    if procs > 1:
        return MpWriter(ix, procs=procs, limitmb=limitmb // procs)
    return SegmentWriter(ix, limitmb=limitmb)
