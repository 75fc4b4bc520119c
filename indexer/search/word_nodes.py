"""The nodes a query word becomes: its terms, their BM25F saturation (WordGroup), and prefixes.

A word is searched in its exact form, stems, root and 4-grams in title and
body (parse.py): each a Term, summed by an OR, saturated once per word by its
WordGroup (bm25f.py).  A term's postings come length-normalized from the
segment (term_at_a_time.py's _Segment.frequencies).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from whoosh import query as Q

from .bm25f import WordGroup
from .boolean_nodes import union
from .node_match import Match, boosted
from .parse import PreloadedPrefix

if TYPE_CHECKING:
    from .evaluation import Evaluation


def term(ev: Evaluation, q: Q.Term) -> Match:
    """A term: its length-normalized frequency in each document holding it, times its boost."""
    found = ev.segment.frequencies(q.fieldname, q.text)
    result = ev.empty()
    if found is None:
        return result
    ids, scores = found
    if q.boost != 1.0:
        scores = scores * q.boost
    result.mask[ids] = True
    result.scores[ids] = scores
    return result


def word_group(ev: Evaluation, q: WordGroup) -> Match:
    """One word's clauses saturated together, as WordGroup scores them: weight * s * (k1 + 1) / (k1 + s),
    where s is the sum of its clauses' scores and weight its idf on the whole index (term_at_a_time._walk)."""
    child = ev.run(q.child)
    if not child.mask.any():
        return child
    weight, k1 = ev.weights[id(q)], q.k1
    s = child.scores
    # In place, in that order (the same roundings as WordGroup's own); 0 where s is.
    saturated = weight * s
    saturated *= k1 + 1
    saturated /= k1 + s
    return Match(child.mask, saturated)


def prefix(ev: Evaluation, q: PreloadedPrefix) -> Match:
    """A prefix*, as PreloadedPrefix.matcher scores it: a constant-score prefix
    (the default) gives 1 to each document holding any of its words; otherwise
    the words are ORed as terms."""
    words = [w for w in q._btexts(ev.segment.reader) if w]
    if not q.constantscore:
        return boosted(union(ev, [Q.Term(q.fieldname, w) for w in words]), q.boost)
    mask = documents_holding(ev, ((q.fieldname, word) for word in words))
    return Match(mask, mask.astype(np.float64))


def documents_holding(ev: Evaluation, terms) -> np.ndarray:
    """The mask of the documents holding any of ``terms`` ((field, text) pairs), from their postings alone."""
    mask = np.zeros(ev.size, dtype=bool)
    for field, text in terms:
        found = ev.segment.frequencies(field, text)
        if found is not None:
            mask[found[0]] = True
    return mask
