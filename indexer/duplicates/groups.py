"""Groups of near-duplicate documents, found from their MinHash signatures.

The rule: two documents are copies when their signatures agree on at least
THRESHOLD of their values, the MinHash estimate of the Jaccard similarity of
their shingle sets (signature.py); groups are the documents joined by such
pairs.  Candidates are found by banding (locality-sensitive hashing): the
signature is cut into BANDS bands of ROWS values, and documents equal on a
whole band are compared.  With 21 bands of 3, a pair at the threshold (0.4)
becomes a candidate with probability 0.75, one at 0.5 with 0.94, one at 0.7
with 0.9999, one at 0.2 with 0.16, so few unrelated pairs are compared at
all.  The threshold and its precision and recall on labelled pairs of real
text: docs/archive.md (`python -m bench duplicates`).

Written with numpy over the whole collection at once, not with a library's
LSH index: inserting and querying documents one by one cost seconds per
100,000 documents each time an index is opened; sorting each band's values
costs a fraction of that.
"""

from __future__ import annotations

import numpy as np

from .signature import PERMUTATIONS

THRESHOLD = 0.4
ROWS = 3
BANDS = PERMUTATIONS // ROWS


def similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The estimated Jaccard similarity of signatures ``a`` and ``b`` (rows paired)."""
    return (a == b).mean(axis=-1)


def _candidates(signatures: np.ndarray, present: np.ndarray) -> np.ndarray:
    """(k, 2) pairs of documents equal on some band: each joined to the first of its bucket."""
    docs = np.flatnonzero(present)
    pairs = []
    for band in range(BANDS):
        rows = signatures[docs, band * ROWS:(band + 1) * ROWS].astype(np.uint64)
        keys = (rows[:, 0] << np.uint64(32)) ^ (rows[:, 1] << np.uint64(16)) ^ rows[:, 2]
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        same = np.flatnonzero(keys[1:] == keys[:-1]) + 1  # positions equal to the one before
        if not len(same):
            continue
        # The first of each run of equal keys, for every later member of the run.
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        first = starts[np.searchsorted(starts, same, side="right") - 1]
        pairs.append(np.stack([docs[order[first]], docs[order[same]]], axis=1))
    if not pairs:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(pairs), axis=0)


def groups(signatures: np.ndarray, live: np.ndarray | None = None) -> np.ndarray:
    """Each document's group: the lowest document number among its copies (itself when it has none).

    ``signatures`` is (documents, PERMUTATIONS); a row of zeros has no
    signature and is in no group; documents not ``live`` (deleted) neither."""
    count = len(signatures)
    present = signatures.any(axis=1)
    if live is not None:
        present &= live
    pairs = _candidates(signatures, present)
    if len(pairs):
        close = similarity(signatures[pairs[:, 0]], signatures[pairs[:, 1]]) >= THRESHOLD
        pairs = pairs[close]
    group = np.arange(count, dtype=np.int64)
    if not len(pairs):
        return group
    a, b = pairs[:, 0], pairs[:, 1]
    while True:  # connected components: each document takes the lowest label it is joined to
        low = np.minimum(group[a], group[b])
        before = group.copy()
        np.minimum.at(group, a, low)
        np.minimum.at(group, b, low)
        group = group[group]  # follow labels to their own label
        if np.array_equal(group, before):
            return group
