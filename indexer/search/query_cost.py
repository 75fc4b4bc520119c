"""What one query may cost as a whole, counted while it is expanded.

A word of a query is searched through many terms (exact form, stems, root,
4-grams, spellings, in title and body) and a prefix* through every word it
stands for, so the work of a search is not the number of words typed but:

- the terms it reads: each costs lookups and array operations whatever its
  size (fifty prefixes of up to 2,000 words each are tens of thousands of
  terms, seconds of work); a prefix's idf reads some of its words again;
- the postings it scores: the documents of each term, summed over every
  term of every word and field; a phrase's words count their occurrences,
  since their positions are read and matched too.

Both draw on one budget: a query may read MAX_QUERY_TERMS terms, or score
MAX_QUERY_POSTINGS postings, or any mix of the two (each term spends
1/MAX_QUERY_TERMS of it, each posting 1/MAX_QUERY_POSTINGS): two separate
limits would let one query take both, twice the time either allows.  They
are counted from the index's term statistics as the expander builds the
query, before any posting is read, and the query is refused as soon as it
is over, so that a refusal costs little.
"""

from __future__ import annotations

from whoosh import query as Q

from ..storage import relative_index
from .bm25f import WordGroup
from .relative_terms import RelativeTerm

# Chosen by measurement on the 100,000-document bench index (2 segments) on
# a 2-core machine: the adversarial queries of bench/queries.py at growing
# sizes, each timed with snippets on an engine whose postings cache was
# emptied, against the terms and postings counted here.  Queries made mostly of terms (many
# prefixes) took 30 to 90 µs a term, so 3,000 terms are at most about
# 0.27 s; those made mostly of postings (many common words, phrases of
# common words) 20 to 45 ns a posting, so 8,000,000 are at most about 0.36 s
# (OR'ed phrases, the dearest a posting).  That leaves room below 0.5 s for
# the machine's noise.  The 500 realistic queries of the benchmark spend at
# most two thirds of the budget at 100,000 documents: 1,410 terms (للول*),
# 5.1 million postings ("سكن أحدث في عام": في occurs 4.8 million times).
# `python -m bench queries` times the slowest accepted query among
# adversarial ones built to sit just inside the budget (docs/benchmarks.md).
MAX_QUERY_TERMS = 3_000
MAX_QUERY_POSTINGS = 8_000_000
# Document frequencies remembered in the caller's memo, shared with spellings (query.py).
MAX_REMEMBERED = 50_000


class OverBudget(Exception):
    """The query would read more of the index than one search may."""

    def __init__(self, terms: int, postings: int):
        super().__init__(f"at most {terms:,} terms or {postings:,} postings, or that much in a mix of both")


class QueryCost:
    """The terms and postings of one query so far, against the budget.

    ``memo`` (the caller's, kept as long as ``reader``) remembers document
    frequencies: a word's few dozen terms recur across queries, and looking
    them up again was a tenth of a parse."""

    def __init__(self, reader, memo: dict | None = None):
        self.reader = reader
        self.memo = memo if memo is not None else {}
        self.max_terms = MAX_QUERY_TERMS
        self.max_postings = MAX_QUERY_POSTINGS
        self.terms = 0
        self.postings = 0

    @property
    def spent(self) -> float:
        """The share of the budget spent: over 1 is too much."""
        return self.terms / self.max_terms + self.postings / self.max_postings

    def spend(self, terms: int, postings: int) -> None:
        self.terms += terms
        self.postings += postings
        if self.spent > 1:
            raise OverBudget(self.max_terms, self.max_postings)

    def _statistic(self, kind: str, field: str, text) -> int:
        key = ("cost", kind, field, text)
        found = self.memo.get(key)
        if found is None:
            if kind == "relative":
                # A root or a 4-gram reads the postings of each exact term that has it.
                relatives = relative_index.of(self.reader)
                found = relatives.postings_read(field, text) if relatives is not None else 0
            elif field not in self.reader.schema:
                found = 0
            elif kind == "documents":
                found = self.reader.doc_frequency(field, text)
            else:
                found = self.reader.frequency(field, text)
            if len(self.memo) >= MAX_REMEMBERED:
                self.memo.clear()
            self.memo[key] = found = int(found)
        return found

    def doc_frequency(self, field: str, text) -> int:
        """Documents holding ``text`` in ``field``, remembered with the rest."""
        return self._statistic("documents", field, text)

    def query(self, q: Q.Query) -> None:
        """Spend what scoring ``q`` reads; a prefix's words are spent as they are read (``prefix``)."""
        if type(q) is Q.Term:
            self.spend(1, self.doc_frequency(q.fieldname, q.text))
        elif type(q) is RelativeTerm:
            self.spend(1, self._statistic("relative", q.fieldname, q.text))
        elif type(q) is Q.Phrase:
            self.spend(len(q.words), sum(self._statistic("occurrences", q.fieldname, w) for w in q.words))
        elif not isinstance(q, Q.Prefix):
            if isinstance(q, WordGroup) and q.prefix:
                # A prefix's idf looks up the frequencies of some of its words again, a few ms a prefix.
                self.spend(WordGroup.MAX_PREFIX_TERMS, 0)
            for child in q.children():
                self.query(child)

    def prefix(self, field: str, prefix: str):
        """The words of ``field`` starting with ``prefix``, each spent as it is read.

        Read segment by segment: the whole index's iter_prefix combines each
        word's statistics across segments, ten times slower than listing the words."""
        seen = set()
        for leaf, _ in self.reader.leaf_readers():
            for word, info in leaf.iter_prefix(field, prefix):
                new = word not in seen
                self.spend(1 if new else 0, info.doc_frequency())
                if new:
                    seen.add(word)
                    yield word
