"""From what a person types to a Whoosh query over the indexed fields.

Whoosh's own parser reads the syntax (words, "phrases", OR, NOT, -word,
prefix*, title:word, parentheses) with the written-form analyzer, so marks
are gone but letters stay as typed.  Each leaf is then expanded here into
the fields it searches, each through the same analyzer used at indexing:
the normalized exact form, the stems, the word's relatives (root, 4-grams),
the spelling typed and, with an index at hand, other spellings of a long
word filed under the same spelling key (variants.py).  Whoosh's parser
silently repairs broken syntax; we check it first so a person is told what
is wrong instead of getting a surprising result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import matching, qparser
from whoosh import query as Q
from whoosh.fields import TEXT, Schema

from ..analysis.chain import written_analyzer
from .bm25f import WordGroup
from ..analysis.normalize import normalize_word
from .query_cost import OverBudget, QueryCost
from .ranking import ALL_WORDS_TIER, DEFAULT_RANKING, EXACT_FORM_TIER, WRITTEN_FORM_TIER, Ranking
from ..storage.schema import TEXT_FIELDS
from ..analysis.stemming import PREFIXES
from ..analysis.stemming import light_bases
from ..analysis.variants import other_spellings

MAX_QUERY_CHARS = 1000
MAX_TERMS = 50
MAX_NESTING = 10
MIN_PREFIX_CHARS = 2
# Words one prefix* may stand for: each is a term the search must read.
MAX_PREFIX_TERMS = 2000
MAX_VARIANTS = 20  # other spellings of one word a query searches for
MAX_REMEMBERED_SPELLINGS = 50_000
ALL_SCOPES = "all"
SCOPES = (ALL_SCOPES, *TEXT_FIELDS)  # where words without a field name are searched
# Arabic and typographic quotation marks mean a phrase too.
_QUOTE_MARKS = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
# Only parentheses group; square and curly brackets are not query syntax here
# (ranges are switched off), so they are punctuation like any other.
_PUNCTUATION_BRACKETS = str.maketrans({"[": " ", "]": " ", "{": " ", "}": " "})
_LEADING_MINUS = re.compile(r"(?:^|\s)-\w")
# Outside phrases a * may only end a word (prefix search): what follows it is
# a space, a bracket, the + or - of the next word, or the end.  Whoosh reads
# any other * as a wildcard inside a word, or after a phrase as something
# else again; one rule here, and the API's description says the same.
_QUOTES = '"«»“”„'
_PHRASE = re.compile('"[^"]*"')
_STAR_INSIDE_WORD = re.compile(r"\*(?![\s()+\-]|$)")
_STAR_AFTER_NO_WORD = re.compile(r'(?:^|[\s()+\-"*])\*')
# And it must follow the word's last letter, not a space, bracket, operator
# or phrase.  The same rules as a JSON Schema pattern for q (webapp/openapi.py).
QUERY_PATTERN = (rf'^(?:[{_QUOTES}][^{_QUOTES}]*[{_QUOTES}]|[^{_QUOTES}*]'
                 rf'|[^{_QUOTES}*\s()+\-]\*(?=$|[\s()+\-]))*$')
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# Field names a person may type before a colon.
FIELD_ALIASES = {"title": ["عنوان", "العنوان"]}


class QueryError(ValueError):
    """A query that cannot be run; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class MatchTerms:
    """What to highlight, per user-facing field ("title", "body")."""

    exact: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    stems: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    prefixes: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    # Other spellings the query searched for (normalized, without proclitics).
    variants: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    # Stop words of a quoted phrase: marked only next to a marked word, not
    # wherever they stand ("في عام" marks في before عام, not every في).
    joined: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    # The highlighter's memo per query: highlight.py.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def matcher(self, scope: str):
        """Whether a word of running text (its exact form and stems) is one the
        query searched for, as a function: the highlighter asks it of every
        distinct word on a page, so the sets are looked up once."""
        exact, stems, variants = self.exact[scope], self.stems[scope], self.variants[scope]
        prefixes = tuple(self.prefixes[scope])

        def matches(form: str, form_stems) -> bool:
            return (
                form in exact
                or not stems.isdisjoint(form_stems)
                or bool(prefixes and form.startswith(prefixes))
                or bool(variants and light_bases(form)[0] in variants)
            )

        return matches

    def words(self) -> list[str]:
        """The exact forms searched for, in no particular order."""
        return sorted(set().union(*self.exact.values(), *self.joined.values()))


@dataclass
class ParsedQuery:
    text: str
    query: Q.Query
    # Same words joined by OR, tried when no document has them all.
    relaxed: Q.Query | None
    terms: MatchTerms
    ignored_stop_words: list[str]
    # One query per positive word or phrase: "the document holds it as typed".
    exact_forms: list[Q.Query] = field(default_factory=list)
    # One query per positive word or phrase: "the document writes it as typed"
    # (same letters, any proclitics): مدرسه before مدرسة.
    written_forms: list[Q.Query] = field(default_factory=list)
    # What the search will read (query_cost.py), when parsed with the index at hand.
    cost: QueryCost | None = None

    def with_exact_tier(self, q: Q.Query, ranking: Ranking) -> Q.Query:
        """``q`` plus, for a short query, a tier per word whose exact form a document holds."""
        if not self.exact_forms or len(self.exact_forms) > ranking.exact_tier_max_words:
            return q
        tiers = [Q.ConstantScoreQuery(e, EXACT_FORM_TIER) for e in self.exact_forms]
        if ranking.written_tier:
            tiers += [Q.ConstantScoreQuery(w, WRITTEN_FORM_TIER) for w in self.written_forms]
        return Q.AndMaybe(q, Q.Or(tiers))

    def all_first(self, ranking: Ranking) -> Q.Query:
        """Every document with any word, those with every word ranked first."""
        if self.relaxed is None:
            return self.with_exact_tier(self.query, ranking)
        tiered = Q.Or([self.relaxed, Q.ConstantScoreQuery(self.query, ALL_WORDS_TIER)])
        return self.with_exact_tier(tiered, ranking)


class _ArabicWildcardPlugin(qparser.WildcardPlugin):
    # Whoosh reads the Arabic question mark ؟ as a one-letter wildcard, which
    # would turn natural questions into pattern queries; only * is ours.
    qmarks = ""
    expr = "(?P<text>[*])"


def _make_parser() -> qparser.QueryParser:
    analyzer = written_analyzer()
    schema = Schema(**{name: TEXT(analyzer=analyzer) for name in ("content", *TEXT_FIELDS)})
    parser = qparser.QueryParser("content", schema)
    for plugin in (
        qparser.SingleQuotePlugin,
        qparser.RangePlugin,
        qparser.BoostPlugin,
        qparser.EveryPlugin,
        qparser.WildcardPlugin,
    ):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(_ArabicWildcardPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


_parser = None


def _check_syntax(text: str) -> None:
    if not text.strip():
        raise QueryError("empty_query", "The query is empty: type a word to search for.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            "query_too_long", f"The query has {len(text)} characters; the limit is {MAX_QUERY_CHARS}."
        )
    if text.count('"') % 2:
        raise QueryError("unbalanced_quote", 'A quotation mark (") is not closed.')
    # Brackets inside a phrase are its text, not grouping (Whoosh reads them so).
    outside_phrases = _PHRASE.sub('"', text.translate(_QUOTE_MARKS))
    depth = 0
    for ch in outside_phrases:
        if ch == "(":
            depth += 1
            if depth > MAX_NESTING:
                raise QueryError("too_deep", f"Brackets nest more than {MAX_NESTING} deep.")
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("unbalanced_bracket", "The bracket ) has no opening partner.")
    if depth:
        raise QueryError("unbalanced_bracket", "The bracket ( is not closed.")
    words = [w.strip("()[]{}\"+-*") for w in text.split()]
    if all(w in _OPERATORS or not any(ch.isalnum() for ch in w) for w in words):
        raise QueryError("no_search_terms", "The query has no words to search for, only operators or punctuation.")
    if _STAR_INSIDE_WORD.search(outside_phrases):
        raise QueryError("unsupported_wildcard", "Only a * at the end of a word is supported (بلينك*).")
    if _STAR_AFTER_NO_WORD.search(outside_phrases):
        raise QueryError("lone_wildcard", "A * must follow at least two letters (بلينك*).")


class _Expander:
    """Turns each parsed word, phrase or prefix into the clauses of its fields.

    A word matches through its exact form, its stems and (unless
    ``Ranking.relatives_match`` is off) its root and stem 4-grams.
    """

    def __init__(self, schema, ranking: Ranking, reader=None, scope: str = ALL_SCOPES, memo: dict | None = None):
        self.schema = schema
        self.ranking = ranking
        self.reader = reader
        self.memo = memo
        # Where a word without a field name (title:) is searched.
        self.default_scopes = list(TEXT_FIELDS) if scope == ALL_SCOPES else [scope]
        self.terms = MatchTerms()
        self.ignored: list[str] = []
        self.leaves = 0
        # One query per positive word: "the document holds this exact form".
        self.exact_forms: list[Q.Query] = []
        self.written_forms: list[Q.Query] = []
        # What the query reads and scores as a whole (query_cost.py); known only with an index.
        self.cost = QueryCost(reader, memo) if reader is not None else None

    def _scopes(self, fieldname):
        return self.default_scopes if fieldname == "content" else [fieldname]

    def _analyzed(self, kind, word):
        # The field's own analyzer, exactly as at indexing.
        name = TEXT_FIELDS["body"].by_kind()[kind]
        return list(dict.fromkeys(self.schema[name].process_text(word, mode="query")))

    def _stems(self, word):
        return self._analyzed("stem", word)

    def _variants(self, scope, word):
        """Spelling-field terms of other spellings of ``word`` that the index holds."""
        name = TEXT_FIELDS[scope].spelling
        if self.reader is None or name not in self.schema or not self.ranking.weights.get("variant"):
            return []
        key = (name, word)
        found = self.memo.get(key) if self.memo is not None else None
        if found is None:
            # Reading a spelling key's words from the term index was a third of a parse.
            terms, words = other_spellings(self.reader, name, word, MAX_VARIANTS)
            found = tuple(terms), frozenset(words)
            if self.memo is not None:
                if len(self.memo) >= MAX_REMEMBERED_SPELLINGS:
                    self.memo.clear()
                self.memo[key] = found
        terms, words = found
        self.terms.variants[scope].update(words)
        return terms

    def _count_leaf(self):
        self.leaves += 1
        if self.leaves > MAX_TERMS:
            raise QueryError("too_many_terms", f"The query has more than {MAX_TERMS} words.")

    def _weight(self, scope, kind):
        return self.ranking.weight(scope, kind)

    def expand(self, q, negated=False):
        if isinstance(q, Q.Term):
            return self._term(q, negated)
        if isinstance(q, Q.Phrase):
            return self._phrase(q, negated)
        if isinstance(q, Q.Prefix):
            return self._prefix(q, negated)
        if isinstance(q, Q.Wildcard):
            raise QueryError("unsupported_wildcard", "Only a * at the end of a word is supported (بلينك*).")
        if isinstance(q, Q.Every):
            raise QueryError("lone_wildcard", "A * must follow at least two letters (بلينك*).")
        if isinstance(q, Q.Not):
            inner = self.expand(q.query, not negated)
            return Q.Not(inner) if inner is not None else None
        if isinstance(q, Q.AndNot):
            positive = self.expand(q.a, negated)
            negative = self.expand(q.b, not negated)
            if positive is None:
                return Q.Not(negative) if negative is not None else None
            return Q.AndNot(positive, negative) if negative is not None else positive
        if isinstance(q, Q.AndMaybe):
            required = self.expand(q.a, negated)
            optional = self.expand(q.b, negated)
            if required is None or optional is None:
                return required or optional
            return Q.AndMaybe(required, optional)
        if isinstance(q, Q.CompoundQuery):
            children = [c for c in (self.expand(sub, negated) for sub in q.subqueries) if c is not None]
            if not children:
                return None
            return children[0] if len(children) == 1 else type(q)(children)
        if q is Q.NullQuery or isinstance(q, Q.query.qcore._NullQuery):
            return None
        raise QueryError("unsupported_syntax", f"This kind of query is not supported: {q}")

    def _written(self, scope, written_words):
        """Spelling-field terms of the words as typed: among the words
        normalization joins, those written as typed rank first (مدرسه before
        مدرسة).  They make the written-form tier; with a "written" weight
        they also add score."""
        name = TEXT_FIELDS[scope].spelling
        if name not in self.schema:
            return []
        analyze = self.schema[name].process_text
        terms = dict.fromkeys(t for w in written_words for t in analyze(w, mode="query"))
        return [Q.Term(name, t, boost=self._weight(scope, "written")) for t in terms]

    def _bonus(self, written_terms):
        return written_terms if self.ranking.weights.get("written") else []

    def _scored(self, match, relatives, idf_words, prefix=None, bonus=()):
        """One word's query: its exact form and stems, its relatives and bonus terms, saturated together."""
        query = Q.Or(match)
        if relatives:
            query = Q.Or(match + relatives) if self.ranking.relatives_match else Q.AndMaybe(query, Q.Or(relatives))
        if bonus:
            query = Q.AndMaybe(query, Q.Or(list(bonus)))
        if self.ranking.saturation == "word":
            query = WordGroup(query, idf_words, self.ranking.k1, prefix)
        return query

    def _term(self, q, negated):
        self._count_leaf()
        written = q.text
        word = normalize_word(written)
        stems = self._stems(word)
        if not stems:
            # A stop word: too common to tell documents apart; phrases still use it.
            self.ignored.append(word)
            return None
        match, exact = [], []
        for scope in self._scopes(q.fieldname):
            fields = TEXT_FIELDS[scope]
            exact.append(Q.Term(fields.exact, word))
            match.append(Q.Term(fields.exact, word, boost=self._weight(scope, "exact")))
            match.extend(Q.Term(fields.stem, s, boost=self._weight(scope, "stem")) for s in stems)
        if negated:
            return self._spent(Q.Or(match))
        related = {kind: self._analyzed(kind, word) for kind in ("root", "gram") if self.ranking.weights.get(kind)}
        relatives, idf_pairs, bonus = [], [], []
        for scope in self._scopes(q.fieldname):
            fields = TEXT_FIELDS[scope]
            bonus += self._written(scope, [written])
            for kind, texts in related.items():
                name = fields.by_kind()[kind]
                relatives.extend(Q.Term(name, t, boost=self._weight(scope, kind)) for t in texts)
            variants = self._variants(scope, word)
            relatives.extend(Q.Term(fields.spelling, t, boost=self._weight(scope, "variant")) for t in variants)
            idf_pairs += [(fields.exact, word), (fields.stem, stems[0])]
            idf_pairs += [(fields.root, r) for r in related.get("root", [])[:1]]
            self.terms.exact[scope].add(word)
            self.terms.stems[scope].update(stems)
        self.exact_forms.append(Q.Or(exact))
        if bonus:
            self.written_forms.append(Q.Or([Q.Term(t.fieldname, t.text) for t in bonus]))
        return self._spent(self._scored(match, relatives, [idf_pairs], bonus=self._bonus(bonus)))

    def _phrase(self, q, negated):
        self._count_leaf()
        words = [w for w in map(normalize_word, q.words) if w]
        # Primary stems of the content words; each stop word skipped widens the slop.
        stem_words, stop_words = [], []
        for word in words:
            stems = self._stems(word)
            if stems:
                stem_words.append(stems[0])
            else:
                stop_words.append(word)
        # A phrase of stop words alone has nothing to stand next to: its words are marked where they stand.
        joined = stop_words if stem_words else []
        slop = max(q.slop, 1) + (len(words) - len(stem_words))
        match, exact, bonus = [], [], []
        for scope in self._scopes(q.fieldname):
            fields = TEXT_FIELDS[scope]
            bonus += self._written(scope, [w for w in q.words if normalize_word(w)])
            exact.append(Q.Phrase(fields.exact, words, slop=q.slop))
            match.append(Q.Phrase(fields.exact, words, slop=q.slop, boost=self._weight(scope, "exact")))
            if len(stem_words) > 1:
                match.append(Q.Phrase(fields.stem, stem_words, slop=slop, boost=self._weight(scope, "stem")))
            elif stem_words:
                match.append(Q.Term(fields.stem, stem_words[0], boost=self._weight(scope, "stem")))
            if not negated:
                self.terms.exact[scope].update(w for w in words if w not in joined)
                self.terms.joined[scope].update(joined)
                self.terms.stems[scope].update(stem_words)
        if negated:
            return self._spent(Q.Or(match))
        self.exact_forms.append(Q.Or(exact))
        if bonus:
            # Every word of the phrase written as typed, in some field.
            by_word = {}
            for t in bonus:
                by_word.setdefault(t.text, []).append(Q.Term(t.fieldname, t.text))
            self.written_forms.append(Q.And([Q.Or(terms) for terms in by_word.values()]))
        body = TEXT_FIELDS["body"]
        return self._spent(self._scored(match, [], [[(body.exact, w)] for w in words], bonus=self._bonus(bonus)))

    def _spent(self, q):
        """``q``, its terms and postings spent from the query's budget."""
        if self.cost is not None:
            self.cost.query(q)
        return q

    def _check_expansion(self, fieldname, prefixes, typed):
        """QueryError when the prefixes stand for more than MAX_PREFIX_TERMS words of the index.

        The words read are spent from the query's budget as they are read."""
        if self.reader is None:
            return
        count = 0
        for prefix in prefixes:
            for _ in self.cost.prefix(fieldname, prefix):
                count += 1
                if count > MAX_PREFIX_TERMS:
                    raise QueryError(
                        "prefix_too_common",
                        f"{typed}* stands for more than {MAX_PREFIX_TERMS} different words; add letters before the *.",
                    )

    def _prefix(self, q, negated):
        self._count_leaf()
        prefix = normalize_word(q.text)
        if len(prefix) < MIN_PREFIX_CHARS:
            raise QueryError("prefix_too_short", "A * must follow at least two letters (بلينك*).")
        # Also try the prefix without an attached article (الاجتم* -> اجتم*).
        variants = {prefix}
        for article in PREFIXES:
            if prefix.startswith(article) and len(prefix) - len(article) >= MIN_PREFIX_CHARS:
                variants.add(prefix[len(article):])
                break
        match = []
        for scope in self._scopes(q.fieldname):
            fields = TEXT_FIELDS[scope]
            self._check_expansion(fields.exact, variants, q.text)
            match.extend(PreloadedPrefix(fields.exact, v, boost=self._weight(scope, "exact") + self._weight(scope, "stem"))
                         for v in sorted(variants))
            if not negated:
                self.terms.prefixes[scope].update(variants)
        if negated:
            return Q.Or(match)
        return self._spent(self._scored(match, [], [], prefix=(TEXT_FIELDS["body"].exact, min(variants, key=len))))


class PreloadedPrefix(Q.Prefix):
    """A prefix* whose words are read into one array of documents.

    Whoosh ORs a prefix's words as a binary tree of union matchers; with a few
    hundred words, the tree's per-document bookkeeping costs seconds a query on
    a large index.  Its PreloadedOr reads every word's postings once into an
    array instead, which is what a prefix (all words scored alike) needs.
    """

    def matcher(self, searcher, context=None):
        terms = [Q.Term(self.fieldname, word) for word in self._btexts(searcher.reader()) if word]
        if not terms:
            return Q.NullQuery().matcher(searcher, context)
        scored = not (self.constantscore and context)
        if scored and len(terms) == 1:
            return terms[0].matcher(searcher, context)
        # Built here, not by PreloadedOr, so that a segment holding one word of
        # the prefix scores it like one holding many (PreloadedOr hands a lone
        # word to a scored term matcher): the score of a document must not
        # depend on how the index is split into segments.
        matchers = [t.matcher(searcher, context) for t in terms]
        return matching.ArrayUnionMatcher(matchers, searcher.doc_count_all(), boost=self.boost, scored=scored)


def _relaxed(q: Q.Query) -> Q.Query | None:
    """For a plain AND of words, the same words joined by OR (exclusions still apply)."""
    if isinstance(q, Q.AndNot):
        inner = _relaxed(q.a)
        return Q.AndNot(inner, q.b) if inner is not None else None
    if type(q) is not Q.And:
        return None
    positive = [c for c in q.subqueries if not isinstance(c, Q.Not)]
    negative = [c for c in q.subqueries if isinstance(c, Q.Not)]
    if len(positive) < 2:
        return None
    return Q.And([Q.Or(positive), *negative]) if negative else Q.Or(positive)


def _is_negative(q: Q.Query) -> bool:
    if isinstance(q, Q.Not):
        return True
    if isinstance(q, Q.CompoundQuery) and not isinstance(q, (Q.AndNot, Q.AndMaybe)):
        return all(_is_negative(c) for c in q.subqueries)
    return False


# What Whoosh's parser raises on operator sequences it cannot read (found by
# tests/test_fuzz.py: "0 NOT OR", "0 ANDNOT ANDNOT", "(-)0"); the parser
# has no error type of its own.
_PARSER_FAILURES = (NotImplementedError, AssertionError, IndexError, KeyError, TypeError, AttributeError)


def _parse(text: str) -> Q.Query:
    try:
        return _parser.parse(text)
    except _PARSER_FAILURES:
        raise QueryError(
            "unsupported_syntax",
            "The operators in the query (AND, OR, NOT, -, brackets) cannot be read in this order; "
            "put a word between them.",
        ) from None


def parse_query(
    text: str, schema, ranking: Ranking = DEFAULT_RANKING, reader=None, scope: str = ALL_SCOPES,
    memo: dict | None = None,
) -> ParsedQuery:
    """Parse and check ``text``; raise ``QueryError`` with a clear message when it cannot run.

    With the index's ``reader`` the query also searches other spellings of
    long words that the index holds (variants.py).  ``scope`` ("all",
    "title" or "body") is where words without a field name are searched.
    ``memo``, kept by the caller as long as ``reader``, remembers those
    spellings per word.
    """
    if scope not in SCOPES:
        raise QueryError("bad_parameter", f"scope must be one of {', '.join(SCOPES)}.")
    global _parser
    if not isinstance(text, str):
        raise QueryError("empty_query", "The query is empty: type a word to search for.")
    _check_syntax(text)
    cleaned = text.translate(_QUOTE_MARKS).translate(_PUNCTUATION_BRACKETS)
    if _parser is None:
        _parser = _make_parser()
    expander = _Expander(schema, ranking, reader, scope, memo)
    try:
        query = expander.expand(_parse(cleaned))
    except OverBudget as exc:
        raise _too_costly(exc) from None
    if query is None:
        if _LEADING_MINUS.search(cleaned):
            # Whoosh drops a query made only of -words before we see it.
            raise QueryError("only_exclusions", "The query only excludes words; add a word to search for.")
        if expander.ignored:
            raise QueryError(
                "only_stop_words",
                "The query has only very common words (" + "، ".join(expander.ignored)
                + "); add a more specific word or put the words in quotes.",
            )
        raise QueryError("no_search_terms", "The query has no words to search for, only operators or punctuation.")
    if _is_negative(query):
        raise QueryError("only_exclusions", "The query only excludes words; add a word to search for.")
    parsed = ParsedQuery(
        text=text,
        query=query,
        relaxed=_relaxed(query),
        terms=expander.terms,
        ignored_stop_words=expander.ignored,
        exact_forms=expander.exact_forms,
        written_forms=expander.written_forms,
        cost=expander.cost,
    )
    if expander.cost is not None:
        # The tiers of a short query read terms of their own (the written forms): the tiers
        # around an empty query are just those.
        try:
            expander.cost.query(parsed.with_exact_tier(Q.NullQuery, ranking))
        except OverBudget as exc:
            raise _too_costly(exc) from None
    return parsed


def _too_costly(exc: OverBudget) -> QueryError:
    return QueryError(
        "query_too_costly",
        f"The query asks too much of the index for one search ({exc}); "
        "use fewer words or prefixes, longer prefixes (more letters before the *) or rarer words.",
    )
