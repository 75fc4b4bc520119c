"""One word of a query, expanded into the fields and forms it searches.

A word matches through its normalized exact form and its stems, and (unless
``Ranking.relatives_match`` is off) through its relatives: its root, its
stem 4-grams and, with an index at hand, other spellings of a long word
that the index files under the same spelling key (variants.py).  The
spelling typed makes the written-form tier.  An excluded word (NOT, -word)
needs only its exact form and stems: it is neither ranked nor marked.
"""

from __future__ import annotations

from collections.abc import Sequence

from whoosh import query as Q

from ..analysis.normalize import normalize_word
from ..analysis.variants import other_spellings
from ..storage.schema import TEXT_FIELDS
from .expansion import Expansion
from .relative_terms import RelativeTerm

MAX_VARIANTS = 20  # other spellings of one word a query searches for
MAX_REMEMBERED_SPELLINGS = 50_000


def expand_word(expansion: Expansion, q: Q.Term, negated: bool) -> Q.Query | None:
    """The query of the word ``q``; None for a stop word, which is left out."""
    expansion.count_leaf()
    word = normalize_word(q.text)
    stems = expansion.stems(q.text)  # as typed: the stop list decides on the written form
    if not stems:
        # A stop word: too common to tell documents apart; phrases still use it.
        expansion.ignored.append(word)
        return None
    scopes = expansion.scopes(q.fieldname)
    match = [clause for scope in scopes for clause in _form_and_stems(expansion, scope, word, stems)]
    if negated:
        return expansion.spent(Q.Or(match))
    # Relatives of a kind without weight would add nothing: they are not looked up.
    related = {kind: expansion.analyzed(kind, word) for kind in ("root", "gram") if expansion.ranking.weights.get(kind)}
    relatives, idf_pairs, written = [], [], []
    for scope in scopes:
        written += expansion.written_terms(scope, [q.text])
        relatives += _relatives(expansion, scope, word, related)
        idf_pairs += _idf_pairs(scope, word, stems, related)
        expansion.terms.exact[scope].add(word)
        expansion.terms.stems[scope].update(stems)
    exact = [Q.Term(TEXT_FIELDS[scope].exact, word) for scope in scopes]
    # The tiers ask only whether a document holds one of them: no weight.
    expansion.tier_word(Q.Or(exact), Q.Or([Q.Term(t.fieldname, t.text) for t in written]) if written else None,
                        expansion.exact_frequency(exact))
    query = expansion.word_query(match, relatives, [idf_pairs], bonus=expansion.written_bonus(written), label=q.text)
    return expansion.spent(query)


def _form_and_stems(expansion: Expansion, scope: str, word: str, stems: list[str]) -> list[Q.Term]:
    """The clauses that make a document match the word in one field: its exact form or a stem."""
    fields = TEXT_FIELDS[scope]
    clauses = [Q.Term(fields.exact, word, boost=expansion.weight(scope, "exact"))]
    clauses += [Q.Term(fields.stem, s, boost=expansion.weight(scope, "stem")) for s in stems]
    return clauses


def _relatives(expansion: Expansion, scope: str, word: str, related: dict[str, list[str]]) -> list[Q.Term]:
    """The word's relatives in one field: root and 4-gram terms (``related``), then other spellings."""
    fields = TEXT_FIELDS[scope]
    found = [RelativeTerm(fields.by_kind()[kind], t, boost=expansion.weight(scope, kind))
             for kind, texts in related.items() for t in texts]
    found += [Q.Term(fields.spelling, t, boost=expansion.weight(scope, "variant"))
              for t in _other_spellings(expansion, scope, word)]
    return found


def _idf_pairs(scope: str, word: str, stems: list[str], related: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The (field, term) pairs whose frequency stands for the word's (bm25f.WordGroup):
    its exact form, its first stem and its root, so a word of a common root gets a modest idf."""
    fields = TEXT_FIELDS[scope]
    pairs = [(fields.exact, word), (fields.stem, stems[0])]
    return pairs + [(fields.root, r) for r in related.get("root", [])[:1]]


def _other_spellings(expansion: Expansion, scope: str, word: str) -> Sequence[str]:
    """Spelling-field terms of other spellings of ``word`` that the index holds,
    each one's word kept to be marked."""
    name = TEXT_FIELDS[scope].spelling
    if expansion.reader is None or name not in expansion.schema or not expansion.ranking.weights.get("variant"):
        return []
    memo = expansion.memo
    key = (name, word)
    found = memo.get(key) if memo is not None else None
    if found is None:
        # Reading a spelling key's words from the term index was a third of a parse.
        terms, words = other_spellings(expansion.reader, name, word, MAX_VARIANTS)
        found = tuple(terms), frozenset(words)
        if memo is not None:
            if len(memo) >= MAX_REMEMBERED_SPELLINGS:
                memo.clear()
            memo[key] = found
    terms, words = found
    expansion.terms.variants[scope].update(words)
    return terms
