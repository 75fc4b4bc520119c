"""Passages a document repeats: counted once in ranking, shown once in a snippet.

Pages scraped from news sites often hold a paragraph twice, or the whole
article twice (once as paragraphs, once run together without line breaks).
A passage repeats when each run of MIN_WORDS words of it, normalized, stood
earlier in the text; runs of words rather than sentences, because the copy
run together glues words across what were line breaks («نقاطكما»), which only
breaks the runs that cross the glue.  The repeats are given as character
spans of the original text: the index reads the text with them blanked out
(spaces, so every offset still points into the original), the stored text
keeps them for the document page.
"""

from __future__ import annotations

import numpy as np

from .chain import tokens, tokens_of
from .normalize import normalize_word

MIN_WORDS = 8
_POWERS = np.uint64(1_000_003) ** np.arange(MIN_WORDS, dtype=np.uint64)


def repeated_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of ``text`` that repeat an earlier passage, in order, merged."""
    words = tokens_of(text)
    if len(words) < 2 * MIN_WORDS:
        return []
    # Equal words, equal numbers (within this process: enough to compare one text with itself).
    numbers = np.fromiter(map(hash, map(normalize_word, words)), dtype=np.int64, count=len(words)).view(np.uint64)
    runs = np.lib.stride_tricks.sliding_window_view(numbers, MIN_WORDS)
    keys = (runs * _POWERS).sum(axis=1)  # one number per run of MIN_WORDS words
    _, first = np.unique(keys, return_index=True)
    if len(first) == len(keys):
        return []  # the common case: nothing repeats
    seen_before = np.ones(len(keys), dtype=bool)
    seen_before[first] = False
    repeated = np.zeros(len(words), dtype=bool)
    for offset in range(MIN_WORDS):
        repeated[offset:offset + len(keys)] |= seen_before
    # Each run of repeated words, from its first word's start to its last word's end.
    matches = list(tokens(text))
    edges = np.flatnonzero(np.diff(np.r_[False, repeated, False].astype(np.int8)))
    return [(matches[a].start(), matches[b - 1].end()) for a, b in zip(edges[::2].tolist(), edges[1::2].tolist())]


def blanked(text: str, spans) -> str:
    """``text`` with each span replaced by spaces of its length."""
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(" " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)
