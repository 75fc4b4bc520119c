"""The boolean structure of a parsed query, with each of its leaves expanded.

Whoosh's parser gives a tree of And, Or, Not, AndNot and AndMaybe over words,
phrases and prefixes.  The tree is kept as it is and each leaf is replaced
by its expansion (expand_word.py, expand_phrase.py, expand_prefix.py).  A
leaf left with nothing to search (a stop word) drops out and its parent
keeps the rest; under NOT, leaves are expanded as exclusions (``negated``).
"""

from __future__ import annotations

from whoosh import query as Q

from .expand_phrase import expand_phrase
from .expand_prefix import expand_prefix
from .expand_word import expand_word
from .expansion import Expansion
from .query_error import QueryError


def expand(expansion: Expansion, q: Q.Query, negated: bool = False) -> Q.Query | None:
    """``q`` with every leaf expanded; None when nothing in it is left to search.

    QueryError for what the engine does not search (wildcards inside a word,
    a lone *, other kinds of query)."""
    if isinstance(q, Q.Term):
        return expand_word(expansion, q, negated)
    if isinstance(q, Q.Phrase):
        return expand_phrase(expansion, q, negated)
    if isinstance(q, Q.Prefix):
        return expand_prefix(expansion, q, negated)
    if isinstance(q, Q.Wildcard):
        raise QueryError("unsupported_wildcard", "Only a * at the end of a word is supported (بلينك*).")
    if isinstance(q, Q.Every):
        raise QueryError("lone_wildcard", "A * must follow at least two letters (بلينك*).")
    if isinstance(q, Q.Not):
        inner = expand(expansion, q.query, not negated)
        return Q.Not(inner) if inner is not None else None
    if isinstance(q, Q.AndNot):
        return _and_not(expansion, q, negated)
    if isinstance(q, Q.AndMaybe):
        return _and_maybe(expansion, q, negated)
    if isinstance(q, Q.CompoundQuery):
        return _compound(expansion, q, negated)
    if q is Q.NullQuery or isinstance(q, Q.query.qcore._NullQuery):
        return None
    raise QueryError("unsupported_syntax", f"This kind of query is not supported: {q}")


def _and_not(expansion: Expansion, q: Q.AndNot, negated: bool) -> Q.Query | None:
    """a ANDNOT b: without a, what is left is NOT b; without b, a alone."""
    positive = expand(expansion, q.a, negated)
    negative = expand(expansion, q.b, not negated)
    if positive is None:
        return Q.Not(negative) if negative is not None else None
    return Q.AndNot(positive, negative) if negative is not None else positive


def _and_maybe(expansion: Expansion, q: Q.AndMaybe, negated: bool) -> Q.Query | None:
    """a ANDMAYBE b: with one side left empty, the other alone."""
    required = expand(expansion, q.a, negated)
    optional = expand(expansion, q.b, negated)
    if required is None or optional is None:
        return required or optional
    return Q.AndMaybe(required, optional)


def _compound(expansion: Expansion, q: Q.CompoundQuery, negated: bool) -> Q.Query | None:
    """And, Or and the like over the children left: one child stands for the group."""
    children = [c for c in (expand(expansion, sub, negated) for sub in q.subqueries) if c is not None]
    if not children:
        return None
    return children[0] if len(children) == 1 else type(q)(children)
