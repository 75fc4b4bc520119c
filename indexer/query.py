"""From what a person types to a Whoosh query over the exact and stemmed fields.

Whoosh's own parser reads the syntax (words, "phrases", OR, NOT, -word,
prefix*, title:word, parentheses) with the exact analyzer, so diacritics,
alef forms and the like are already normalized.  Each leaf is then expanded
here into the fields it searches: the exact form in the exact fields and the
stems (from the same stemmed-field analyzer used at indexing) in the stemmed
ones.  Whoosh's parser silently repairs broken syntax; we check it first so a
person is told what is wrong instead of getting a surprising result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import qparser
from whoosh import query as Q
from whoosh.fields import TEXT, Schema

from .analysis import exact_analyzer, is_stop_word
from .schema import FIELD_BOOSTS, TEXT_FIELDS
from .stemming import PREFIXES

# Added once per query word when a document holds the word's exact form (in
# any field): larger than any BM25F sum, it ranks every document with the exact
# form above every document that matches only a stem; BM25F orders within.
EXACT_FORM_BONUS = 1000.0
MAX_QUERY_CHARS = 1000
MAX_TERMS = 50
MAX_NESTING = 10
MIN_PREFIX_CHARS = 2
# Arabic and typographic quotation marks mean a phrase too.
_QUOTE_MARKS = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
_BRACKETS = {")": "(", "]": "[", "}": "{"}
_LEADING_MINUS = re.compile(r"(?:^|\s)-\w")
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

    def matches(self, scope: str, exact: str, stems) -> bool:
        return (
            exact in self.exact[scope]
            or any(s in self.stems[scope] for s in stems)
            or any(exact.startswith(p) for p in self.prefixes[scope])
        )


@dataclass
class ParsedQuery:
    text: str
    query: Q.Query
    # Same words joined by OR, tried when no document has them all.
    relaxed: Q.Query | None
    terms: MatchTerms
    ignored_stop_words: list[str]


class _ArabicWildcardPlugin(qparser.WildcardPlugin):
    # Whoosh reads the Arabic question mark ؟ as a one-letter wildcard, which
    # would turn natural questions into pattern queries; only * is ours.
    qmarks = ""
    expr = "(?P<text>[*])"


def _make_parser() -> qparser.QueryParser:
    analyzer = exact_analyzer()
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
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
            if len(stack) > MAX_NESTING:
                raise QueryError("too_deep", f"Brackets nest more than {MAX_NESTING} deep.")
        elif ch in _BRACKETS:
            if not stack or stack.pop() != _BRACKETS[ch]:
                raise QueryError("unbalanced_bracket", f"The bracket {ch} has no opening partner.")
    if stack:
        raise QueryError("unbalanced_bracket", f"The bracket {stack[-1]} is not closed.")
    words = [w.strip("()[]{}\"+-*") for w in text.split()]
    if all(w in _OPERATORS or not any(ch.isalnum() for ch in w) for w in words):
        raise QueryError("no_search_terms", "The query has no words to search for, only operators or punctuation.")


class _Expander:
    def __init__(self, schema):
        self.schema = schema
        self.terms = MatchTerms()
        self.ignored: list[str] = []
        self.leaves = 0

    def _scopes(self, fieldname):
        return list(TEXT_FIELDS) if fieldname == "content" else [fieldname]

    def _stems(self, word):
        # The stemmed field's own analyzer, exactly as at indexing.
        return list(dict.fromkeys(self.schema["body_stem"].process_text(word, mode="query")))

    def _count_leaf(self):
        self.leaves += 1
        if self.leaves > MAX_TERMS:
            raise QueryError("too_many_terms", f"The query has more than {MAX_TERMS} words.")

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

    def _term(self, q, negated):
        self._count_leaf()
        word = q.text
        stems = self._stems(word)
        if not stems and is_stop_word(word):
            # Too common to tell documents apart; phrases still use it.
            self.ignored.append(word)
            return None
        clauses, exact = [], []
        for scope in self._scopes(q.fieldname):
            exact_field, stem_field = TEXT_FIELDS[scope]
            exact.append(Q.Term(exact_field, word))
            clauses.append(Q.Term(exact_field, word, boost=FIELD_BOOSTS[exact_field]))
            clauses.extend(Q.Term(stem_field, s, boost=FIELD_BOOSTS[stem_field]) for s in stems)
            if not negated:
                self.terms.exact[scope].add(word)
                self.terms.stems[scope].update(stems)
        return Q.Or([*clauses, self._exact_bonus(exact)])

    @staticmethod
    def _exact_bonus(exact_queries):
        return Q.ConstantScoreQuery(Q.Or(exact_queries), EXACT_FORM_BONUS)

    def _phrase(self, q, negated):
        self._count_leaf()
        words = list(q.words)
        # Primary stems of the content words; each stop word skipped widens the slop.
        stem_words = []
        for word in words:
            stems = self._stems(word)
            if stems:
                stem_words.append(stems[0])
        slop = max(q.slop, 1) + (len(words) - len(stem_words))
        clauses, exact = [], []
        for scope in self._scopes(q.fieldname):
            exact_field, stem_field = TEXT_FIELDS[scope]
            exact.append(Q.Phrase(exact_field, words, slop=q.slop))
            clauses.append(Q.Phrase(exact_field, words, slop=q.slop, boost=FIELD_BOOSTS[exact_field]))
            if len(stem_words) > 1:
                clauses.append(Q.Phrase(stem_field, stem_words, slop=slop, boost=FIELD_BOOSTS[stem_field]))
            elif stem_words:
                clauses.append(Q.Term(stem_field, stem_words[0], boost=FIELD_BOOSTS[stem_field]))
            if not negated:
                self.terms.exact[scope].update(words)
                self.terms.stems[scope].update(stem_words)
        return Q.Or([*clauses, self._exact_bonus(exact)])

    def _prefix(self, q, negated):
        self._count_leaf()
        prefix = q.text
        if len(prefix) < MIN_PREFIX_CHARS:
            raise QueryError("prefix_too_short", "A * must follow at least two letters (بلينك*).")
        # Also try the prefix without an attached article (الاجتم* -> اجتم*).
        variants = {prefix}
        for article in PREFIXES:
            if prefix.startswith(article) and len(prefix) - len(article) >= MIN_PREFIX_CHARS:
                variants.add(prefix[len(article):])
                break
        clauses = []
        for scope in self._scopes(q.fieldname):
            exact_field, _ = TEXT_FIELDS[scope]
            clauses.extend(Q.Prefix(exact_field, v, boost=FIELD_BOOSTS[exact_field]) for v in sorted(variants))
            if not negated:
                self.terms.prefixes[scope].update(variants)
        return Q.Or(clauses)


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


def parse_query(text: str, schema) -> ParsedQuery:
    """Parse and check ``text``; raise ``QueryError`` with a clear message when it cannot run."""
    global _parser
    if not isinstance(text, str):
        raise QueryError("empty_query", "The query is empty: type a word to search for.")
    _check_syntax(text)
    cleaned = text.translate(_QUOTE_MARKS)
    if _parser is None:
        _parser = _make_parser()
    expander = _Expander(schema)
    query = expander.expand(_parser.parse(cleaned))
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
    return ParsedQuery(
        text=text,
        query=query,
        relaxed=_relaxed(query),
        terms=expander.terms,
        ignored_stop_words=expander.ignored,
    )
