"""Each segment's postings once more as flat arrays, in a file beside it, memory-mapped for search.

Whoosh keeps a term's postings as zlib'd pickled blocks of 128, and
unpacking them costs about 30 µs a block in Python: at 100,000 documents a
query's first reading of its ~90 terms (exact form, spellings, stems, root
and 4-grams, in title and body) was most of its time, while the same
queries with every posting already in memory ran in a fifth of it
(docs/benchmarks.md).  So every segment's postings are written a second
time, as columns (by the segment writer as it writes the segment, see
segment_writer.py; after a commit, by ``write_missing``, for a segment
written any other way): per scored field the terms in order, and per term a
run of document numbers, weights and (in the positional
fields) positions.  A search then reads a term as a slice of a
memory-mapped file, shared by every process that serves the index.

The file also holds what no Whoosh file does: each exact field's map of
roots and 4-grams to its terms (relatives.py), so a generation records its
size and is damaged without it (generations.index_files).  Whoosh's files
stay the reference for the indexed fields: a segment without a usable
columns file (a generation published without a record of its files, a file
that does not match its segment) is read through Whoosh's blocks, without
relatives, and the tests compare both readings term by term.  The file is named after its segment
(``<segment id>.postings``), so Whoosh deletes it with the segment when a
merge drops it.

Layout: the arrays one after another, each 8-byte aligned, then a JSON
directory of them (name -> dtype, offset, count), its length (8 bytes,
little-endian) and a magic tag.
"""

from __future__ import annotations

import json
import logging
import mmap
import os
import sys
import tempfile
from bisect import bisect_left, bisect_right
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from . import relatives
from .positions import decode_positions, position_keys
from .whoosh_postings import field_postings

MAGIC = b"ARPOST01"
SUFFIX = ".postings"
_ALIGN = 8
_TAIL = 8 + len(MAGIC)

log = logging.getLogger(__name__)


def columns_path(folder: Path, segment_id: str) -> Path:
    return Path(folder) / f"{segment_id}{SUFFIX}"


# -- writing ------------------------------------------------------------


def write_missing(folder: Path, procs: int = 1, progress: bool = False) -> list[str]:
    """Writes the columns file of every segment of the index in ``folder`` that lacks one,
    ``procs`` segments at a time; removes files of segments no longer in the index.
    Returns the segment ids written."""
    folder = Path(folder)
    # The segment list from the table of contents alone: opening a reader
    # loads every segment's term table, which grows with the index.
    segments = whoosh_index.open_dir(str(folder))._segments()
    named = {segment.segment_id() for segment in segments}
    for stale in folder.glob(f"*{SUFFIX}"):
        if stale.name[: -len(SUFFIX)] not in named:
            stale.unlink(missing_ok=True)
    # A segment whose postings are its columns alone (columns_codec.py) cannot be given them again.
    missing = [s.segment_id() for s in segments
               if not columns_path(folder, s.segment_id()).exists() and not _columns_only(s)]
    bar = _progress(len(missing), progress)
    if procs > 1 and len(missing) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(procs, len(missing))) as pool:
            for _ in pool.map(_write_one, [folder] * len(missing), missing):
                bar.update()
    else:
        for segment_id in missing:
            _write_one(folder, segment_id)
            bar.update()
    bar.close()
    return missing


def _columns_only(segment) -> bool:
    from .columns_codec import ColumnsCodec

    return isinstance(segment.codec(), ColumnsCodec)


def _progress(total: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, desc="posting columns", unit="segment", file=sys.stderr, leave=False,
                disable=not (enabled and total))


def _write_one(folder: Path, segment_id: str) -> None:
    ix = whoosh_index.open_dir(str(folder))
    try:
        with ix.reader() as reader:
            for leaf, _ in reader.leaf_readers():
                if leaf.segment().segment_id() == segment_id:
                    write_segment(leaf, columns_path(folder, segment_id))
    finally:
        ix.close()


def write_segment(reader, path: Path) -> None:
    """Writes the columns file of one segment's ``reader`` to ``path``."""
    schema = reader.schema
    fields = [(field, decoded_batches(field_postings(reader, field, schema[field].format.supports("positions")),
                                      schema[field].format))
              for field in column_fields(schema)]
    write_columns(path, schema, reader.segment().segment_id(), reader.doc_count_all(), fields)


def column_fields(schema) -> list[str]:
    """The fields that have columns: the scored ones."""
    return [field for field in schema.scorable_names() if schema[field].format is not None]


def write_columns(path: Path, schema, segment_id: str, documents: int, fields) -> None:
    """Writes a columns file to ``path`` (atomically: a reader never sees half a file).

    ``fields``: (field, batches) in any order, a field's batches being its
    terms in order with their postings: (terms, (document numbers, weights,
    postings per term, occurrences per posting, positions)), the last two
    None in a field without positions (``decoded_batches`` makes them of
    Whoosh's stored values)."""
    relative_maps = relatives.builders(schema, documents)
    with _ArrayFile(path) as out:
        written = []
        for field, batches in fields:
            _write_field(out, field, schema[field].format, batches, relative_maps.get(field))
            written.append(field)
        derived = {}
        for builder in relative_maps.values():
            for field, arrays, total in builder.arrays():
                for name, values in arrays.items():
                    out.add(f"{field}/{name}", values)
                derived[field] = {"source": builder.exact_field, "total": total}
        out.meta.update(segment=segment_id, documents=documents, fields=written, derived=derived)


def decoded_batches(batches, fmt):
    """Batches of (terms, (document numbers, weights, Whoosh's stored values, postings per term)), as
    ``whoosh_postings.field_postings`` gives them, with their values decoded into counts and positions."""
    positional = fmt.supports("positions")
    for words, (ids, weights, stored, postings) in batches:
        counts, positions = decode_positions(stored, fmt) if positional else (None, None)
        yield words, (ids, weights, postings, counts, positions)


def _write_field(out: _ArrayFile, field: str, fmt, batches, relative_map=None) -> None:
    positional = fmt.supports("positions")
    # Document numbers in 16 bits when the segment's fit (up to 65,536 documents, as most do), see _Column.
    columns = {"terms": out.column(np.uint8), "ids": out.column(np.int32, narrow=True),
               "weights": out.column(np.float32, narrow=True)}  # Whoosh keeps weights as 32-bit floats: exact
    # A positional field's weights are mostly its counts (every token weighs 1): then they are not kept.
    weights_are_counts = positional
    if positional:
        columns.update(counts=out.column(np.int32, narrow=True), positions=out.column(np.int32, narrow=True))
    # Per term: its bytes, postings and positions, summed into starts at the end.
    sizes = {name: [] for name in ["term_starts", "posting_starts"] + (["position_starts"] if positional else [])}
    last = b""
    for words, (ids, weights, postings, counts, positions) in batches:
        if words[0] <= last or any(a >= b for a, b in zip(words, words[1:])):
            raise ValueError(f"the terms of {field!r} are not in order")  # the binary search needs them sorted
        last = words[-1]
        columns["terms"].add(np.frombuffer(b"".join(words), dtype=np.uint8))
        columns["ids"].add(ids)
        columns["weights"].add(weights)
        sizes["term_starts"].append(np.fromiter(map(len, words), dtype=np.int64, count=len(words)))
        sizes["posting_starts"].append(postings)
        if positional:
            weights_are_counts = weights_are_counts and np.array_equal(weights, counts)
            columns["counts"].add(counts)
            columns["positions"].add(positions)
            # Positions of each term: the sum of its postings' counts.
            running = np.concatenate([[0], np.cumsum(counts)])
            sizes["position_starts"].append(np.diff(running[np.cumsum(postings)], prepend=0))
            if relative_map is not None:
                relative_map.add(words, ids, counts, postings)
    if weights_are_counts:
        columns.pop("weights").discard()
    for name, column in columns.items():
        out.add(f"{field}/{name}", column)
    for name, parts in sizes.items():
        lengths = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        out.add(f"{field}/{name}", starts(lengths))


def starts(sizes) -> np.ndarray:
    """Where each of a run of parts of ``sizes`` starts, and the end: in 32 bits when they fit."""
    ends = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)]).astype(np.int64)
    return ends.astype(np.uint32) if ends[-1] <= 0xFFFFFFFF else ends


class _Column:
    """An array written a batch at a time to a temporary file, so a field of
    any size takes little memory; kept in 8 or 16 bits when every value fits,
    as document numbers, weights, counts and positions mostly do (a count is
    nearly always under 256, a segment's documents and a document's positions
    under 65,536)."""

    def __init__(self, dtype, folder: Path, narrow: bool):
        self.dtype = np.dtype(dtype)
        self.file = tempfile.TemporaryFile(dir=folder)
        self.count = 0
        self.narrow = narrow
        self.largest = 0

    def add(self, values) -> None:
        values = np.asarray(values, dtype=self.dtype)
        if self.narrow and len(values):
            if values.min() < 0 or (self.dtype.kind == "f" and not (values == np.round(values)).all()):
                self.narrow = False
            else:
                self.largest = max(self.largest, values.max())
        values.tofile(self.file)
        self.count += len(values)

    def discard(self) -> None:
        self.file.close()

    def stored_dtype(self) -> np.dtype:
        if self.narrow and self.largest <= 0xFF:
            return np.dtype(np.uint8)
        if self.narrow and self.largest <= 0xFFFF:
            return np.dtype(np.uint16)
        return self.dtype

    def copy_to(self, out) -> None:
        stored = self.stored_dtype()
        self.file.seek(0)
        while chunk := self.file.read(self.dtype.itemsize << 20):
            np.frombuffer(chunk, dtype=self.dtype).astype(stored, copy=False).tofile(out)
        self.file.close()


class _ArrayFile:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + f"_tmp{os.getpid()}")
        self.meta, self.arrays = {}, {}

    def __enter__(self):
        self.out = open(self.tmp, "wb")
        self.columns = []
        return self

    def column(self, dtype, narrow: bool = False) -> _Column:
        column = _Column(dtype, self.path.parent, narrow)
        self.columns.append(column)
        return column

    def add(self, name: str, values) -> None:
        """Appends an array (or a _Column, copied from its temporary file) under ``name``."""
        padding = -self.out.tell() % _ALIGN
        self.out.write(b"\0" * padding)
        offset = self.out.tell()
        if isinstance(values, _Column):
            values.copy_to(self.out)
            dtype, count = values.stored_dtype(), values.count
        else:
            values.tofile(self.out)
            dtype, count = values.dtype, len(values)
        self.arrays[name] = [dtype.str, offset, count]

    def __exit__(self, kind, error, trace):
        for column in self.columns:
            column.file.close()
        try:
            if kind is None:
                directory = json.dumps({**self.meta, "arrays": self.arrays}).encode()
                self.out.write(directory + len(directory).to_bytes(8, "little") + MAGIC)
                self.out.flush()
                os.fsync(self.out.fileno())
            self.out.close()
            if kind is None:
                os.replace(self.tmp, self.path)
        finally:
            self.tmp.unlink(missing_ok=True)
        return False


# -- reading ------------------------------------------------------------


class SegmentColumns:
    """One segment's columns file, memory-mapped; each term found by binary search among its field's terms."""

    def __init__(self, path: Path):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        tail = self._map[-_TAIL:]
        if len(self._map) < _TAIL or tail[8:] != MAGIC:
            raise ValueError(f"{path} is not a posting columns file")
        size = int.from_bytes(tail[:8], "little")
        directory = json.loads(self._map[-_TAIL - size : -_TAIL])
        self.segment, self.documents = directory["segment"], directory["documents"]
        self.fields = {}
        for field in directory["fields"]:
            self.fields[field] = _FieldColumns(*self._field(directory, field))
        # Roots and 4-grams, read through their exact field (relatives.py).
        self.derived = {}
        for field, spec in directory.get("derived", {}).items():
            if spec["source"] in self.fields:
                self.derived[field] = relatives.DerivedColumns(*self._field(directory, field),
                                                               self.fields[spec["source"]], self.documents,
                                                               spec["total"])

    def _field(self, directory: dict, field: str):
        """A field's arrays, by name, and its terms."""
        arrays = {name.split("/", 1)[1]: self._array(*spec)
                  for name, spec in directory["arrays"].items() if name.startswith(field + "/")}
        terms_at = directory["arrays"][field + "/terms"][1]
        return arrays, _Terms(self._map, terms_at, arrays["term_starts"])

    def _array(self, dtype: str, offset: int, count: int) -> np.ndarray:
        return np.frombuffer(self._map, dtype=np.dtype(dtype), count=count, offset=offset)

    @classmethod
    def open_for(cls, folder: Path, segment_id: str, documents: int) -> SegmentColumns | None:
        """The columns of a segment, or None when it has no usable file (its postings are then read from Whoosh)."""
        path = columns_path(folder, segment_id)
        if not path.exists():
            return None
        try:
            columns = cls(path)
        except (OSError, ValueError, KeyError) as error:
            log.warning("posting columns %s not used: %s", path, error)
            return None
        if (columns.segment, columns.documents) != (segment_id, documents):
            log.warning("posting columns %s belong to another segment; not used", path)
            return None
        return columns

    def read(self, field: str, btext: bytes, positions: bool):
        """(document numbers, weights float64, (document, position) keys if asked) of a term, or None."""
        columns = self.fields.get(field) or self.derived[field]
        return columns.read(btext, positions)


class _FieldColumns:
    def __init__(self, arrays: dict, terms: _Terms):
        self.arrays = arrays
        self._terms = terms
        self.term_count = terms.n
        # A positional field whose weights were its counts kept only the counts (_write_field).
        self.weights = arrays["weights"] if "weights" in arrays else arrays["counts"]

    def term_index(self, btext: bytes) -> int | None:
        return self._terms.index(btext)

    def term_at(self, i: int) -> bytes:
        return self._terms[i]

    def terms_at_or_after(self, btext: bytes) -> int:
        """Where the first term not before ``btext`` stands."""
        return self._terms.position(btext)

    def terms_from(self, prefix: bytes):
        """The terms from the first not before ``prefix`` on, in order."""
        for i in range(self._terms.position(prefix), self.term_count):
            yield self._terms[i]

    def posting_count(self, i: int) -> int:
        starts = self.arrays["posting_starts"]
        return int(starts[i + 1]) - int(starts[i])

    def total_weight(self, i: int) -> float:
        """The sum of a term's weights, as Whoosh's term table keeps it (a 32-bit float)."""
        if "weights" not in self.arrays and "position_starts" in self.arrays:
            starts = self.arrays["position_starts"]  # the weights are the counts of positions
            return float(np.float32(int(starts[i + 1]) - int(starts[i])))
        starts = self.arrays["posting_starts"]
        return float(np.float32(self.weights[int(starts[i]):int(starts[i + 1])].sum(dtype=np.float64)))

    def read_at(self, i: int):
        """(document numbers, weights float64, None) of the ``i``-th term."""
        starts = self.arrays["posting_starts"]
        a, b = int(starts[i]), int(starts[i + 1])
        return self.arrays["ids"][a:b], self.weights[a:b].astype(np.float64), None

    def read(self, btext: bytes, positions: bool, grouped: bool = False):
        """(document numbers, weights float64, (document, position) keys if asked) of a term, or None;
        ``grouped``: the positions as a list per posting instead (what Whoosh's values encode)."""
        i = self._terms.index(btext)
        if i is None:
            return None
        ids, weights, _ = self.read_at(i)
        if not len(ids):
            return None
        keys = None
        arrays = self.arrays
        if positions and "positions" in arrays:
            a = int(arrays["posting_starts"][i])
            c, d = int(arrays["position_starts"][i]), int(arrays["position_starts"][i + 1])
            counts, where = arrays["counts"][a:a + len(ids)], arrays["positions"][c:d]
            if grouped:
                keys = np.split(where.astype(np.int64), np.cumsum(counts)[:-1].astype(np.int64))
                keys = [k.tolist() for k in keys]
            else:
                keys = position_keys(ids, counts, where)
        return ids, weights, keys


class _Terms:
    """A field's terms as a sorted sequence of bytes over the mapped file."""

    # Every SAMPLE-th term is kept as bytes, so a lookup bisects that list in
    # C and then reads at most log2(SAMPLE) terms from the file: a full
    # bisect read ~19 of them, each a slice and two numpy scalars.
    SAMPLE = 16
    # A query looks its terms up several times (its cost, idf, postings), and queries share
    # words: the places of the terms looked up lately are remembered.
    REMEMBERED = 4096

    def __init__(self, blob: mmap.mmap, base: int, starts: np.ndarray):
        self.blob, self.base = blob, base
        self.starts = starts
        self.n = len(starts) - 1
        self._sample = None
        self._found: dict[bytes, int | None] = {}

    def __getitem__(self, i):
        return self.blob[self.base + int(self.starts[i]) : self.base + int(self.starts[i + 1])]

    def position(self, btext: bytes) -> int:
        """Where ``btext`` stands or would stand among the terms (bisect_left)."""
        if self._sample is None:  # made on the field's first lookup, not when the index opens
            self._sample = [self[i] for i in range(0, self.n, self.SAMPLE)]
        block = bisect_right(self._sample, btext) - 1
        if block < 0:
            return 0
        lo = block * self.SAMPLE
        return bisect_left(self, btext, lo, min(lo + self.SAMPLE, self.n))

    def index(self, btext: bytes) -> int | None:
        """Where ``btext`` stands among the terms, or None when it is not one."""
        found = self._found.get(btext, -1)
        if found != -1:
            return found
        i = self.position(btext)
        found = i if i < self.n and self[i] == btext else None
        if len(self._found) >= self.REMEMBERED:
            self._found = {}
        self._found[btext] = found
        return found
