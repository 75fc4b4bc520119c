"""Why a document matched: each typed word, the form the document writes it in, how they met, and its share.

A query word is a ``WordGroup`` (search/bm25f.py) over clauses in several
fields: its exact form, its stems, its other spellings, its root and stem
4-grams, or a prefix's words, or a phrase's.  For one document each clause
that holds it scores its length-normalized frequency times its field weight;
the group adds them up and saturates the sum once with the word's idf.  A
clause's share is the group's score split in proportion to what it added:
the shares of a document add up to its score before tier bonuses.  The form
is the first word (or run of words, for a phrase) of the field's text that
the analysis turns into the clause's term.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from whoosh import query as Q

from ..analysis.chain import (
    AnalysisSettings,
    exact_analyzer,
    gram_analyzer,
    root_analyzer,
    spelling_analyzer,
    stem_analyzer,
    tokens,
)
from ..search.bm25f import WordGroup
from ..storage.schema import TEXT_FIELDS

_KIND_OF_FIELD = {name: (scope, kind) for scope, names in TEXT_FIELDS.items() for kind, name in names.by_kind().items()}
_HOW = {"exact": "exact", "stem": "stem", "spelling": "spelling", "root": "root", "gram": "4-gram"}


@dataclass
class Reason:
    word: str  # as typed
    form: str  # as the document writes it
    field: str  # "title" or "body"
    how: str  # exact, stem, root, 4-gram, spelling, prefix, phrase
    score: float

    def to_json(self) -> dict:
        return {"word": self.word, "form": self.form, "field": self.field, "how": self.how,
                "score": round(self.score, 4)}


def _groups(q, found: list[WordGroup]) -> list[WordGroup]:
    """The query's word groups in order, each once (the tiers repeat them)."""
    if isinstance(q, WordGroup):
        if q not in found:
            found.append(q)
        return found
    for child in q.children():
        _groups(child, found)
    return found


def _leaves(q) -> list:
    """The clauses of a word group that read postings: terms, relatives, phrases."""
    if isinstance(q, (Q.Term, Q.Phrase, Q.Prefix)):
        return [q]
    return [leaf for child in q.children() for leaf in _leaves(child)]


@lru_cache(maxsize=200_000)
def _terms(kind: str, token: str, settings: AnalysisSettings) -> tuple[str, ...]:
    """The terms one token makes in a field of ``kind`` (remembered across pages, as the
    analysis remembers its words: most tokens of a page were seen before)."""
    return tuple(t.text for t in _analyzer(kind, settings)(token, mode="index"))


@lru_cache(maxsize=None)
def _analyzer(kind: str, settings: AnalysisSettings):
    if kind == "root":
        return root_analyzer(settings)
    if kind == "gram":
        return gram_analyzer(settings)
    return {"exact": exact_analyzer, "spelling": spelling_analyzer}.get(kind, lambda: stem_analyzer(settings))()


class _Forms:
    """Finds the written form of a term in a text: the first word the analysis turns into it."""

    def __init__(self, settings: AnalysisSettings):
        self.settings = settings

    def word(self, text: str, kind: str, term: str, prefix: bool = False) -> str | None:
        settings = self.settings
        for match in tokens(text):
            for made in _terms(kind, match.group(), settings):
                if made == term or (prefix and made.startswith(term)):
                    return match.group()
        return None

    def phrase(self, text: str, kind: str, words: list[str]) -> str | None:
        settings = self.settings
        runs = [(m, _terms(kind, m.group(), settings)) for m in tokens(text)]
        runs = [(m, terms) for m, terms in runs if terms]  # stop words have no stem: skipped, as the index does
        wanted = [w for w in words if w]
        for at in range(len(runs) - len(wanted) + 1):
            if all(wanted[i] in runs[at + i][1] for i in range(len(wanted))):
                return text[runs[at][0].start():runs[at + len(wanted) - 1][0].end()]
        return None


def explain(arrays, query, docnums: list[int], texts: dict[int, dict[str, str]], k1: float,
            settings: AnalysisSettings) -> dict[int, list[Reason]]:
    """For each of ``docnums`` (whose ``texts`` are {"title": ..., "body": ...}), why ``query`` matched it.

    ``arrays`` is the ranking's array scorer (search/term_at_a_time.py): the
    clauses are scored from the postings the ranking itself read (cached), not
    through Whoosh's matchers, which unpack a common root's whole postings into
    Python lists for each page.  Without it (the reference configurations,
    which have no word groups) nothing is explained."""
    reasons: dict[int, list[Reason]] = {doc: [] for doc in docnums}
    if arrays is None or not docnums:
        return reasons
    forms = _Forms(settings)
    docs = np.array(docnums, dtype=np.int64)
    for group in _groups(query, []):
        weight = arrays.group_weight(group)
        leaves = _leaves(group.child)
        scores = np.array([arrays.clause_scores(leaf, docs) for leaf in leaves]).reshape(len(leaves), len(docs))
        totals = scores.sum(axis=0)
        for column, doc in enumerate(docnums):
            total = totals[column]
            if total <= 0:
                continue
            saturated = weight * total * (k1 + 1) / (k1 + total)
            for leaf, score in zip(leaves, scores[:, column]):
                if score > 0:
                    reason = _reason(group, leaf, score / total * saturated, texts[doc], forms)
                    if reason is not None:
                        reasons[doc].append(reason)
    return {doc: _merged(found) for doc, found in reasons.items()}


def _merged(reasons: list[Reason]) -> list[Reason]:
    """One reason per word, field and way (a word's two stems, or its 4-grams, are one way),
    their shares added, the largest first."""
    merged: dict[tuple, Reason] = {}
    for reason in reasons:
        key = (reason.word, reason.field, reason.how)
        if key in merged:
            merged[key].score += reason.score
        else:
            merged[key] = reason
    return sorted(merged.values(), key=lambda r: -r.score)


def _reason(group: WordGroup, leaf, share: float, texts: dict[str, str], forms: _Forms) -> Reason | None:
    scope, kind = _KIND_OF_FIELD.get(leaf.fieldname, (None, None))
    if scope is None:
        return None
    text = texts.get(scope, "")
    word = getattr(group, "label", None) or ""
    if isinstance(leaf, Q.Phrase):
        form = forms.phrase(text, kind, list(leaf.words))
        how = "phrase"
    elif group.prefix:
        form = forms.word(text, kind, leaf.text, prefix=True)
        how = "prefix"
    else:
        form = forms.word(text, kind, leaf.text)
        how = _HOW[kind]
    return Reason(word or leaf.text, form or leaf.text, scope, how, share)
