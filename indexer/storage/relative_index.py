"""The relatives (roots, 4-grams) of a whole opened index, segment by segment.

Each segment's posting columns hold its relatives' maps (relatives.py);
this gathers them for one opened index: the whole index's statistics a
virtual field needs (average length, document frequency) and a segment's
postings, lengths and cost.  Made once per opened generation and kept with
its reader (``attach``), so the query parser, the array scorer and Whoosh's
own matchers read the same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .columns_codec import folder_of_storage
from .posting_columns import SegmentColumns

_ATTRIBUTE = "_arabic_relatives"


class IndexRelatives:
    def __init__(self, folder: Path | None, reader):
        self.doc_count = reader.doc_count_all()
        self._columns = {}
        for leaf, _ in reader.leaf_readers():
            segment = leaf.segment() if hasattr(leaf, "segment") else None
            if segment is None or folder is None:
                continue
            segment_id = segment.segment_id()
            # A segment written with ColumnsCodec has its columns open already (columns_codec.py).
            columns = getattr(getattr(leaf, "_terms", None), "columns", None)
            self._columns[segment_id] = columns if columns is not None else \
                SegmentColumns.open_for(folder, segment_id, leaf.doc_count_all())
        self._averages = {}

    def columns_of(self, segment_id) -> SegmentColumns | None:
        return self._columns.get(segment_id)

    def _derived(self, field: str):
        return [c.derived[field] for c in self._columns.values() if c is not None and field in c.derived]

    def average_length(self, field: str) -> float:
        """The field's average length over every document, deleted ones included, as Whoosh counts it."""
        if field not in self._averages:
            self._averages[field] = sum(d.total for d in self._derived(field)) / (self.doc_count or 1)
        return self._averages[field]

    def postings(self, segment_id, field: str, text: str):
        """(document numbers, weights) of a relative in one segment, or None."""
        columns = self.columns_of(segment_id)
        if columns is None or field not in columns.derived:
            return None
        found = columns.derived[field].read(text.encode("utf-8"))
        return None if found is None else found[:2]

    def lengths(self, segment_id, field: str) -> np.ndarray | None:
        """Each document's length code (Whoosh's one-byte code) in one segment."""
        columns = self.columns_of(segment_id)
        if columns is None or field not in columns.derived:
            return None
        return columns.derived[field].arrays["lengths"]

    def doc_frequency(self, field: str, text: str) -> int:
        btext = text.encode("utf-8")
        return sum(len(found[0]) for d in self._derived(field) if (found := d.read(btext)) is not None)

    def postings_read(self, field: str, text: str) -> int:
        """How many postings reading the relative sums over the index (the query budget counts them)."""
        btext = text.encode("utf-8")
        return sum(d.postings_read(btext) for d in self._derived(field))


def attach(reader, relatives: IndexRelatives) -> None:
    """Keeps ``relatives`` with the index ``reader`` they were made for."""
    setattr(reader, _ATTRIBUTE, relatives)


def of(reader) -> IndexRelatives | None:
    """The relatives kept with ``reader`` (``attach``), made and kept now if it has none;
    None for a reader of no index folder (an index in memory)."""
    relatives = getattr(reader, _ATTRIBUTE, None)
    if relatives is None:
        folder = folder_of(reader)
        if folder is None:
            return None
        relatives = IndexRelatives(folder, reader)
        attach(reader, relatives)
    return relatives


def folder_of(reader) -> Path | None:
    """The folder of the index ``reader`` reads, found through its segments' storage."""
    for leaf, _ in reader.leaf_readers():
        folder = folder_of_storage(getattr(leaf, "_storage", None))
        if folder is not None:
            return folder
    return None
