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
from .bm25f import WordGroup, idf
from .expand_boolean import expand
# Also importable from here, the face of query parsing: the limits a query is
# held to (bench/, quality/) and the prefix node the array scorer runs (term_at_a_time.py).
from .expand_prefix import MAX_PREFIX_TERMS, PreloadedPrefix  # noqa: F401
from .expansion import MAX_TERMS, Expansion  # noqa: F401
from .match_terms import MatchTerms
from .query_cost import OverBudget, QueryCost
from .query_error import QueryError
from .relative_terms import RelativeTerm
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
_OUTSIDE = rf'[^{_QUOTES}*]|[^{_QUOTES}*\s()+\-]\*(?=$|[\s()+\-]|[{_QUOTES}][^{_QUOTES}]*$)'
# A quotation mark left without a partner (the last, when they are odd) is read as
# text: what follows it is outside any phrase, and a * may stand before it.
QUERY_PATTERN = rf'^(?:[{_QUOTES}][^{_QUOTES}]*[{_QUOTES}]|{_OUTSIDE})*(?:[{_QUOTES}](?:{_OUTSIDE})*)?$'
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# Field names a person may type before a colon.
FIELD_ALIASES = {"title": ["عنوان", "العنوان"]}


@dataclass(frozen=True)
class Repair:
    """Syntax a query held that the search read as text, and why: people paste
    questions with a stray quotation mark or bracket, and mean their words."""

    code: str
    message: str


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
    # (same letters, any proclitics): مدرسه before مدرسة.  None where no document does.
    written_forms: list[Q.Query | None] = field(default_factory=list)
    # Per positive word or phrase, documents holding its exact form (None: a phrase, or no index).
    exact_frequencies: list[int | None] = field(default_factory=list)
    # Documents in the index (0 without one): with the frequencies, each word's rarity.
    documents: int = 0
    # The every-word query without relatives, made on first use (every_word_held).
    _held_query: Q.Query | None = field(default=None, repr=False)
    # What the search will read (query_cost.py), when parsed with the index at hand.
    cost: QueryCost | None = None
    # Syntax read as text rather than refused (an unpaired quotation mark or bracket).
    repairs: list[Repair] = field(default_factory=list)

    def with_exact_tier(self, q: Q.Query, ranking: Ranking) -> Q.Query:
        """``q`` plus, for a short query, a tier per word whose exact form a document holds
        (of several words, only the rare ones: ``tier_words``)."""
        if not self.exact_forms or len(self.exact_forms) > ranking.exact_tier_max_words:
            return q
        chosen = self.tier_words(ranking)
        forms = [(self.exact_forms[i], EXACT_FORM_TIER) for i in chosen]
        if ranking.written_tier:
            forms += [(self.written_forms[i], WRITTEN_FORM_TIER) for i in chosen if self.written_forms[i] is not None]
        if ranking.exact_tier_needs_all and self.relaxed is not None:
            every = self.every_word_held(ranking)  # one node, evaluated once for all the tiers
            forms = [(Q.And([every, form]), score) for form, score in forms]
        return Q.AndMaybe(q, Q.Or([Q.ConstantScoreQuery(form, score) for form, score in forms]))

    def tier_words(self, ranking: Ranking) -> list[int]:
        """The words (by place) whose exact form earns a tier: every one of a one-word query;
        of several, those nearly as rare as the rarest (idf at least ``ranking.tier_rarity``
        times the largest), so that الملك written exactly does not lift a document above
        one that holds the name asked about by its stem.  A phrase always earns it."""
        places = list(range(len(self.exact_forms)))
        if len(places) < 2 or not ranking.tier_rarity or not self.documents:
            return places
        rarity = [None if f is None else idf(self.documents, f) for f in self.exact_frequencies]
        rarest = max((r for r in rarity if r is not None), default=0.0)
        return [i for i in places if rarity[i] is None or rarity[i] >= ranking.tier_rarity * rarest]

    def all_first(self, ranking: Ranking) -> Q.Query:
        """Every document with any word, those with every word ranked first."""
        if self.relaxed is None:
            return self.with_exact_tier(self.query, ranking)
        tiered = Q.Or([self.relaxed, Q.ConstantScoreQuery(self.every_word_held(ranking), ALL_WORDS_TIER)])
        return self.with_exact_tier(tiered, ranking)

    def every_word_held(self, ranking: Ranking) -> Q.Query:
        """What a document must match to hold every word (the query itself, or without relatives)."""
        if ranking.relatives_in_all_tier:
            return self.query
        if self._held_query is None:
            self._held_query = _held(self.query) or self.query
        return self._held_query


def _held(q: Q.Query) -> Q.Query | None:
    """``q`` with every word's roots and 4-grams left out: what matches a document that holds
    each word as itself, by a stem or in another spelling (the all-words tier).  A root
    shared by chance (كاتب, مكتبة: كتب) still makes a document match, below that tier."""
    kind = type(q)
    if kind is RelativeTerm:
        return None
    if kind is WordGroup:
        return _held(q.child)
    if kind is Q.AndMaybe:  # the optional part adds score only
        return _held(q.a)
    if kind is Q.AndNot:
        kept = _held(q.a)
        return Q.AndNot(kept, q.b) if kept is not None else None
    if kind in (Q.And, Q.Or):
        kept = [k for k in map(_held, q.subqueries) if k is not None]
        if kind is Q.And and len(kept) < len(q.subqueries):
            return None
        return kind(kept) if kept else None
    return q


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


def _check_size(text: str) -> None:
    if not text.strip():
        raise QueryError("empty_query", "The query is empty: type a word to search for.")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            "query_too_long", f"The query has {len(text)} characters; the limit is {MAX_QUERY_CHARS}."
        )


def _check_syntax(text: str) -> None:
    """What the query, stray marks read as text (``_repaired``), still cannot run as."""
    words = [w.strip("()[]{}\"+-*") for w in text.split()]
    if all(w in _OPERATORS or not any(ch.isalnum() for ch in w) for w in words):
        raise QueryError("no_search_terms", "The query has no words to search for, only operators or punctuation.")
    outside_phrases = _PHRASE.sub('"', text)
    if _STAR_INSIDE_WORD.search(outside_phrases):
        raise QueryError("unsupported_wildcard", "Only a * at the end of a word is supported (بلينك*).")
    if _STAR_AFTER_NO_WORD.search(outside_phrases):
        raise QueryError("lone_wildcard", "A * must follow at least two letters (بلينك*).")


# A - inside a word or number is a hyphen (ألزاس-لورين, 2010-2026), and one
# standing alone is a dash (حرب - سلام): neither is NOT, which is a - that
# begins a word, after a space, a bracket or the start.
_INNER_HYPHEN = re.compile(r"(?<=[^\s(])-|-(?=[\s)]|$)")


def _repaired(text: str) -> tuple[str, list[Repair]]:
    """``text`` (quotation marks made plain) with what would not parse as syntax read
    as text: a hyphen inside a word, the last quotation mark when one has no
    partner, a bracket without its partner.  Brackets nested too deep are refused."""
    repairs = []
    text = _INNER_HYPHEN.sub(" ", text)
    if text.count('"') % 2:
        at = text.rindex('"')
        text = text[:at] + " " + text[at + 1:]
        repairs.append(Repair("unbalanced_quote",
                              'A quotation mark (") had no partner; it was read as text, not as a phrase.'))
    chars, opened, unpaired, inside = list(text), [], False, False
    for at, ch in enumerate(chars):
        if ch == '"':
            inside = not inside  # brackets inside a phrase are its text (Whoosh reads them so)
        elif inside:
            continue
        elif ch == "(":
            opened.append(at)
            if len(opened) > MAX_NESTING:
                raise QueryError("too_deep", f"Brackets nest more than {MAX_NESTING} deep.")
        elif ch == ")":
            if opened:
                opened.pop()
            else:
                chars[at], unpaired = " ", True
    for at in opened:
        chars[at], unpaired = " ", True
    if unpaired:
        repairs.append(Repair("unbalanced_bracket",
                              "A bracket had no partner; it was read as text, not as grouping."))
    return "".join(chars), repairs


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
    _check_size(text)
    cleaned, repairs = _repaired(text.translate(_QUOTE_MARKS).translate(_PUNCTUATION_BRACKETS))
    _check_syntax(cleaned)
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
        exact_frequencies=expansion.exact_frequencies,
        documents=reader.doc_count() if reader is not None else 0,
        cost=expansion.cost,
        repairs=repairs,
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
