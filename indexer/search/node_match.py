"""What each node of a query answers on one segment, in term_at_a_time.py's scoring: a Match."""

from __future__ import annotations

import numpy as np


class Match:
    """Which documents of a segment a node matches (``mask``), with what scores.

    Both are whole-segment arrays indexed by docnum.  Every node scores 0
    where it does not match, so a parent may add its children's scores
    without looking at their masks."""

    __slots__ = ("mask", "scores")

    def __init__(self, mask: np.ndarray, scores: np.ndarray):
        self.mask = mask
        self.scores = scores

    @classmethod
    def nothing(cls, size: int) -> Match:
        """No document of a segment of ``size`` documents: a fresh pair of arrays the caller may fill."""
        return cls(np.zeros(size, dtype=bool), np.zeros(size))


def boosted(match: Match, boost: float) -> Match:
    """``match`` with its scores times ``boost``, in place: only for a Match made for the caller alone."""
    if boost != 1.0:
        match.scores *= boost
    return match
