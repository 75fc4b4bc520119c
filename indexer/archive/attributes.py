"""Every document's source, day and group of copies, as arrays by document number.

Read once per index generation (the engine shares them between threads):
sources and dates from the postings of their indexed fields (a few hundred
distinct values, each one read of its documents), signatures from their
column, grouped by duplicates/groups.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..duplicates import groups as dup_groups
from ..duplicates.signature import BYTES, PERMUTATIONS, signatures

NO_DAY = -1  # a document without a date


@dataclass
class Attributes:
    sources: list[str]  # source names, by code
    source: np.ndarray  # each document's source code, -1 without one
    day: np.ndarray  # each document's date as a day number (date.toordinal), NO_DAY without one
    group: np.ndarray  # each document's group of copies: the lowest document number in it
    copied: np.ndarray  # whether the document's group holds another document
    first_year: int  # the year of year_slot 0
    year_slot: np.ndarray  # each document's year - first_year (-1 without a date): facets count with bincount

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in (self.source, self.day, self.group, self.copied, self.year_slot))


def day_number(date: dt.date) -> int:
    return date.toordinal()


def _postings_by_value(reader, field: str):
    """(value, document numbers) of each term of an indexed ID field in one segment."""
    if field not in reader.indexed_field_names():
        return
    for text in reader.lexicon(field):
        value = text.decode("utf-8") if isinstance(text, bytes) else text
        yield value, np.fromiter(reader.postings(field, text).all_ids(), dtype=np.int64)


def _signatures(reader, size: int) -> np.ndarray:
    """One segment's signatures; rows of zeros where it has none (signatures off, an older segment)."""
    found = np.zeros((size, PERMUTATIONS), dtype="<u4")
    column = reader.column_reader("signature", translate=False) if reader.has_column("signature") else None
    # Whoosh reads a fixed-size column a value at a time; its values lie end to end
    # (documents past the last one written take the column's default, zeros).
    stored = getattr(column, "_count", 0)
    if stored:
        found[:stored] = signatures(column._dbfile.get(column._basepos, stored * BYTES), stored)
    return found


def read_attributes(searcher) -> Attributes:
    """The attributes of every document under ``searcher``."""
    size = searcher.reader().doc_count_all()
    live = np.ones(size, dtype=bool)
    source = np.full(size, -1, dtype=np.int32)
    day = np.full(size, NO_DAY, dtype=np.int32)
    codes: dict[str, int] = {}
    parts = []
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if reader.has_deletions():
            live[np.fromiter(reader.deleted_docs_set, dtype=np.int64) + offset] = False
        for value, docs in _postings_by_value(reader, "source"):
            source[docs + offset] = codes.setdefault(value, len(codes))
        for value, docs in _postings_by_value(reader, "date"):
            try:
                day[docs + offset] = dt.date.fromisoformat(value).toordinal()
            except ValueError:
                continue  # not written by this engine's reader (which keeps ISO dates only)
        parts.append(_signatures(reader, reader.doc_count_all()))
    all_signatures = np.concatenate(parts) if parts else np.zeros((0, PERMUTATIONS), dtype="<u4")
    group = dup_groups.groups(all_signatures, live)
    sizes = np.bincount(group[live], minlength=size) if size else np.zeros(0, dtype=np.int64)
    copied = (sizes[group] > 1) & live
    first_year, year_slot = _year_slots(day)
    return Attributes(list(codes), source, day, group, copied, first_year, year_slot)


def _year_slots(day: np.ndarray) -> tuple[int, np.ndarray]:
    """The first year, and each document's year counted from it (-1 without a date)."""
    slot = np.full(len(day), -1, dtype=np.int16)
    dated = day != NO_DAY
    if not dated.any():
        return 0, slot
    low = dt.date.fromordinal(int(day[dated].min())).year
    high = dt.date.fromordinal(int(day[dated].max())).year
    firsts = np.array([dt.date(y, 1, 1).toordinal() for y in range(low, high + 1)])
    slot[dated] = np.searchsorted(firsts, day[dated], side="right") - 1
    return low, slot
