"""A query term of a virtual field (a root or a 4-gram): no postings of its own in Whoosh.

Its postings are its exact terms' summed (storage/relatives.py).  The array
scorer reads them through the segment (term_at_a_time.py); Whoosh's own
matchers, the reference the array scorer is checked against, through
``RelativeTerm.matcher`` here.
"""

from __future__ import annotations

from math import log

from whoosh import matching
from whoosh import query as Q

from ..storage import relative_index
from ..storage.relatives import decoded_lengths
from .bm25f import FieldFrequency


class RelativeTerm(Q.Term):
    """A root or a 4-gram of a query word, in a virtual field."""

    def matcher(self, searcher, context=None):
        top = searcher.get_parent()
        relatives = relative_index.of(top.reader())
        leaf = searcher.reader()
        if relatives is None or not hasattr(leaf, "segment"):
            return matching.NullMatcher()
        segment_id = leaf.segment().segment_id()
        found = relatives.postings(segment_id, self.fieldname, self.text)
        if found is None:
            return matching.NullMatcher()
        ids, weights = found
        if leaf.has_deletions():
            # Whoosh's own postings of a segment skip its deleted documents.
            live = [not leaf.is_deleted(int(d)) for d in ids]
            ids, weights = ids[live], weights[live]
            if not len(ids):
                return matching.NullMatcher()
        lengths = decoded_lengths(relatives.lengths(segment_id, self.fieldname)[ids])
        average = relatives.average_length(self.fieldname) or 1
        weighting = context.weighting if context is not None else searcher.weighting
        if isinstance(weighting, FieldFrequency):
            scores = weights / (1 - weighting.b + weighting.b * lengths / average)
        else:
            # Whoosh's BM25F, term by term (the "field" saturation kept for comparison).
            df = relatives.doc_frequency(self.fieldname, self.text)
            idf = log(top.doc_count_all() / (df + 1)) + 1
            b, k1 = weighting.B, weighting.K1
            scores = idf * (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / average))
        if self.boost != 1.0:
            scores = scores * self.boost
        return matching.ListMatcher(ids.tolist(), scores.tolist())
