"""Each document's place in the order of ids: how results of equal score are ordered.

Whoosh numbers documents in the order they are written, and that order
depends on how the index was built: with several writer processes each
takes batches of documents as it comes free, and ``update`` appends the new
documents in a segment of their own.  Equal scores ordered by document
number therefore came back in another order after each rebuild.  They are
ordered by id instead (ascending, by code points), which no build changes;
any other order of results (by date) breaks its ties the same way.
"""

from __future__ import annotations

import numpy as np

ID_FIELD = "id"


def id_ranks(searcher) -> np.ndarray:
    """Global document number -> rank of its id among every document of ``searcher`` (0 first).

    Read from the id field's term table, where each document's id is a term
    with its one posting kept inline: 70 ms for 10,000 documents, 0.3 to
    0.5 s for 100,000, where reading the ids out of the stored fields, which
    hold whole bodies, took 0.6 s for 10,000.
    The terms are UTF-8, whose bytes sort as their code points do.  A
    document without an id term (an index with no id field) ranks after
    those with one, by document number.
    """
    size = searcher.doc_count_all()
    ranks = np.arange(size, dtype=np.int64)
    if ID_FIELD not in searcher.schema:
        return ranks
    keys = []
    for leaf, offset in searcher.leaf_searchers():
        reader = leaf.reader()
        for text, info in reader.iter_field(ID_FIELD):
            if info.doc_frequency() == 1:
                keys.append((text, offset + info.min_id()))
            else:  # one id for several documents (a deleted one beside its new version, say)
                keys.extend((text, offset + docnum) for docnum in reader.postings(ID_FIELD, text).all_ids())
    keys.sort()  # each segment's terms come sorted, so this merges a few runs
    ordered = np.fromiter((docnum for _, docnum in keys), dtype=np.int64, count=len(keys))
    ranks += len(ordered)
    ranks[ordered] = np.arange(len(ordered), dtype=np.int64)
    return ranks
