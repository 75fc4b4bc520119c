"""BM25F proper: a query word's matches in all its fields are added up before saturation.

Whoosh's ``scoring.BM25F`` scores every (field, term) pair on its own and sums
the scores, so a word found four ways (exact, stem, root, 4-grams) counts about
four times as much as a word found one way, and a question's rarest word can be
outvoted by a common word that matches in every field.  Here:

- the searcher's weighting (``FieldFrequency``) gives each posting only its
  length-normalized term frequency, ``tf / (1 - b + b * length / avg_length)``;
- the query marks each word's clauses with a ``WordGroup``; Whoosh's own
  boosts weight the fields, its union matcher adds them up, and the group's
  matcher applies BM25 saturation and the word's idf once:
  ``idf * s * (k1 + 1) / (k1 + s)``.

This is BM25F as the retrieval literature defines it; Whoosh does not ship it,
and it is small enough to write here.
"""

from __future__ import annotations

from math import log

from whoosh import matching, scoring
from whoosh import query as Q

from ..storage import relative_index
from ..storage.relatives import is_derived


class FieldFrequency(scoring.WeightingModel):
    """Length-normalized term frequency; idf and saturation come from WordGroup."""

    def __init__(self, b: float):
        self.b = b

    def supports_block_quality(self):
        return False

    def scorer(self, searcher, fieldname, text, qf=1):
        return _NormalizedFrequency(searcher, fieldname, text, self.b)


class _NormalizedFrequency(scoring.WeightLengthScorer):
    def __init__(self, searcher, fieldname, text, b):
        self.avgfl = searcher.get_parent().avg_field_length(fieldname) or 1
        self.b = b
        self.setup(searcher, fieldname, text)

    def _score(self, weight, length):
        return weight / (1 - self.b + self.b * length / self.avgfl)

    def supports_block_quality(self):
        return False


def idf(doc_count: int, doc_frequency: int) -> float:
    # Lucene's BM25 idf: never negative, and steeper than Whoosh's log(N/(n+1)) + 1.
    return log(1 + (doc_count - doc_frequency + 0.5) / (doc_frequency + 0.5))


class _Saturated(matching.WrappingMatcher):
    def __init__(self, child, weight, k1):
        super().__init__(child)
        self.weight_, self.k1 = weight, k1

    def _replacement(self, newchild):
        return _Saturated(newchild, self.weight_, self.k1)

    def replace(self, minquality=0):
        # The collector's minimum is a saturated score; the child's scores are
        # not, so it must not prune with it (it would drop documents that the
        # saturation lifts into the top N).
        child = self.child.replace(0)
        return self._replacement(child) if child.is_active() else child

    def supports_block_quality(self):
        return False

    def _saturate(self, s):
        return self.weight_ * s * (self.k1 + 1) / (self.k1 + s)

    def score(self):
        return self._saturate(self.child.score())

    def max_quality(self):
        # Whoosh's collector drops parts of the query whose max_quality cannot
        # lift a document into the top N, so this must bound score(): the
        # saturation rises with s, so the child's bound, saturated, is one.
        return self._saturate(self.child.max_quality())


def _doc_frequency(searcher):
    """The index's document frequency of a term, a root's or 4-gram's included (relative_index.py)."""
    relatives = relative_index.of(searcher.reader())

    def doc_frequency(field, text):
        if is_derived(field):
            return relatives.doc_frequency(field, text) if relatives is not None else 0
        return searcher.doc_frequency(field, text)

    return doc_frequency


class WordGroup(Q.WrappingQuery):
    """All the clauses of one query word (or phrase), saturated together.

    ``words`` lists, per word of the group, the (field, term) pairs whose
    document frequency stands for that word: the largest of them is used, so
    a word whose root is common gets the modest idf of its root.  A phrase
    has one entry per word and gets the sum of their idfs.  ``prefix`` (a
    field and a prefix) takes its idf from the commonest matching term.
    ``label`` is the word, phrase or prefix as typed (what an explanation names).
    """

    MAX_PREFIX_TERMS = 64

    def __init__(self, child, words, k1: float, prefix=None, label: str = ""):
        super().__init__(child)
        self.words = words
        self.k1 = k1
        self.prefix = prefix
        self.label = label

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and other.child == self.child
            and other.words == self.words
            and other.k1 == self.k1
            and other.prefix == self.prefix
        )

    __hash__ = Q.WrappingQuery.__hash__

    def apply(self, fn):
        return WordGroup(fn(self.child), self.words, self.k1, self.prefix, self.label)

    def _weight(self, searcher, doc_frequency=None) -> float:
        """The group's idf weight; ``doc_frequency(field, text)``, when given, answers
        for every field, virtual ones included (the searcher's answers for its own)."""
        # Whole-index statistics: a segment's own would score the same document
        # differently depending on how the index is split into segments.
        searcher = searcher.get_parent()
        doc_count = searcher.doc_count_all()
        doc_frequency = doc_frequency or _doc_frequency(searcher)
        frequencies = [max((doc_frequency(f, t) for f, t in pairs), default=0) for pairs in self.words]
        if self.prefix:
            field, prefix = self.prefix
            terms = searcher.reader().expand_prefix(field, prefix)
            frequencies.append(
                max((searcher.doc_frequency(field, t) for _, t in zip(range(self.MAX_PREFIX_TERMS), terms)), default=0)
            )
        return sum(idf(doc_count, n) for n in frequencies)

    def matcher(self, searcher, context=None):
        m = self.child.matcher(searcher, context)
        if not m.is_active():
            return m
        return _Saturated(m, self._weight(searcher), self.k1)
