"""Roots and 4-grams: relatives found through the exact vocabulary, not posted token by token.

A word's root and the 4-grams of its stem are functions of its exact
(normalized) form alone.  Indexing them as fields of their own made a
posting for every token in each, two of the five kinds of postings an
index held and a third of its analysis (docs/benchmarks.md).  Instead,
each segment's posting columns file (posting_columns.py) keeps, for each
exact field, a map from each root and 4-gram to the exact terms that have
it, and each document's length in the virtual field (what its length
would have been as an indexed field).  A relative's postings are then its
exact terms' postings summed, document by document, when a query asks for
them: the same frequencies, lengths and document frequencies the indexed
fields had, so the ranking is unchanged (tests/test_relatives.py compares
both on a corpus).

The maps are made from each distinct exact term once, not from each token.
"""

from __future__ import annotations

from array import array
from functools import lru_cache

import numpy as np
from whoosh.analysis.acore import unstopped
from whoosh.util.numeric import _length_byte_cache

from ..analysis.chain import AnalysisSettings, gram_analyzer, root_analyzer
from ..analysis.stopwords import folded_stop_words
from .inversion import int32s
from .schema import DERIVED_KINDS, TEXT_FIELDS, FieldSet

# Whoosh keeps a field's length per document as one byte, a lossy code: the
# length each code stands for (``byte_to_length``), read and written here as arrays.
_CODE_LENGTHS = np.array(_length_byte_cache, dtype=np.float64)


def decoded_lengths(codes: np.ndarray) -> np.ndarray:
    """The lengths Whoosh's ``byte_to_length`` gives for each one-byte code."""
    return _CODE_LENGTHS[codes]


def length_codes(lengths: np.ndarray) -> np.ndarray:
    """Whoosh's ``length_to_byte`` of each length, as one array."""
    codes = np.searchsorted(_CODE_LENGTHS, lengths, side="left")
    return np.minimum(codes, 255).astype(np.uint8)


# The virtual fields: each scope's root and 4-gram fields.
_DERIVED = frozenset(getattr(fields, kind) for fields in TEXT_FIELDS.values() for kind in DERIVED_KINDS)


def is_derived(field: str) -> bool:
    return field in _DERIVED


@lru_cache(maxsize=8)
def _analyzers(settings: AnalysisSettings):
    return {"root": root_analyzer(settings), "gram": gram_analyzer(settings)}


def analyzer(kind: str, settings: AnalysisSettings):
    """The chain that turns a word into its relatives of ``kind``: the one a query word goes through too."""
    return _analyzers(settings)[kind]


def relatives_of(word: str, kind: str, settings: AnalysisSettings) -> list[str]:
    """The relatives of ``kind`` of one exact term, repeats kept (a 4-gram twice in a stem counts twice).

    None for a term that is a stop word in any spelling it stands for: the exact
    term علي holds على the preposition too, whose root would join them all."""
    if word in folded_stop_words(settings.stop_list):
        return []
    return [t.text for t in unstopped(analyzer(kind, settings)(word, mode="index"))]


class RelativesBuilder:
    """The maps and lengths of one exact field's relatives, made as its terms are written."""

    def __init__(self, fields: FieldSet, settings: AnalysisSettings, documents: int):
        self.exact_field = fields.exact
        self.settings = settings
        self.documents = documents
        self.kinds = {getattr(fields, kind): kind for kind in DERIVED_KINDS}
        # Each relative's number, and the (relative number, exact term index) pairs, as arrays.
        self._numbers = {field: {} for field in self.kinds}
        self._pairs = {field: (array("i"), array("i")) for field in self.kinds}
        self._lengths = {field: np.zeros(documents, dtype=np.int64) for field in self.kinds}
        self._terms = 0

    def add(self, words: list[bytes], ids: np.ndarray, counts: np.ndarray, sizes: np.ndarray) -> None:
        """A batch of the exact field's terms (in order) with their postings: document
        numbers, occurrences, and postings per term."""
        for field, kind in self.kinds.items():
            made = [relatives_of(w.decode("utf-8"), kind, self.settings) for w in words]
            numbers, (relative_of, member) = self._numbers[field], self._pairs[field]
            for at, relatives in enumerate(made, self._terms):
                for relative in relatives:
                    number = numbers.get(relative)
                    if number is None:
                        number = numbers[relative] = len(numbers)
                    relative_of.append(number)
                    member.append(at)
            per_term = np.fromiter(map(len, made), dtype=np.int64, count=len(made))
            # A document's length in the virtual field: each token counts once per relative it has.
            self._lengths[field] += np.bincount(ids, np.repeat(per_term, sizes) * counts,
                                                minlength=self.documents).astype(np.int64)
        self._terms += len(words)

    def arrays(self):
        """(field, arrays, total length) of each virtual field: its relatives in order
        ("terms", "term_starts"), the exact terms of each ("member_starts", "members")
        and each document's length code ("lengths")."""
        from .posting_columns import starts  # the columns' own offsets (that module imports this one)

        for field, numbers in self._numbers.items():
            encoded = [relative.encode("utf-8") for relative in numbers]
            order = sorted(range(len(encoded)), key=encoded.__getitem__)
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            relative_of, member = map(int32s, self._pairs[field])
            key = rank[relative_of]
            members = member[np.lexsort((member, key))]  # by relative, then exact term
            lengths = self._lengths[field]
            yield field, {
                "terms": np.frombuffer(b"".join(encoded[i] for i in order), dtype=np.uint8),
                "term_starts": starts([len(encoded[i]) for i in order]),
                "member_starts": starts(np.bincount(key, minlength=len(order))),
                "members": members.astype(np.int32),
                "lengths": length_codes(lengths),
            }, int(lengths.sum())


def builders(schema, documents: int) -> dict[str, RelativesBuilder]:
    """A builder for each exact field of ``schema`` (its relatives' maps are made from its terms)."""
    if TEXT_FIELDS["body"].stem not in schema:
        return {}  # not an index of this engine's schema
    settings = settings_of(schema)
    return {fields.exact: RelativesBuilder(fields, settings, documents)
            for fields in TEXT_FIELDS.values() if fields.exact in schema}


def settings_of(schema) -> AnalysisSettings:
    """The analysis settings an index was built with, read from its stem field's chain."""
    from ..analysis.chain import ArabicStemFilter, ArabicStopFilter

    items = schema[TEXT_FIELDS["body"].stem].analyzer.items
    stemmer = next(i.stemmer for i in items if isinstance(i, ArabicStemFilter))
    stop_list = next(i.stop_list for i in items if isinstance(i, ArabicStopFilter))
    return AnalysisSettings(stemmer=stemmer, stop_list=stop_list)


class DerivedColumns:
    """A virtual field of one segment, read through its exact field's columns."""

    def __init__(self, arrays: dict, terms, source, documents: int, total: int):
        self.arrays = arrays
        self._terms = terms
        self.source = source  # posting_columns._FieldColumns of the exact field
        self.documents = documents
        self.total = total

    def members(self, btext: bytes) -> np.ndarray | None:
        """The exact terms (their indexes in the exact field) that have the relative ``btext``."""
        i = self._terms.index(btext)
        if i is None:
            return None
        starts = self.arrays["member_starts"]
        return self.arrays["members"][int(starts[i]) : int(starts[i + 1])]

    def postings_read(self, btext: bytes) -> int:
        """How many exact postings reading ``btext`` sums (what the query budget counts)."""
        members = self.members(btext)
        if members is None:
            return 0
        starts = self.source.arrays["posting_starts"]
        return int((starts[members + 1] - starts[members]).sum())

    def read(self, btext: bytes, positions: bool = False):
        """(document numbers, weights float64, None) of a relative, or None: its exact terms' postings summed."""
        members = self.members(btext)
        if members is None or not len(members):
            return None
        source = self.source
        starts = source.arrays["posting_starts"]
        if len(members) == 1:  # most roots and 4-grams have one exact term: its postings as they are
            found = source.read_at(int(members[0]))
            return found if len(found[0]) else None
        # Every member's postings gathered with one index array, not a slice per member (a 4-gram
        # may have hundreds): each member's run of positions, start + 0, 1, ...
        firsts = starts[members].astype(np.int64)  # offsets may be kept in 32 bits
        sizes = starts[members + 1].astype(np.int64) - firsts
        total = int(sizes.sum())
        if not total:
            return None
        at = np.repeat(firsts - np.cumsum(sizes) + sizes, sizes) + np.arange(total)
        ids = source.arrays["ids"][at]
        weights = source.weights[at].astype(np.float64)
        if total * 16 < self.documents:
            # Few postings: summed by document after a sort, not counted over every document.
            order = np.argsort(ids, kind="stable")
            ids, weights = ids[order], weights[order]
            first = np.ones(total, dtype=bool)
            first[1:] = ids[1:] != ids[:-1]
            at = np.flatnonzero(first)
            return ids[at].astype(np.int32), np.add.reduceat(weights, at), None
        summed = np.bincount(ids, weights, minlength=self.documents)
        found = np.flatnonzero(summed)
        return found.astype(np.int32), summed[found], None
