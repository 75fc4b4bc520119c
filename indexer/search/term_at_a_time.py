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
table and more).  A node this module does not know is scored by Whoosh's
own matcher.

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
from whoosh.query.qcore import _NullQuery
from whoosh.util.numeric import byte_to_length

from .bm25f import WordGroup
from ..storage.id_order import id_ranks
from ..storage.positions import decode_positions, phrase_documents, position_keys
from ..storage.posting_columns import SegmentColumns
from ..storage.whoosh_postings import read_postings
from .parse import PreloadedPrefix

# Whoosh stores a field's length per document as one byte (a lossy code).
_BYTE_LENGTHS = np.array([byte_to_length(i) or 0 for i in range(256)], dtype=np.float64)


@dataclass
class Ranked:
    """The best documents of one query: (global docnum, score) best first, and how many matched."""

    total: int
    hits: list[tuple[int, float]]


class _Match:
    """A node's answer on one segment: which documents match, with what scores."""

    __slots__ = ("mask", "scores")

    def __init__(self, mask, scores):
        self.mask = mask
        self.scores = scores


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

    def __init__(self, searcher, top, b: float, cache: PostingsCache, name: str, folder):
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
        self.columns = SegmentColumns.open_for(folder, segment_id, self.size) if folder and segment_id else None

    def norms(self, field):
        """FieldFrequency's length normalization of each document, 1 - b + b * length / average length:
        made once per field, so reading a term divides by a slice of it (the same operations, in the same
        order, as computing it for the term's documents)."""
        if field not in self._norms:
            avg = self.top.avg_field_length(field) or 1
            self._norms[field] = 1 - self.b + self.b * self._read_lengths(field) / avg
        return self._norms[field]

    def _read_lengths(self, field):
        try:
            from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

            column = self.reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
            raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
            codes = np.zeros(self.size, dtype=np.uint8)
            codes[: len(raw)] = raw[: self.size]
            return _BYTE_LENGTHS[codes]
        except (AttributeError, ImportError, TypeError):
            get = self.reader.doc_field_length
            return np.array([get(d, field, 0) or 0 for d in range(self.size)], dtype=np.float64)

    def frequencies(self, field, text):
        """(docnums, length-normalized term frequencies) of a term in this segment, or None.

        The normalization is FieldFrequency's: tf / (1 - b + b * length / average length).
        ``text`` is a str (a query term) or bytes (a word a prefix stands for);
        both are cached under the bytes, so a word typed and the same word
        reached through a prefix are decoded once."""
        if field not in self.top.schema:
            return None
        btext = self.top.schema[field].to_bytes(text)
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
        if self.columns is not None and field in self.columns.fields:
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


class _Evaluation:
    """One query on one segment; each node is evaluated once, however often the tree repeats it."""

    def __init__(self, segment: _Segment, weights: dict, shared: set):
        self.segment = segment
        self.size = segment.size
        # Nodes the tree holds more than once (a word's clauses sit in the
        # all-words tier and in the any-word union): their answers are kept.
        self.shared = shared
        self.done = {}
        self.phrases = {}
        # WordGroup idf weights, computed on the whole index (shared by segments).
        self.weights = weights

    def empty(self):
        return _Match(np.zeros(self.size, dtype=bool), np.zeros(self.size))

    def run(self, q) -> _Match:
        key = id(q)
        if key not in self.shared:
            return self._run(q)
        if key not in self.done:
            self.done[key] = self._run(q)
        return self.done[key]

    def _run(self, q) -> _Match:
        kind = type(q)
        if kind is Q.Term:
            return self._term(q)
        if kind is WordGroup:
            return self._word_group(q)
        if kind is Q.Or and not q.scale:
            return self._boosted(self._union(q.subqueries), q.boost)
        if kind is Q.And:
            return self._boosted(self._intersection([self.run(s) for s in q.subqueries]), q.boost)
        # Every node scores 0 where it does not match, so multiplying by a mask
        # keeps the scores of the documents it holds (np.where, its branch
        # mispredicted on every other document, took four times as long).
        if kind is Q.AndNot:
            a, b = self.run(q.a), self.run(q.b)
            mask = a.mask & ~b.mask
            return _Match(mask, a.scores * mask)
        if kind is Q.AndMaybe:
            a, b = self.run(q.a), self.run(q.b)
            return _Match(a.mask, a.scores + b.scores * a.mask)
        if kind is Q.ConstantScoreQuery:
            mask = self._mask(q.child)
            return _Match(mask, mask * q.score)
        if kind is PreloadedPrefix:
            return self._prefix(q)
        if kind is Q.Phrase and self._has_positions(q.fieldname):
            return self._phrase(q)
        if isinstance(q, _NullQuery):
            return self.empty()
        return self._by_whoosh(q)

    def _term(self, q):
        found = self.segment.frequencies(q.fieldname, q.text)
        result = self.empty()
        if found is None:
            return result
        ids, scores = found
        if q.boost != 1.0:
            scores = scores * q.boost
        result.mask[ids] = True
        result.scores[ids] = scores
        return result

    def _prefix(self, q):
        # As PreloadedPrefix.matcher scores it: a constant-score prefix (the
        # default) gives 1 to each document holding any of its words.
        words = [w for w in q._btexts(self.segment.reader) if w]
        if not q.constantscore:
            return self._boosted(self._union([Q.Term(q.fieldname, w) for w in words]), q.boost)
        mask = self._holding((q.fieldname, word) for word in words)
        return _Match(mask, mask.astype(np.float64))

    def _has_positions(self, field):
        schema = self.segment.top.schema
        return field in schema and bool(schema[field].format) and schema[field].format.supports("positions")

    def _phrase(self, q):
        # As Phrase.matcher scores it: the sum of its words' term scores
        # (added as Whoosh's binary tree of matchers adds them), times its boost.
        # The same phrase stands in several clauses (match, exact-form tier): matched once.
        key = (q.fieldname, tuple(q.words), q.slop)
        if key not in self.phrases:
            self.phrases[key] = self._phrase_scores(q)
        docs, scores = self.phrases[key]
        result = self.empty()
        result.mask[docs] = True
        result.scores[docs] = scores * q.boost if q.boost != 1.0 else scores
        return result

    def _phrase_scores(self, q):
        segment = self.segment
        words = [segment.positions(q.fieldname, word) for word in q.words]
        if not words or any(w is None for w in words):
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        docs = phrase_documents(words, q.slop)
        scores = []
        for word in q.words:
            ids, term_scores = segment.frequencies(q.fieldname, word)
            scores.append(term_scores[np.searchsorted(ids, docs)])
        return docs, _tree_sum(scores)

    def _mask(self, q):
        """Which documents ``q`` matches, without their scores when it is a
        term or a union of terms (a tier's constant score needs no more)."""
        kind = type(q)
        if id(q) in self.shared or not (kind is Q.Term or (kind is Q.Or and not q.scale)):
            return self.run(q).mask
        terms = [q] if kind is Q.Term else q.subqueries
        if any(type(t) is not Q.Term for t in terms):
            return self.run(q).mask
        return self._holding((term.fieldname, term.text) for term in terms)

    def _holding(self, terms) -> np.ndarray:
        """The documents holding any of ``terms`` ((field, text) pairs), from their postings alone."""
        mask = np.zeros(self.size, dtype=bool)
        for field, text in terms:
            found = self.segment.frequencies(field, text)
            if found is not None:
                mask[found[0]] = True
        return mask

    def _word_group(self, q):
        child = self.run(q.child)
        if not child.mask.any():
            return child
        weight, k1 = self.weights[id(q)], q.k1
        s = child.scores
        # weight * s * (k1 + 1) / (k1 + s), in place, in that order; 0 where s is.
        saturated = weight * s
        saturated *= k1 + 1
        saturated /= k1 + s
        return _Match(child.mask, saturated)

    def _union(self, queries):
        scores = np.zeros(self.size)
        # A term with a positive boost scores above 0 wherever it stands, so
        # the documents its postings reach are those with a score; only the
        # other parts need a mask (the scatter into it was a third of a union).
        mask = None
        for sub in queries:
            if type(sub) is Q.Term and id(sub) not in self.shared:
                # A term's few postings go straight into the sum, without a whole-segment array of its own.
                found = self.segment.frequencies(sub.fieldname, sub.text)
                if found is not None:
                    ids, term_scores = found
                    scores[ids] += term_scores * sub.boost if sub.boost != 1.0 else term_scores
                    if not sub.boost > 0:
                        mask = np.zeros(self.size, dtype=bool) if mask is None else mask
                        mask[ids] = True
            else:
                m = self.run(sub)
                mask = m.mask.copy() if mask is None else np.logical_or(mask, m.mask, out=mask)
                scores += m.scores
        scored = scores > 0
        return _Match(scored if mask is None else np.logical_or(mask, scored, out=mask), scores)

    def _intersection(self, matches):
        mask = np.ones(self.size, dtype=bool)
        scores = np.zeros(self.size)
        for m in matches:
            mask &= m.mask
            scores += m.scores
        scores *= mask
        return _Match(mask, scores)

    @staticmethod
    def _boosted(match, boost):
        if boost != 1.0:
            match.scores *= boost
        return match

    def _by_whoosh(self, q):
        """A node scored by Whoosh's own matcher, document by document."""
        segment = self.segment
        result = self.empty()
        if isinstance(q, Q.Not):
            inner = self.run(q.query)
            result.mask = ~inner.mask
            result.scores = result.mask.astype(np.float64)  # Whoosh's InverseMatcher scores 1
            return result
        m = q.matcher(segment.searcher, segment.top.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        if ids:
            result.mask[ids] = True
            result.scores[ids] = scores
        return result


def _tree_sum(parts):
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])


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
        ``folder`` holds its posting columns, if any (posting_columns.py);
        ``ranks`` orders documents of equal score (id_order.py; made here when not given)."""
        self.searcher = searcher
        cache = cache or PostingsCache()
        self.ranks = id_ranks(searcher) if ranks is None else ranks
        self.segments = [(_Segment(sub, searcher, b, cache, name, folder), offset)
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
            weight = self._idf_weights[key] = group._weight(self.searcher)
        return weight

    def top(self, q, limit: int) -> Ranked:
        """The ``limit`` best documents for ``q``: score first, then id (``ranks``, id_order.py)."""
        weights, seen, shared = {}, {}, set()
        _walk(q, self._idf_weight, weights, seen, shared)  # seen holds the nodes, so no id is reused
        total, docs, scores = 0, [], []
        for segment, offset in self.segments:
            match = _Evaluation(segment, weights, shared).run(q)
            found = np.flatnonzero(match.mask & segment.live)
            total += len(found)
            if not len(found):
                continue
            found_scores = match.scores[found]
            found += offset
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
