"""Postings read out of Whoosh's blocks into numpy arrays, a term or a whole field at a time.

Whoosh reads postings one at a time through a matcher.  Its on-disk
format is a term's blocks of up to 128 postings, each block a zlib'd
pickle of (document deltas, weights, stored values); a rare term's may be
kept whole in its term entry instead ("inlined").  Reading blocks whole into
flat lists and making arrays once is several times faster than stepping a
matcher; Whoosh has no public way to do it, so ``Gathered`` reads its
segment's term entries and blocks directly (which also keeps the postings
of deleted documents, as Lucene's readers do: callers mask them), with a
matcher's public stepping as the way for anything else (other codecs).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher, W3TermsReader
from whoosh.reading import TermNotFound

from .positions import restarting_cumsum


class Gathered:
    """The postings of one or more terms, gathered into flat lists and made into arrays once.

    A numpy call per block (or per term, for a whole field) cost as much as
    Whoosh's unpickling of the block, hence lists first."""

    def __init__(self, values: bool):
        self.values = values
        # Document numbers as runs of deltas (a block's ids count from 0).
        self.deltas, self.runs, self.weights, self.stored = [], [], [], []
        self.sizes = []  # postings per term
        self.count = 0

    def add_matcher(self, m) -> None:
        """Adds the postings of one term's matcher (a matcher filtered for
        deletions is stepped through whole, since its leaf may have moved on)."""
        before = self.count
        if isinstance(m, W3LeafMatcher):
            self._add_blocks(m)
        else:
            ids, weights, stored = [], [], []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                if self.values:
                    stored.append(m.value())
                m.next()
            self._add_list(ids, weights, stored)
        self.sizes.append(self.count - before)

    def add_term_info(self, terms: W3TermsReader, info, fmt) -> None:
        """Adds the postings of one term of a Whoosh 3 segment, from its term entry."""
        if info.is_inlined():
            ids, weights, stored = info.inlined_postings()
            self._add_list(ids, weights, stored)
            self.sizes.append(len(ids))
        else:
            self.add_matcher(W3LeafMatcher(terms._postfile, *info.extent(), fmt))

    def _add_list(self, ids, weights, stored) -> None:
        # Absolute document numbers, as one run of deltas.
        self.deltas.extend(b - a for a, b in zip((0, *ids), ids))
        self.runs.append(len(ids))
        self.weights.extend(weights)
        if self.values:
            self.stored.extend(stored)
        self.count += len(ids)

    def _add_blocks(self, m: W3LeafMatcher) -> None:
        deltas, runs, weights, values = self.deltas, self.runs, self.weights, self.values
        while m.is_active():
            if m._data is None:
                m._read_data()
            if values:
                m._read_values()
                self.stored.extend(m._values)
            block_ids, block_weights = m._data[0], m._data[1]
            deltas.extend(block_ids)
            runs.append(len(block_ids))
            if block_weights is None:
                weights.extend([1.0] * len(block_ids))
            elif isinstance(block_weights, float):
                weights.extend([block_weights] * len(block_ids))
            else:
                weights.extend(block_weights)
            self.count += len(block_ids)
            m._next_block()

    def arrays(self):
        """(document numbers int32, weights float64, stored values or None, postings per term int64)."""
        ids = restarting_cumsum(np.array(self.deltas, dtype=np.int64), np.array(self.runs, dtype=np.int64))
        return (ids.astype(np.int32), np.array(self.weights, dtype=np.float64),
                self.stored if self.values else None, np.array(self.sizes, dtype=np.int64))


def read_postings(reader, field: str, btext: bytes, values: bool = False):
    """(document numbers int32, weights float64, stored values if asked) of a
    term (as stored: bytes) in one segment's ``reader``, or None without postings.
    The postings of deleted documents are included where Whoosh keeps them."""
    gathered = Gathered(values)
    terms = getattr(reader, "_terms", None)
    if isinstance(terms, W3TermsReader):
        try:
            info = terms.term_info(field, btext)
        except (TermNotFound, KeyError):
            return None
        gathered.add_term_info(terms, info, reader.schema[field].format)
    elif (field, btext) in reader:
        gathered.add_matcher(reader.postings(field, btext))
    if not gathered.count:
        return None
    return gathered.arrays()[:3]


def field_postings(reader, field: str, values: bool, batch: int = 1 << 18) -> Iterator[tuple[list[bytes], tuple]]:
    """Every term of ``field`` in one segment's ``reader``, in order, with its postings:
    (terms, Gathered.arrays()) for runs of terms of about ``batch`` postings."""
    terms = getattr(reader, "_terms", None)
    fmt = reader.schema[field].format
    words, gathered = [], Gathered(values)
    for btext, info in reader.iter_field(field):
        words.append(btext)
        if isinstance(terms, W3TermsReader):  # read from the term entry, without looking the term up again
            gathered.add_term_info(terms, info, fmt)
        else:
            gathered.add_matcher(reader.postings(field, btext))
        if gathered.count >= batch:
            yield words, gathered.arrays()
            words, gathered = [], Gathered(values)
    if words:
        yield words, gathered.arrays()

