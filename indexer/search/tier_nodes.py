"""Tiers: a constant score for every document a query matches (ConstantScoreQuery).

The ranking puts documents with every word, then those with a word's exact
form, above the rest by adding a tier's large constant (ranking.py,
parse.ParsedQuery.all_first).  A tier needs only which documents match, so
a tier over terms reads their postings for that alone, without scoring them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as Q

from .node_match import Match
from .word_nodes import documents_holding

if TYPE_CHECKING:
    from .evaluation import Evaluation


def tier(ev: Evaluation, q: Q.ConstantScoreQuery) -> Match:
    """The tier's score for each document its query matches, 0 elsewhere."""
    mask = _matching(ev, q.child)
    return Match(mask, mask * q.score)


def _matching(ev: Evaluation, q) -> np.ndarray:
    """Which documents ``q`` matches, without their scores when it is a
    term or a union of terms."""
    kind = type(q)
    # A node the tree holds elsewhere too is evaluated whole once (Evaluation.run keeps it).
    if id(q) in ev.shared or not (kind is Q.Term or (kind is Q.Or and not q.scale)):
        return ev.run(q).mask
    terms = [q] if kind is Q.Term else q.subqueries
    if any(type(t) is not Q.Term for t in terms):
        return ev.run(q).mask
    return documents_holding(ev, ((term.fieldname, term.text) for term in terms))
