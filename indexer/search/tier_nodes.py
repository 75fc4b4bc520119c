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
    """Which documents ``q`` matches, without their scores when it is a term, or an
    AND or OR of such (the every-word tier of the words held, the tiers under it)."""
    kind = type(q)
    key = id(q)
    if key in ev.done:  # scored already: its mask is known
        return ev.done[key].mask
    if key in ev.masks:
        return ev.masks[key]
    if kind is Q.Term:
        mask = documents_holding(ev, [(q.fieldname, q.text)])
    elif kind is Q.Or and not q.scale and all(type(t) is Q.Term for t in q.subqueries):
        mask = documents_holding(ev, ((term.fieldname, term.text) for term in q.subqueries))
    elif kind in (Q.And, Q.Or) and not (kind is Q.Or and q.scale):
        masks = [_matching(ev, child) for child in q.subqueries]
        mask = np.logical_and.reduce(masks) if kind is Q.And else np.logical_or.reduce(masks)
    else:
        return ev.run(q).mask
    if key in ev.shared:  # held more than once (the every-word node under each tier): once
        ev.masks[key] = mask
    return mask
