"""A "quoted phrase" of a query, expanded into the fields it searches.

A phrase matches its words' exact forms side by side, or their stems near
each other: the stop words of a phrase are not in the stem field, so each
one skipped widens the distance allowed between the stems.  Its stop words
are marked only next to a marked word of the phrase (MatchTerms.joined).
"""

from __future__ import annotations

from whoosh import query as Q

from ..analysis.normalize import normalize_word
from ..storage.schema import TEXT_FIELDS
from .expansion import Expansion


def expand_phrase(expansion: Expansion, q: Q.Phrase, negated: bool) -> Q.Query:
    """The query of the phrase ``q``."""
    expansion.count_leaf()
    typed = [w for w in q.words if normalize_word(w)]
    words = list(map(normalize_word, typed))
    stem_words, stop_words = _stems_and_stop_words(expansion, typed)
    # The stem field has no stop words: each one skipped lets the stems stand one word further apart.
    stem_slop = max(q.slop, 1) + (len(words) - len(stem_words))
    scopes = expansion.scopes(q.fieldname)
    match, written = [], []
    for scope in scopes:
        written += expansion.written_terms(scope, typed)
        match += _phrase_clauses(expansion, scope, words, q.slop, stem_words, stem_slop)
    if negated:
        return expansion.spent(Q.Or(match))
    # A phrase of stop words alone has nothing to stand next to: its words are marked where they stand.
    joined = stop_words if stem_words else []
    for scope in scopes:
        expansion.terms.exact[scope].update(w for w in words if w not in joined)
        expansion.terms.joined[scope].update(joined)
        expansion.terms.stems[scope].update(stem_words)
    expansion.tier_word(Q.Or([Q.Phrase(TEXT_FIELDS[scope].exact, words, slop=q.slop) for scope in scopes]),
                        _every_word_written(written) if written else None)
    # A phrase's idf is the sum of its words' (bm25f.WordGroup).
    idf_words = [[(TEXT_FIELDS["body"].exact, w)] for w in words]
    return expansion.spent(expansion.word_query(match, [], idf_words, bonus=expansion.written_bonus(written),
                                                label=" ".join(q.words)))


def _stems_and_stop_words(expansion: Expansion, typed: list[str]) -> tuple[list[str], list[str]]:
    """The first stem of each content word, and the stop words (which have no stem), normalized."""
    stem_words, stop_words = [], []
    for word in typed:
        stems = expansion.stems(word)
        if stems:
            stem_words.append(stems[0])
        else:
            stop_words.append(normalize_word(word))
    return stem_words, stop_words


def _phrase_clauses(expansion: Expansion, scope: str, words: list[str], slop: int,
                    stem_words: list[str], stem_slop: int) -> list[Q.Query]:
    """The clauses that make a document match the phrase in one field:
    its exact forms in order, or its stems near each other (a lone stem anywhere)."""
    fields = TEXT_FIELDS[scope]
    clauses = [Q.Phrase(fields.exact, words, slop=slop, boost=expansion.weight(scope, "exact"))]
    stem_weight = expansion.weight(scope, "stem")
    if len(stem_words) > 1:
        clauses.append(Q.Phrase(fields.stem, stem_words, slop=stem_slop, boost=stem_weight))
    elif stem_words:
        clauses.append(Q.Term(fields.stem, stem_words[0], boost=stem_weight))
    return clauses


def _every_word_written(written: list[Q.Term]) -> Q.Query:
    """The written-form tier of a phrase: every word of it written as typed, in some field."""
    by_word = {}
    for t in written:
        by_word.setdefault(t.text, []).append(Q.Term(t.fieldname, t.text))
    return Q.And([Q.Or(terms) for terms in by_word.values()])
