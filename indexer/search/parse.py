"""From what a person types to a Whoosh query over the indexed fields.

Whoosh's own parser reads the syntax (words, "phrases", OR, NOT, -word,
prefix*, title:word, parentheses) with the written-form analyzer, so marks
are gone but letters stay as typed.  Each leaf is then expanded into the
fields it searches, each through the same analyzer used at indexing: the
normalized exact form, the stems, the word's relatives (root, 4-grams), the
spelling typed and, with an index at hand, other spellings of a long word
filed under the same spelling key (variants.py).  The expansion is in
expand_boolean.py (the tree of And, Or, Not) and the modules it calls for
each kind of leaf: expand_word.py, expand_phrase.py, expand_prefix.py.
Whoosh's parser silently repairs broken syntax; we check it first so a
person is told what is wrong instead of getting a surprising result.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import qparser
from whoosh import query as Q
from whoosh.fields import TEXT, Schema

from ..analysis.chain import written_analyzer
from ..storage.schema import TEXT_FIELDS
from .expand_boolean import expand
# Also importable from here, the face of query parsing: the limits a query is
# held to (bench/, quality/) and the prefix node the array scorer runs (term_at_a_time.py).
from .expand_prefix import MAX_PREFIX_TERMS, PreloadedPrefix  # noqa: F401
from .expansion import MAX_TERMS, Expansion  # noqa: F401
from .match_terms import MatchTerms
from .query_cost import OverBudget, QueryCost
from .query_error import QueryError
from .ranking import ALL_WORDS_TIER, DEFAULT_RANKING, EXACT_FORM_TIER, WRITTEN_FORM_TIER, Ranking

MAX_QUERY_CHARS = 1000
MAX_NESTING = 10
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
    expansion = Expansion(schema, ranking, reader, list(TEXT_FIELDS) if scope == ALL_SCOPES else [scope], memo)
    try:
        query = expand(expansion, _parse(cleaned))
    except OverBudget as exc:
        raise _too_costly(exc) from None
    if query is None:
        raise _nothing_to_search(cleaned, expansion.ignored)
    if _is_negative(query):
        raise QueryError("only_exclusions", "The query only excludes words; add a word to search for.")
    parsed = ParsedQuery(
        text=text,
        query=query,
        relaxed=_relaxed(query),
        terms=expansion.terms,
        ignored_stop_words=expansion.ignored,
        exact_forms=expansion.exact_forms,
        written_forms=expansion.written_forms,
        cost=expansion.cost,
    )
    if expansion.cost is not None:
        # The tiers of a short query read terms of their own (the written forms): the tiers
        # around an empty query are just those.
        try:
            expansion.cost.query(parsed.with_exact_tier(Q.NullQuery, ranking))
        except OverBudget as exc:
            raise _too_costly(exc) from None
    return parsed


def _nothing_to_search(cleaned: str, ignored: list[str]) -> QueryError:
    """Why a query whose expansion is empty has nothing to search for."""
    if _LEADING_MINUS.search(cleaned):
        # Whoosh drops a query made only of -words before we see it.
        return QueryError("only_exclusions", "The query only excludes words; add a word to search for.")
    if ignored:
        return QueryError(
            "only_stop_words",
            "The query has only very common words (" + "، ".join(ignored)
            + "); add a more specific word or put the words in quotes.",
        )
    return QueryError("no_search_terms", "The query has no words to search for, only operators or punctuation.")


def _too_costly(exc: OverBudget) -> QueryError:
    return QueryError(
        "query_too_costly",
        f"The query asks too much of the index for one search ({exc}); "
        "use fewer words or prefixes, longer prefixes (more letters before the *) or rarer words.",
    )
