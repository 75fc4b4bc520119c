"""A segment's documents turned into postings with numpy, a batch at a time.

Whoosh indexes a document field by field: each field's analyzer makes a
dict of its terms with their positions, encodes each term's positions as a
pickled list, and hands every posting to the pool as a tuple, one Python
call per posting (six scored fields here, so nearly half of a rebuild went
to ``schema.index`` and the pool: docs/benchmarks.md).  Every filter of our
chain works on one token alone (analysis/chain.py), so a field's terms are
a function of its tokens: here a document is tokenized once, each token
looked up in the writer's table of distinct tokens (analyzed once, into the
terms of every field, on first sight), and only the token numbers are
kept.  When the segment is written, each field's (term, document, position)
occurrences are made from those numbers and the tokens' terms with a few
array operations, sorted by term with a stable sort (documents and
positions are in order already) and cut into postings.

The postings are the ones Whoosh's own field indexing makes (every token
weighs 1: a posting's weight is its count, the field's length its
occurrences; tests/test_segment_writer.py compares them with Whoosh's own
writer's).  Postings that reach the pool otherwise (a segment merged into
this one) join their field's occurrences before the sort.
"""

from __future__ import annotations

from array import array

import numpy as np
from whoosh.analysis.acore import unstopped
from whoosh.formats import Frequency, Positions

from ..analysis.chain import TokenReplay, forget_words, token_replay, tokens_of
from .positions import decode_positions
from .schema import TEXT_FIELDS

# New tokens learned between two emptyings of the analysis's word caches (chain.forget_words):
# the writer analyzes each distinct token once, so they would only grow.
LEARNED_BETWEEN_FORGETTING = 50_000

# The fields that read one text (the exact, stem and spelling fields of a title or body): its tokens are kept once.
_SCOPE_OF = {name: scope for scope, fields in TEXT_FIELDS.items() for name in fields.indexed().values()}


def invertible(schema, fieldnames) -> bool:
    """Whether the fields' terms are their tokens' terms (chains that work a token at a time), every
    token weighing 1, and no field of the schema asks for what only Whoosh's indexing makes
    (term vectors, separate spelling words)."""
    def plain(field):
        fmt = field.format
        return (isinstance(token_replay(field.analyzer), TokenReplay) and type(fmt) in (Positions, Frequency)
                and fmt.field_boost == 1.0)

    return (all(plain(schema[name]) for name in fieldnames)
            and not any(field.vector or field.separate_spelling() for _, field in schema.items()))


class _Terms:
    """One analyzer's terms of each distinct token, and the vocabulary they make."""

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self.ids: dict[str, int] = {}  # term -> term number
        self.words: list[str] = []
        self.members = array("i")  # the term numbers of each token, one token after another
        self.sizes = array("i")  # terms per token

    def learn(self, token: str) -> None:
        """Adds a new token's terms."""
        made = [t.text for t in unstopped(self.analyzer(token, mode="index"))]
        self.members.extend(map(self.term_number, made))
        self.sizes.append(len(made))

    def term_number(self, text: str) -> int:
        number = self.ids.get(text)
        if number is None:
            number = self.ids[text] = len(self.words)
            self.words.append(text)
        return number

    def ranks(self) -> tuple[np.ndarray, list[bytes]]:
        """Each term number's place among the terms in byte order, and the terms in that order."""
        encoded = [w.encode("utf-8") for w in self.words]
        order = sorted(range(len(encoded)), key=encoded.__getitem__)
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order))
        return rank, [encoded[i] for i in order]


class Inverter:
    """The scored fields of a segment's documents, kept as token numbers until the segment is written."""

    def __init__(self, schema, fieldnames):
        self._tokens: dict[str, int] = {}  # distinct token -> token number
        self._terms: dict[str, _Terms] = {}
        by_analyzer: list[_Terms] = []
        for name in fieldnames:
            analyzer = schema[name].analyzer
            table = next((t for t in by_analyzer if t.analyzer == analyzer), None)
            if table is None:
                table = _Terms(analyzer)
                by_analyzer.append(table)
            self._terms[name] = table
        self._tables = by_analyzer
        self.formats = {name: schema[name].format for name in fieldnames}
        self.positional = {name: fmt.supports("positions") for name, fmt in self.formats.items()}
        # Per text (a field's value; fields that read the same text share it): its tokens and documents.
        self._texts: dict[str, tuple[array, array, array]] = {}
        self._values: dict[str, str] = {}
        # Postings handed over whole (a merged segment's): field -> (term numbers, documents, positions).
        self._pooled: dict[str, tuple[array, array, array]] = {}
        self._last = (None, None)

    def fields(self):
        return list(self._terms)

    def read(self, fieldname: str, value: str):
        """One document's value of a field, read: (what ``keep`` keeps, the field's length in it)."""
        numbers = self._numbers(value)
        sizes = self._terms[fieldname].sizes
        return (_SCOPE_OF.get(fieldname, fieldname), value, numbers), sum(map(sizes.__getitem__, numbers))

    def keep(self, docnum: int, read) -> None:
        """Keeps what ``read`` made of a value as document ``docnum``'s (once per text: the fields of a scope share it)."""
        key, value, numbers = read
        tokens, docs, counts = self._texts.setdefault(key, (array("i"), array("i"), array("i")))
        if not docs or docs[-1] != docnum:
            tokens.extend(numbers)
            docs.append(docnum)
            counts.append(len(numbers))
            self._values[key] = value
        elif self._values[key] is not value and self._values[key] != value:
            raise ValueError(f"the fields of {key!r} were given different texts for one document")

    def _numbers(self, value: str) -> list[int]:
        if self._last[0] is value:
            return self._last[1]
        ids = self._tokens
        words = tokens_of(value)
        numbers = [ids.get(w, -1) for w in words]
        if -1 in numbers:
            for at, word in enumerate(words):
                if numbers[at] == -1:
                    number = ids.get(word)
                    if number is None:
                        number = ids[word] = len(ids)
                        for table in self._tables:
                            table.learn(word)
                        if number % LEARNED_BETWEEN_FORGETTING == LEARNED_BETWEEN_FORGETTING - 1:
                            forget_words()
                    numbers[at] = number
        self._last = (value, numbers)
        return numbers

    def add_segment(self, fieldname: str, columns, new_numbers: np.ndarray) -> None:
        """A merged segment's postings of a field, from its columns (posting_columns._FieldColumns),
        its documents renumbered by ``new_numbers`` (-1 for a deleted one)."""
        arrays = columns.arrays
        if not columns.term_count:
            return
        table = self._terms[fieldname]
        numbers = np.array([table.term_number(columns.term_at(i).decode("utf-8"))
                            for i in range(columns.term_count)], dtype=np.int32)
        per_term = np.diff(arrays["posting_starts"].astype(np.int64))
        ids = arrays["ids"].astype(np.int64)
        if self.positional[fieldname]:
            counts = arrays["counts"].astype(np.int64)
            positions = arrays["positions"]
        else:
            counts = columns.weights.astype(np.int64)  # a Frequency posting's weight is its count
            positions = np.zeros(int(counts.sum()), dtype=np.int32)
        docs = np.repeat(new_numbers[ids], counts)
        terms = np.repeat(np.repeat(numbers, per_term), counts)
        live = docs >= 0
        pooled = self._pooled.setdefault(fieldname, (array("i"), array("i"), array("i")))
        for kept, values in zip(pooled, (terms[live], docs[live], positions[live])):
            kept.frombytes(values.astype(np.int32).tobytes())

    def add_posting(self, fieldname: str, tbytes: bytes, docnum: int, weight: float, vbytes: bytes) -> None:
        """A posting handed over whole (from a segment merged into this one), as its occurrences."""
        fmt = self.formats[fieldname]
        terms, docs, positions = self._pooled.setdefault(fieldname, (array("i"), array("i"), array("i")))
        number = self._terms[fieldname].term_number(tbytes.decode("utf-8"))
        if self.positional[fieldname]:
            _, where = decode_positions([vbytes], fmt)
            where = where.tolist()
        else:
            where = [0] * int(weight)
        terms.extend([number] * len(where))
        docs.extend([docnum] * len(where))
        positions.extend(where)

    def postings(self, fieldname: str, batch: int = 1 << 18):
        """The field's terms in order with their postings: batches of (terms, (document numbers,
        weights, postings per term, occurrences per posting, positions)) of about ``batch`` postings.

        Made a run of whole terms at a time (about SORTED_AT_ONCE occurrences): each run's
        occurrences are picked out of the kept token numbers, so what a field's postings take
        meanwhile is a run's, whatever the segment's size."""
        table = self._terms[fieldname]
        rank, words = table.ranks()
        if not len(words):
            return
        tokens, token_slots, per_rank = self._token_ranks(fieldname, table, rank)
        pooled = self._pooled_occurrences(fieldname, rank)
        if pooled is not None:
            per_rank += np.bincount(pooled[0], minlength=len(words))
        ends = np.cumsum(per_rank)
        if not ends[-1]:
            return
        bounds = np.unique(np.searchsorted(ends, np.arange(SORTED_AT_ONCE, int(ends[-1]), SORTED_AT_ONCE)))
        edges = [0, *(bounds + 1).tolist(), len(words)]
        for lo, hi in zip(edges, edges[1:]):
            if lo < hi:
                *run, ordered = self._run(tokens, token_slots, pooled, lo, hi)
                yield from _postings(*run, words, self.positional[fieldname], batch, ordered)

    def _token_ranks(self, fieldname: str, table: _Terms, rank: np.ndarray):
        """The field's kept tokens with their documents' starts, each distinct token's term ranks by
        slot (its first term, its second ...; -1 for none) and the occurrences of each rank."""
        key = _SCOPE_OF.get(fieldname, fieldname)
        tokens, docs, counts = map(int32s, self._texts.get(key, (array("i"),) * 3))
        sizes, members = int32s(table.sizes), int32s(table.members)
        firsts = np.cumsum(sizes, dtype=np.int64) - sizes
        per_rank = np.zeros(len(rank), dtype=np.int64)
        slots = []
        for slot in range(int(sizes.max()) if len(sizes) else 0):
            ranks = np.full(len(sizes), -1, dtype=np.int32)
            has = sizes > slot
            ranks[has] = rank[members[firsts[has] + slot]]
            slots.append(ranks)
            for at in range(0, len(tokens), TOKENS_AT_ONCE):
                found = ranks[tokens[at:at + TOKENS_AT_ONCE]]
                per_rank += np.bincount(found[found >= 0], minlength=len(rank))
        token_starts = np.cumsum(counts, dtype=np.int64) - counts  # where each document's tokens start
        return (tokens, docs, token_starts), slots, per_rank

    def _run(self, tokens, slots, pooled, lo: int, hi: int):
        """(ranks, documents, positions, whether in document order within each rank) of the
        occurrences of the terms ranked ``lo`` to ``hi`` - 1."""
        tokens, docs, token_starts = tokens
        parts = []
        for ranks in slots:
            # A block of tokens at a time, so what is made meanwhile is a block's, not the segment's.
            blocks = []
            for start in range(0, len(tokens), TOKENS_AT_ONCE):
                found = ranks[tokens[start:start + TOKENS_AT_ONCE]]
                at = np.flatnonzero((found >= lo) & (found < hi))
                chosen = found[at]
                at += start  # token numbers, in document order
                document = np.searchsorted(token_starts, at, side="right") - 1
                blocks.append((chosen, docs[document], (at - token_starts[document]).astype(np.int32)))
            parts.append(_joined(blocks))
        if pooled is not None:
            chosen = (pooled[0] >= lo) & (pooled[0] < hi)
            parts.append(tuple(a[chosen] for a in pooled))
        # A term may be one token's first stem and another's second, or come from a merged segment.
        return (*_joined(parts), len(parts) == 1)

    def _pooled_occurrences(self, fieldname: str, rank: np.ndarray):
        """(ranks, documents, positions) of the occurrences handed over whole, or None."""
        pooled = self._pooled.get(fieldname)
        if pooled is None:
            return None
        terms, docs, positions = map(int32s, pooled)
        return rank[terms], docs, positions


def int32s(values: array) -> np.ndarray:
    """An ``array("i")`` as a numpy array, without a copy."""
    return np.frombuffer(values, dtype=np.int32) if len(values) else np.zeros(0, np.int32)


def _joined(parts):
    """(ranks, documents, positions) arrays of several parts end to end."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return (np.zeros(0, np.int32),) * 3
    return tuple(np.concatenate([part[i] for part in parts]) for i in range(3))


# Occurrences sorted at once when a field's postings are made (about 60 bytes each meanwhile),
# and tokens scanned at once for them.
SORTED_AT_ONCE = 1 << 22
TOKENS_AT_ONCE = 1 << 23


def _postings(key, docs, positions, words, positional: bool, batch: int, ordered: bool):
    """The postings of a run of whole terms' occurrences (term ranks ``key``, documents, positions), in batches."""
    if not ordered:
        order = np.lexsort((positions, docs, key))
    else:
        order = np.argsort(key, kind="stable")  # documents and positions stay in order within a term
    key, docs, positions = key[order], docs[order], positions[order]
    del order
    new_posting = np.ones(len(key), dtype=bool)
    new_posting[1:] = (key[1:] != key[:-1]) | (docs[1:] != docs[:-1])
    firsts = np.flatnonzero(new_posting)
    ids, term_of = docs[firsts], key[firsts]
    counts = np.diff(np.append(firsts, len(key)))
    new_term = np.ones(len(firsts), dtype=bool)
    new_term[1:] = term_of[1:] != term_of[:-1]
    term_firsts = np.flatnonzero(new_term)
    sizes = np.diff(np.append(term_firsts, len(firsts)))
    present = term_of[term_firsts]
    position_ends = np.cumsum(counts)
    cumulative = np.cumsum(sizes)
    start = 0
    while start < len(present):
        # Whole terms, about ``batch`` postings.
        before = int(cumulative[start - 1]) if start else 0
        end = min(max(start + 1, int(np.searchsorted(cumulative, before + batch))), len(present))
        a, b = int(term_firsts[start]), int(term_firsts[end]) if end < len(present) else len(firsts)
        batch_counts = counts[a:b]
        where = None
        if positional:
            c = int(position_ends[a - 1]) if a else 0
            where = positions[c:int(position_ends[b - 1])]
        yield ([words[r] for r in present[start:end].tolist()],
               (ids[a:b].astype(np.int32), batch_counts.astype(np.float64), sizes[start:end], batch_counts, where))
        start = end
