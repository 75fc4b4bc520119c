"""Phrases matched on arrays of word positions, instead of by Whoosh's span matchers.

Whoosh matches a phrase document by document: for each document holding
every word it decodes the words' positions into Span objects and joins them
pair by pair in Python (query/spans.py).  A phrase with a common word (في
عام) visits most of the index that way, and such phrases were nearly all of
the slowest queries at 100,000 documents (docs/benchmarks.md).  Here a
word's positions in one segment are decoded once into flat arrays, and a
phrase is matched for all its candidate documents at once with a few numpy
searches.

The rule is Whoosh's (SpanNear2, ordered, mindist 1, as Phrase builds it):
a document matches when each word i of the phrase has a position p_i with
1 <= p_i - p_(i-1) <= slop.
"""

from __future__ import annotations

from itertools import chain

import numpy as np
from whoosh import formats
from whoosh.compat import loads
from whoosh.system import _INT_SIZE

# A word's positions in one segment are kept as one sorted int64 array of
# keys, document << 32 | position: a phrase is then a few sorted searches.
_DOC_SHIFT = 32
_PROTO_2 = b"\x80\x02"


def decode_positions(values: list[bytes], fmt) -> tuple[np.ndarray, np.ndarray]:
    """(positions per posting, all positions in order) of a word's postings, from their stored values.

    A value of Whoosh's Positions format is a packed count and a pickled
    list of position deltas (formats.Positions.encode); unpickling those
    lists straight is several times faster than decode_positions' Python
    loop over every position.  Any other format decodes its own values."""
    as_deltas = type(fmt) is formats.Positions
    lists = _unpickled(values) if as_deltas else [fmt.decode_positions(v) for v in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    positions = np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum()))
    if as_deltas:
        positions = restarting_cumsum(positions, counts)  # deltas restart at each document
    return counts, positions


def _unpickled(values: list[bytes]) -> list[list[int]]:
    # Whoosh pickles each value's list with protocol 2 (PROTO 2, the list,
    # STOP).  Joined as the items of one list they unpickle in one call:
    # a call per value was most of the time of reading a field's positions.
    head = _INT_SIZE + 2
    if all(v[_INT_SIZE:head] == _PROTO_2 and v[-1:] == b"." for v in values):
        return loads(_PROTO_2 + b"(" + b"".join([v[head:-1] for v in values]) + b"l.")
    return [loads(v[_INT_SIZE:] if v.endswith(b".") else v[_INT_SIZE:] + b".") for v in values]


def position_keys(ids: np.ndarray, counts: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The sorted (document, position) keys of a word's postings: ``counts[i]`` positions for document ``ids[i]``."""
    return (np.repeat(ids.astype(np.int64), counts) << _DOC_SHIFT) | positions.astype(np.int64)


def restarting_cumsum(deltas: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Running sums of ``deltas`` that start again from 0 at each run of ``counts`` values."""
    running = np.cumsum(deltas)
    if len(counts) < 2 or not len(running):
        return running
    ends = np.cumsum(counts)
    before = np.zeros(len(counts), dtype=running.dtype)
    before[1:] = np.where(ends[:-1] > 0, running[np.maximum(ends[:-1] - 1, 0)], 0)
    return running - np.repeat(before, counts)


def phrase_documents(words: list[np.ndarray], slop: int) -> np.ndarray:
    """The documents (sorted) in which the words, given by their keys, stand in order, each 1 to ``slop`` positions after the one before."""
    reached = words[0]
    for keys in words[1:]:
        if not len(reached):
            break
        reached = _reached_from(reached, keys, slop) if len(reached) < len(keys) else _reaching(reached, keys, slop)
    docs = reached >> _DOC_SHIFT
    first = np.ones(len(docs), dtype=bool)
    first[1:] = docs[1:] != docs[:-1]
    return docs[first].astype(np.int32)


def _reaching(reached: np.ndarray, keys: np.ndarray, slop: int) -> np.ndarray:
    """The keys within ``slop`` after a reached key, asked of each key: for a
    next word rarer than the words so far."""
    # Only keys from the first reached one up to slop past the last can be reached.
    keys = keys[np.searchsorted(keys, reached[0]) : np.searchsorted(keys, reached[-1] + slop, side="right")]
    # A key is reached when the previous word is reached within [key - slop, key - 1] of the same document.
    lowest = np.maximum(keys - slop, (keys >> _DOC_SHIFT) << _DOC_SHIFT)
    at = np.searchsorted(reached, lowest)
    found = at < len(reached)
    found[found] = reached[at[found]] <= keys[found] - 1
    return keys[found]


def _reached_from(reached: np.ndarray, keys: np.ndarray, slop: int) -> np.ndarray:
    """The same keys, looked up from each reached key: for a next word more
    common than the words so far (سكن أحدث في), whose keys are then only
    searched, not each computed on."""
    # Positions stay far below 2**32, so key + slop stays in its document.
    starts = np.searchsorted(keys, reached + 1)
    counts = np.maximum(np.searchsorted(keys, reached + slop, side="right") - starts, 0)
    if slop == 1:
        return keys[starts[counts > 0]]
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.unique(keys[np.repeat(starts, counts) + offsets])
