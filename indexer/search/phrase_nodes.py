"""Phrases ("وزير الخارجية"): the documents holding their words in order, from the words' positions."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as Q

from ..storage.positions import phrase_documents
from .node_match import Match

if TYPE_CHECKING:
    from .evaluation import Evaluation


def phrase(ev: Evaluation, q: Q.Phrase) -> Match:
    """As Phrase.matcher scores it: the sum of its words' term scores, times its boost."""
    if not _has_positions(ev, q.fieldname):
        return ev.by_whoosh(q)
    # The same phrase stands in several clauses (match, exact-form tier): matched once.
    key = (q.fieldname, tuple(q.words), q.slop)
    if key not in ev.phrases:
        ev.phrases[key] = _documents_and_scores(ev, q)
    docs, scores = ev.phrases[key]
    result = ev.empty()
    result.mask[docs] = True
    result.scores[docs] = scores * q.boost if q.boost != 1.0 else scores
    return result


def _has_positions(ev: Evaluation, field: str) -> bool:
    schema = ev.segment.top.schema
    return field in schema and bool(schema[field].format) and schema[field].format.supports("positions")


def _documents_and_scores(ev: Evaluation, q: Q.Phrase):
    """(docnums holding the phrase, their unboosted scores)."""
    segment = ev.segment
    words = [segment.positions(q.fieldname, word) for word in q.words]
    if not words or any(w is None for w in words):
        return np.zeros(0, dtype=np.int32), np.zeros(0)
    docs = phrase_documents(words, q.slop)
    scores = []
    for word in q.words:
        ids, term_scores = segment.frequencies(q.fieldname, word)
        scores.append(term_scores[np.searchsorted(ids, docs)])
    return docs, _tree_sum(scores)


def _tree_sum(parts):
    """The sum of ``parts`` in the order Whoosh's binary tree of matchers adds them (the same roundings)."""
    if len(parts) == 1:
        return parts[0]
    half = len(parts) // 2
    return _tree_sum(parts[:half]) + _tree_sum(parts[half:])
