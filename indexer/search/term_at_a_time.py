"""Queries scored a term at a time into arrays, instead of by Whoosh's matcher trees.

Whoosh scores a query document at a time: a tree of Python matcher objects
advanced posting by posting.  A word of ours is searched in its exact form,
stems, root and 4-grams in title and body, so a two-word query is a tree of
some fifty matchers, and their per-document bookkeeping was most of a
search's time (docs/benchmarks.md).  Here each term's postings are read a
block at a time into numpy arrays, and each node of the query combines its
children's arrays: a small cost per posting instead of a large one per
document and matcher.  The scores are Whoosh's, formula for formula
(FieldFrequency, WordGroup, the tiers, phrases through positions.py;
tests/test_term_at_a_time.py compares both on every query of the golden
table and more).

This module reads the postings (_Segment, PostingsCache) and ranks what a
query matched (TermAtATime); node_scores.py scores the query on a segment,
node by node, through the scorers of each kind of node (word_nodes.py,
boolean_nodes.py, phrase_nodes.py, tier_nodes.py), and a node none of them
knows through Whoosh's own matcher.

A term's postings are sliced out of the segment's posting columns
(posting_columns.py, written by the build) or, without them, read whole out
of Whoosh's blocks (whoosh_postings.py).  Whoosh has no public way to read
a length column in bulk, so ``_Segment._read_lengths`` reads it directly
(with a slower public fallback).
"""

from __future__ import annotations

import mmap
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh import query as Q

from ..storage.columns_codec import length_codes
from ..storage.id_order import id_ranks
from ..storage.positions import decode_positions, position_keys
from ..storage import relative_index
from ..storage.relative_index import IndexRelatives
from ..storage.relatives import decoded_lengths, is_derived
from ..storage.whoosh_postings import read_postings
from .bm25f import WordGroup
from .node_scores import Evaluation
from .relative_terms import RelativeTerm



@dataclass
class Ranked:
    """The best documents of one query: (global docnum, score) best first, and how many matched."""

    total: int
    hits: list[tuple[int, float]]


class PostingsCache:
    """Decoded postings of the terms searched lately, within a memory budget.

    Most of a term's cost is unpacking its blocks (zlib, pickle), and queries
    share their common terms (stems, roots, 4-grams), so this keeps the
    arrays of the latest terms instead of unpacking them again.  One cache
    serves every thread of a process (hence the lock).  At 100,000
    documents 500 benchmark queries decode about 675 MB of postings; with
    128 MB a quarter of the reading went to terms evicted and read again."""

    # Whole-generation arrays (``shared``) kept: a process serves one
    # generation, and for a while the one before it.
    MAX_SHARED = 4

    def __init__(self, budget_mb: int = 512):
        self.budget = budget_mb << 20
        self.used = 0
        self.items = OrderedDict()
        self.lock = threading.Lock()
        self._shared = OrderedDict()
        self._shared_lock = threading.Lock()

    def shared(self, key, make):
        """``make()``, made once for ``key`` (an index generation's name and what
        the value is) and shared by every thread: the first to ask makes it while
        the others wait, instead of each making its own.  Kept apart from the
        postings and their budget, which could evict it between two queries."""
        with self._shared_lock:
            if key not in self._shared:
                self._shared[key] = make()
                while len(self._shared) > self.MAX_SHARED:
                    self._shared.popitem(last=False)
            return self._shared[key]

    def get(self, key):
        with self.lock:
            item = self.items.get(key)
            if item is not None:
                self.items.move_to_end(key)
            return item

    def put(self, key, value, size: int):
        if size > self.budget:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = (value, size)
            self.used += size
            while self.used > self.budget:
                _, (_, dropped) = self.items.popitem(last=False)
                self.used -= dropped


class _Segment:
    """One segment's arrays, kept as long as its searcher: field lengths, live documents, recent postings."""

    def __init__(self, searcher, top, b: float, cache: PostingsCache, name: str, relatives: IndexRelatives):
        self.searcher = searcher
        self.top = top
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.b = b
        self.cache = cache
        # Cached arrays depend on the segment and on the whole index's average lengths.
        segment_id = self.reader.segment().segment_id() if hasattr(self.reader, "segment") else None
        self.key = (name, segment_id or id(self))
        self.live = np.ones(self.size, dtype=bool)
        if self.reader.has_deletions():
            self.live[np.fromiter(self.reader.deleted_docs_set, dtype=np.int64)] = False
        self._norms = {}
        self.relatives = relatives
        self.columns = relatives.columns_of(segment_id) if segment_id else None

    def norms(self, field):
        """FieldFrequency's length normalization of each document, 1 - b + b * length / average length:
        made once per field, so reading a term divides by a slice of it (the same operations, in the same
        order, as computing it for the term's documents)."""
        if field not in self._norms:
            if is_derived(field):
                avg = self.relatives.average_length(field) or 1
                lengths = decoded_lengths(self.columns.derived[field].arrays["lengths"])
            else:
                avg = self.top.avg_field_length(field) or 1
                lengths = self._read_lengths(field)
            self._norms[field] = 1 - self.b + self.b * lengths / avg
        return self._norms[field]

    def _read_lengths(self, field):
        return decoded_lengths(length_codes(getattr(self.reader, "_perdoc", self.reader), field, self.size))

    def frequencies(self, field, text):
        """(docnums, length-normalized term frequencies) of a term in this segment, or None.

        The normalization is FieldFrequency's: tf / (1 - b + b * length / average length).
        ``text`` is a str (a query term) or bytes (a word a prefix stands for);
        both are cached under the bytes, so a word typed and the same word
        reached through a prefix are decoded once."""
        if is_derived(field):
            # A root or a 4-gram: summed from its exact terms' postings (relatives.py).
            if self.columns is None or field not in self.columns.derived:
                return None
            btext = text if isinstance(text, bytes) else text.encode("utf-8")
        elif field in self.top.schema:
            btext = self.top.schema[field].to_bytes(text)
        else:
            return None
        cached = self.cache.get((self.key, field, btext))
        if cached is not None:
            return cached[0]
        return self._read(field, btext, positions=False)[0]

    def positions(self, field, text):
        """A word's (document, position) keys in this segment (positions.py), or None."""
        btext = self.top.schema[field].to_bytes(text)
        cached = self.cache.get((self.key, field, btext, "positions"))
        if cached is not None:
            return cached[0]
        return self._read(field, btext, positions=True)[1]

    def _read(self, field, btext: bytes, positions: bool):
        """Reads a term's postings once, caching its frequencies and, when asked, its positions."""
        found = self._postings(field, btext, positions)
        frequencies = where = None
        if found is not None:
            ids, weights, where = found
            frequencies = ids, weights / self.norms(field)[ids]
        self.cache.put((self.key, field, btext), frequencies, _size(frequencies))
        if positions:
            self.cache.put((self.key, field, btext, "positions"), where, _size(where))
        return frequencies, where

    def _postings(self, field, btext: bytes, positions: bool):
        """(docnums, weights, (document, position) keys if asked) of a term in this segment, or None:
        from the segment's posting columns (posting_columns.py), else from Whoosh's blocks."""
        if self.columns is not None and (field in self.columns.fields or field in self.columns.derived):
            return self.columns.read(field, btext, positions)
        found = read_postings(self.reader, field, btext, values=positions)
        if found is None:
            return None
        ids, weights, values = found
        keys = position_keys(ids, *decode_positions(values, self.top.schema[field].format)) if positions else None
        return ids, weights, keys


def _size(found) -> int:
    if found is None:
        return 64
    return 64 + sum(map(_private_bytes, [found] if isinstance(found, np.ndarray) else found))


def _private_bytes(array: np.ndarray) -> int:
    """What an array holds in this process's memory: nothing for a slice of a
    memory-mapped posting columns file (the system's page cache holds it, once
    for every process).  Counting those (a term's document numbers) made the
    budget fill a third sooner: at 100,000 documents the terms of 500
    benchmark queries no longer fitted, and each pass read them all again."""
    owner = array
    while isinstance(owner, np.ndarray) and owner.base is not None:
        owner = owner.base
    if isinstance(owner, memoryview) and isinstance(owner.obj, mmap.mmap):
        return 0
    return array.nbytes


def _walk(q, idf_weight, weights, seen, shared):
    """Each WordGroup's idf weight, from whole-index statistics, and the nodes met more than once (by id)."""
    if id(q) in seen:
        shared.add(id(q))
        return
    seen[id(q)] = q
    if isinstance(q, WordGroup):
        weights[id(q)] = idf_weight(q)
    for child in q.children():
        _walk(child, idf_weight, weights, seen, shared)


class TermAtATime:
    """Ranks queries on one searcher; made once per opened index and reused."""

    MAX_REMEMBERED_WEIGHTS = 50_000

    def __init__(self, searcher, b: float, cache: PostingsCache | None = None, name: str = "", folder=None,
                 ranks: np.ndarray | None = None):
        """``name`` tells this index generation from others in a shared ``cache``;
        ``folder`` holds its posting columns, if any (posting_columns.py), and with them
        the roots and 4-grams (relative_index.py, made here unless kept with the reader);
        ``ranks`` orders documents of equal score (id_order.py; made here when not given)."""
        self.searcher = searcher
        cache = cache or PostingsCache()
        self.ranks = id_ranks(searcher) if ranks is None else ranks
        relatives = relative_index.of(searcher.reader()) or IndexRelatives(folder, searcher.reader())
        self.segments = [(_Segment(sub, searcher, b, cache, name, relatives), offset)
                         for sub, offset in searcher.leaf_searchers()]
        # A word's idf weight, by its terms: the index does not change under
        # this searcher, and looking up ~45 document frequencies took a tenth
        # of a query's ranking.
        self._idf_weights = {}

    def _idf_weight(self, group: WordGroup) -> float:
        key = (tuple(map(tuple, group.words)), group.prefix)
        weight = self._idf_weights.get(key)
        if weight is None:
            if len(self._idf_weights) >= self.MAX_REMEMBERED_WEIGHTS:
                self._idf_weights.clear()
            weight = self._idf_weights[key] = group._weight(self.searcher, self._doc_frequency)
        return weight

    def _doc_frequency(self, field, text) -> int:
        """A term's document frequency; a root's or 4-gram's from its postings, read once for scoring too."""
        if not is_derived(field):
            return self.searcher.doc_frequency(field, text)
        return sum(len(found[0]) for segment, _ in self.segments
                   if (found := segment.frequencies(field, text)) is not None)

    def _segment_matches(self, q):
        """(documents, scores) of each segment's live matches of ``q``, numbered in the whole index."""
        weights, seen, shared = {}, {}, set()
        _walk(q, self._idf_weight, weights, seen, shared)  # seen holds the nodes, so no id is reused
        for segment, offset in self.segments:
            match = Evaluation(segment, weights, shared).run(q)
            found = np.flatnonzero(match.mask & segment.live)
            yield found + offset, match.scores[found]

    def group_weight(self, group: WordGroup) -> float:
        """A word group's idf weight, as the ranking gives it."""
        return self._idf_weight(group)

    def clause_scores(self, clause, docs: np.ndarray) -> np.ndarray:
        """What one clause of a word group (a term, a root or 4-gram, a prefix, a phrase) adds
        for each of ``docs`` (whole-index numbers) before the group saturates the sum: the
        numbers the ranking adds (a term's from the cached postings, the rest by evaluation)."""
        found = np.zeros(len(docs))
        for segment, offset in self.segments:
            local = docs - offset
            inside = (local >= 0) & (local < segment.size)
            if not inside.any():
                continue
            if type(clause) in (Q.Term, RelativeTerm):
                postings = segment.frequencies(clause.fieldname, clause.text)
                if postings is None:
                    continue
                ids, scores = postings
                at = np.minimum(np.searchsorted(ids, local[inside]), len(ids) - 1)
                held = ids[at] == local[inside]
                found[np.flatnonzero(inside)[held]] = scores[at[held]] * clause.boost
            else:
                found[inside] = Evaluation(segment, {}, set()).run(clause).scores[local[inside]]
        return found

    def matches(self, q) -> tuple[np.ndarray, np.ndarray]:
        """Every live document ``q`` matches and its score, in document order."""
        found = list(self._segment_matches(q))
        if not found:
            return np.empty(0, dtype=np.int64), np.empty(0)
        return np.concatenate([d for d, _ in found]), np.concatenate([s for _, s in found])

    def top(self, q, limit: int) -> Ranked:
        """The ``limit`` best documents for ``q``: score first, then id (``ranks``, id_order.py)."""
        total, docs, scores = 0, [], []
        for found, found_scores in self._segment_matches(q):
            total += len(found)
            if not len(found):
                continue
            if len(found) > limit:
                keep = _best(found_scores, found, self.ranks, limit)
                found, found_scores = found[keep], found_scores[keep]
            docs.append(found)
            scores.append(found_scores)
        if not docs:
            return Ranked(total, [])
        docs, scores = np.concatenate(docs), np.concatenate(scores)
        order = np.lexsort((self.ranks[docs], -scores))[:limit]
        return Ranked(total, list(zip(docs[order].tolist(), scores[order].tolist())))


def _best(scores: np.ndarray, docs: np.ndarray, ranks: np.ndarray, limit: int) -> np.ndarray:
    """Where the ``limit`` best of ``scores`` (of documents ``docs``) stand, in no order;
    among those at the cut score, the documents of lower ``ranks``."""
    cut = np.partition(scores, len(scores) - limit)[len(scores) - limit]
    above = np.flatnonzero(scores > cut)
    ties = np.flatnonzero(scores == cut)
    wanted = limit - len(above)  # at least 1: the cut is the limit-th best score
    if len(ties) > wanted:
        ties = ties[np.argpartition(ranks[docs[ties]], wanted - 1)[:wanted]]
    return np.concatenate([above, ties])
