"""OR, AND, AND NOT, ANDMAYBE and NOT of a query, each a few array operations over its children's Matches.

Every node scores 0 where it does not match, so multiplying scores by a mask
keeps those of the documents it holds (np.where, its branch mispredicted on
every other document, took four times as long).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as Q

from .node_match import Match, boosted
from .relative_terms import RelativeTerm

# The kinds of terms whose postings a union adds straight into its sum.
TERMS = (Q.Term, RelativeTerm)

if TYPE_CHECKING:
    from .evaluation import Evaluation


def any_of(ev: Evaluation, q: Q.Or) -> Match:
    """OR: the sum of its children's scores (Whoosh's UnionMatcher)."""
    if q.scale:
        return ev.by_whoosh(q)  # a scaled OR (by how many children match): Whoosh's own scoring
    return boosted(union(ev, q.subqueries), q.boost)


def union(ev: Evaluation, queries) -> Match:
    """The documents matching any of ``queries``, scored by the sum of their scores."""
    scores = np.zeros(ev.size)
    # A term with a positive boost scores above 0 wherever it stands, so
    # the documents its postings reach are those with a score; only the
    # other parts need a mask (the scatter into it was a third of a union).
    mask = None
    for sub in queries:
        if type(sub) in TERMS and id(sub) not in ev.shared:
            # A term's few postings go straight into the sum, without a whole-segment array of its own.
            found = ev.segment.frequencies(sub.fieldname, sub.text)
            if found is not None:
                ids, term_scores = found
                scores[ids] += term_scores * sub.boost if sub.boost != 1.0 else term_scores
                if not sub.boost > 0:
                    mask = np.zeros(ev.size, dtype=bool) if mask is None else mask
                    mask[ids] = True
        else:
            m = ev.run(sub)
            mask = m.mask.copy() if mask is None else np.logical_or(mask, m.mask, out=mask)
            scores += m.scores
    scored = scores > 0
    return Match(scored if mask is None else np.logical_or(mask, scored, out=mask), scores)


def all_of(ev: Evaluation, q: Q.And) -> Match:
    """AND: the documents every child matches, scored by the sum of the children's scores."""
    matches = [ev.run(sub) for sub in q.subqueries]
    mask = np.ones(ev.size, dtype=bool)
    scores = np.zeros(ev.size)
    for m in matches:
        mask &= m.mask
        scores += m.scores
    scores *= mask
    return boosted(Match(mask, scores), q.boost)


def but_not(ev: Evaluation, q: Q.AndNot) -> Match:
    """a AND NOT b: a's documents that b does not match, with a's scores."""
    a, b = ev.run(q.a), ev.run(q.b)
    mask = a.mask & ~b.mask
    return Match(mask, a.scores * mask)


def and_maybe(ev: Evaluation, q: Q.AndMaybe) -> Match:
    """a ANDMAYBE b: a's documents, scored by a plus b where both match (the tiers are added so)."""
    a, b = ev.run(q.a), ev.run(q.b)
    return Match(a.mask, a.scores + b.scores * a.mask)


def inverse(ev: Evaluation, q: Q.Not) -> Match:
    """NOT: every document its child does not match, each scoring 1 (as Whoosh's InverseMatcher does)."""
    mask = ~ev.run(q.query).mask
    return Match(mask, mask.astype(np.float64))
