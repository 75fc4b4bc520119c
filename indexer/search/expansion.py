"""What expanding one query needs, and what it gathers on the way.

parse_query makes one Expansion per query and hands it, with the parsed
query, to expand_boolean.py, which hands each word, phrase and prefix to
expand_word.py, expand_phrase.py or expand_prefix.py.  Those read the
settings here (schema, ranking, index) and add to what is gathered: the
terms to highlight, the stop words left out, the tiers' queries and the
query's cost.  The helpers below are the ones all three kinds of leaf share.
"""

from __future__ import annotations

from whoosh import query as Q

from ..storage.relatives import relatives_of, settings_of
from ..storage.schema import DERIVED_KINDS, TEXT_FIELDS
from .bm25f import WordGroup
from .match_terms import MatchTerms
from .query_cost import QueryCost
from .query_error import QueryError
from .ranking import Ranking

MAX_TERMS = 50  # words, phrases and prefixes one query may have


class Expansion:
    """The settings and the gathered results of expanding one query."""

    def __init__(self, schema, ranking: Ranking, reader=None, default_scopes=(), memo: dict | None = None):
        self.schema = schema
        self.ranking = ranking
        # The index, when at hand: other spellings, prefixes' words and the cost are read from it.
        self.reader = reader
        # The caller's memo, kept as long as ``reader``: what was read from it for earlier queries.
        self.memo = memo
        # Where a word without a field name (title:) is searched.
        self.default_scopes = list(default_scopes)
        self.terms = MatchTerms()
        self.ignored: list[str] = []  # stop words left out of the search
        self.leaves = 0
        # One query per positive word or phrase: "the document holds this exact form".
        self.exact_forms: list[Q.Query] = []
        # One per positive word or phrase: "the document writes it with the letters typed"
        # (None where no document does).
        self.written_forms: list[Q.Query | None] = []
        # One per positive word or phrase: how many documents hold its exact form (None for a
        # phrase, or without an index), so the tiers can tell a rare word from a common one.
        self.exact_frequencies: list[int | None] = []
        # What the query reads and scores as a whole (query_cost.py); known only with an index.
        self.cost = QueryCost(reader, memo) if reader is not None else None
        self._analysis_settings = None

    def scopes(self, fieldname: str) -> list[str]:
        """The user-facing fields a leaf searches: the one named (title:word) or the defaults."""
        return self.default_scopes if fieldname == "content" else [fieldname]

    def count_leaf(self) -> None:
        """Count one more word, phrase or prefix; QueryError past MAX_TERMS."""
        self.leaves += 1
        if self.leaves > MAX_TERMS:
            raise QueryError("too_many_terms", f"The query has more than {MAX_TERMS} words.")

    def analyzed(self, kind: str, word: str) -> list[str]:
        """The terms of ``word`` in the fields of one kind ("stem", "root", "gram"),
        in order and without repeats."""
        if kind in DERIVED_KINDS:
            # The chain that made the index's maps of roots and 4-grams (relatives.py).
            return list(dict.fromkeys(relatives_of(word, kind, self._settings())))
        # The field's own analyzer, exactly as at indexing.
        name = TEXT_FIELDS["body"].by_kind()[kind]
        return list(dict.fromkeys(self.schema[name].process_text(word, mode="query")))

    def _settings(self):
        if self._analysis_settings is None:
            self._analysis_settings = settings_of(self.schema)
        return self._analysis_settings

    def stems(self, word: str) -> list[str]:
        """The stems of ``word``: none for a stop word."""
        return self.analyzed("stem", word)

    def tier_word(self, exact: Q.Query, written: Q.Query | None, frequency: int | None = None) -> None:
        """One positive word's or phrase's tiers: its exact form, its written form, its rarity."""
        self.exact_forms.append(exact)
        self.written_forms.append(written)
        self.exact_frequencies.append(frequency)

    def exact_frequency(self, terms: list[Q.Term]) -> int | None:
        """Documents holding the commonest of ``terms`` (a word's exact form in each scope),
        read through the query's cost, which looks the same terms up and remembers them."""
        if self.cost is None:
            return None
        return max(self.cost.doc_frequency(t.fieldname, t.text) for t in terms)

    def weight(self, scope: str, kind: str) -> float:
        return self.ranking.weight(scope, kind)

    def written_terms(self, scope: str, written_words) -> list[Q.Term]:
        """Spelling-field terms of the words as typed: among the words
        normalization joins, those written as typed rank first (مدرسه before
        مدرسة).  They make the written-form tier; with a "written" weight
        they also add score."""
        name = TEXT_FIELDS[scope].spelling
        if name not in self.schema:
            return []
        analyze = self.schema[name].process_text
        terms = dict.fromkeys(t for w in written_words for t in analyze(w, mode="query"))
        return [Q.Term(name, t, boost=self.weight(scope, "written")) for t in terms]

    def written_bonus(self, written_terms: list[Q.Term]) -> list[Q.Term]:
        """The written terms that add score: only with a "written" weight (they would add nothing)."""
        return written_terms if self.ranking.weights.get("written") else []

    def word_query(self, match, relatives, idf_words, prefix=None, bonus=(), label: str = "") -> Q.Query:
        """One word's query: its exact form and stems, its relatives and bonus terms, saturated together.

        ``match`` are the clauses that make a document match; ``relatives``
        (root, 4-grams, other spellings) match too or, with
        ``Ranking.relatives_match`` off, only add score, as ``bonus`` does.
        ``idf_words`` and ``prefix`` say whose frequencies give the word its
        idf (bm25f.WordGroup); ``label`` is what was typed."""
        query = Q.Or(match)
        if relatives:
            query = Q.Or(match + relatives) if self.ranking.relatives_match else Q.AndMaybe(query, Q.Or(relatives))
        if bonus:
            query = Q.AndMaybe(query, Q.Or(list(bonus)))
        if self.ranking.saturation == "word":
            query = WordGroup(query, idf_words, self.ranking.k1, prefix, label)
        return query

    def spent(self, q: Q.Query) -> Q.Query:
        """``q``, its terms and postings spent from the query's budget (OverBudget past it)."""
        if self.cost is not None:
            self.cost.query(q)
        return q
