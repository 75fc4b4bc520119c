"""One query scored on one segment, node by node, each node by the scorer of its kind.

A query is a tree (parse.py): OR, AND, NOT of word groups, terms, prefixes,
phrases and tiers.  Each kind's scorer (word_nodes, boolean_nodes,
phrase_nodes, tier_nodes) turns a node into a Match, whole-segment arrays of
which documents match and with what scores, asking ``Evaluation.run`` for its
children's.  A kind no scorer knows is scored by Whoosh's own matcher.
"""

from __future__ import annotations

from whoosh import query as Q
from whoosh.query.qcore import _NullQuery

from . import boolean_nodes, phrase_nodes, tier_nodes, word_nodes
from .bm25f import WordGroup
from .node_match import Match
from .parse import PreloadedPrefix
from .relative_terms import RelativeTerm


def _nothing(ev: Evaluation, q) -> Match:
    """Whoosh's NullQuery (what a clause left without terms becomes): no document."""
    return ev.empty()


# The scorer of each kind of node.  By exact type: PreloadedPrefix is a Whoosh Prefix scored otherwise, and a
# subclass of a kind listed here is not assumed to score as its parent does.
SCORERS = {
    Q.Term: word_nodes.term,
    RelativeTerm: word_nodes.term,
    WordGroup: word_nodes.word_group,
    PreloadedPrefix: word_nodes.prefix,
    Q.Or: boolean_nodes.any_of,
    Q.And: boolean_nodes.all_of,
    Q.AndNot: boolean_nodes.but_not,
    Q.AndMaybe: boolean_nodes.and_maybe,
    Q.Not: boolean_nodes.inverse,
    Q.Phrase: phrase_nodes.phrase,
    Q.ConstantScoreQuery: tier_nodes.tier,
    _NullQuery: _nothing,
}


class Evaluation:
    """One query on one segment; each node is evaluated once, however often the tree repeats it."""

    def __init__(self, segment, weights: dict, shared: set):
        """``segment`` is term_at_a_time.py's _Segment (its postings as arrays);
        ``weights`` and ``shared`` come from walking the whole query (term_at_a_time._walk)."""
        self.segment = segment
        self.size = segment.size
        # Nodes the tree holds more than once (a word's clauses sit in the
        # all-words tier and in the any-word union), by id: their answers are kept in ``done``.
        self.shared = shared
        self.done = {}
        # Which documents a node matches, for nodes only a tier asks about (tier_nodes.py).
        self.masks = {}
        # Each phrase's (documents, scores), by field, words and slop (phrase_nodes.py).
        self.phrases = {}
        # WordGroup idf weights by id, computed on the whole index (shared by segments).
        self.weights = weights

    def empty(self) -> Match:
        return Match.nothing(self.size)

    def run(self, q) -> Match:
        """``q``'s Match; a node held more than once is scored the first time only."""
        key = id(q)
        if key not in self.shared:
            return self._score(q)
        if key not in self.done:
            self.done[key] = self._score(q)
        return self.done[key]

    def _score(self, q) -> Match:
        scorer = SCORERS.get(type(q))
        return scorer(self, q) if scorer is not None else self.by_whoosh(q)

    def by_whoosh(self, q) -> Match:
        """A node scored by Whoosh's own matcher, document by document (slow, but any kind of node)."""
        segment = self.segment
        result = self.empty()
        m = q.matcher(segment.searcher, segment.top.context())
        ids, scores = [], []
        while m.is_active():
            ids.append(m.id())
            scores.append(m.score())
            m.next()
        if ids:
            result.mask[ids] = True
            result.scores[ids] = scores
        return result
