"""Which tokens of a text may match a query, found by the query's letters.

To mark a page of snippets the highlighter must know which tokens of ten texts
hold a match.  Asking that of every distinct token means analyzing thousands
of words per page in Python.  But every form a query matches a word by is a
run of the word's letters once normalized: its exact form, its light stem (or
the word a stem exclusion names), a prefix, a spelling without proclitics.  So
the text is folded once (``normalize.folded_letters``: letters as
normalization and hamza folding leave them, marks deleted), the forms, folded
alike, are looked for with ``str.find``, and only the tokens where one stands
are asked; only those holding a stem need stemming.  Where each such token
stands goes to the highlighter too, which reads the stretches around the
matching ones without looking for them again.

Stemmers whose stems are not runs of the word's letters (Snowball, Tashaphyne),
presentation forms (NFKC changes a text's length) and U+0130 (its lowercase is
two characters) are left to the caller, which then asks every distinct token.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

import numpy as np

from ..analysis.chain import AnalysisSettings, tokens, widened_to_whitespace
from ..analysis.normalize import FOLDED_LETTERS, PRESENTATION_FORMS, fold_hamza
from ..analysis.stemming import STEM_EXCLUSIONS

# Stemmers whose every stem is a run of the normalized word's letters; the
# light stemmer's exclusions may name another stem, found by the excluded word.
_LETTER_RUN_STEMMERS = ("light", "none")
# Spots closer than this on average (a two-letter form in most words) are
# resolved in one pass over the text's tokens rather than one search each.
DENSE_SPOT_CHARS = 40
_LONGER_LOWERCASE = "\u0130"  # the one character whose lowercase is two
_DELETED = 0xFFFFFFFF
_BMP = 0x10000


@lru_cache(maxsize=1)
def _fold_table() -> np.ndarray:
    """``folded_letters`` of each character of the Basic Multilingual Plane.

    str.translate with a dict costs ~70 ns a character on Arabic text (a
    page of ten bodies is 36,000 of them); one numpy lookup is seven times
    cheaper.  Character by character, so final sigma is folded to sigma.
    """
    table = np.arange(_BMP, dtype=np.uint32)
    for cp, folded in FOLDED_LETTERS.items():
        table[cp] = _DELETED if folded is None else ord(folded)
    # The letters folding leaves are their own lowercase, so lowering after
    # folding is one more lookup; U+0130 is never looked up (see _spots).
    lowered = "".join(map(chr, range(_BMP))).replace(_LONGER_LOWERCASE, " ").lower()
    lowered = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).copy()
    lowered[ord("ς")] = ord("σ")
    kept = table != _DELETED
    table[kept] = lowered[table[kept]]
    return table


def _folded(text: str) -> tuple[str, np.ndarray]:
    """``text`` folded character by character, and where it lost each deleted character."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    folded = _fold_table()[np.minimum(points, _BMP - 1)]
    if len(points) and points.max() >= _BMP:
        folded = np.where(points >= _BMP, points, folded)
    kept = folded != _DELETED
    return folded[kept].tobytes().decode("utf-32-le", "surrogatepass"), np.flatnonzero(~kept)


@lru_cache(maxsize=50_000)
def _folded_word(word: str) -> str:
    # A query's ~10 words and stems each cost a few numpy calls to fold; they recur across queries.
    return _folded(word)[0]


@lru_cache(maxsize=1)
def _excluded_words() -> dict[str, tuple[str, ...]]:
    """stem (hamza folded, as the stem field holds it) -> the words an exclusion gives it."""
    words: dict[str, list[str]] = {}
    for word, stem in STEM_EXCLUSIONS.items():
        words.setdefault(fold_hamza(stem), []).append(word)
    return {stem: tuple(found) for stem, found in words.items()}


class LetterSpots:
    """The folded forms of one query's words in one field, and the tokens of a text that hold one."""

    def __init__(self, forms: dict[str, bool]):
        # form -> whether a token holding it must be stemmed to tell whether it
        # matches (a stem), rather than only normalized (an exact form, a
        # prefix, a spelling without proclitics: the cheap question).  A form
        # holding a kept shorter one adds no token the shorter misses, unless
        # only it asks for the stems.
        self.forms: list[tuple[str, bool]] = []
        for form in sorted(forms, key=len):
            if not any(kept in form and (kept_stems or not forms[form]) for kept, kept_stems in self.forms):
                self.forms.append((form, forms[form]))

    @classmethod
    def of_query(cls, exact, stems, prefixes, variants, settings: AnalysisSettings) -> LetterSpots | None:
        """The finder for these match terms, or None when letters cannot find them all."""
        if settings.stemmer not in _LETTER_RUN_STEMMERS:
            return None
        stemmed = set(stems)
        if settings.stemmer == "light":
            stemmed.update(word for stem in stems for word in _excluded_words().get(stem, ()))
        forms: dict[str, bool] = {}
        for words, needs_stems in (((*exact, *prefixes, *variants), False), (stemmed, True)):
            for word in words:
                form = _folded_word(word)
                if form:
                    forms[form] = forms.get(form, False) or needs_stems
        return cls(forms)

    def _spots(self, text: str) -> list[tuple[int, int, bool]] | None:
        """(start, end, stems needed) in ``text`` of each place a form stands;
        None when folding would not keep the text's offsets."""
        if PRESENTATION_FORMS.search(text) or _LONGER_LOWERCASE in text:
            return None
        folded, deleted = _folded(text)
        # Where the k-th deleted mark stood, counted in folded characters.
        gaps = (deleted - np.arange(len(deleted))).tolist()
        spots = []
        for form, needs_stems in self.forms:
            at = folded.find(form)
            while at >= 0:
                last = at + len(form) - 1
                spots.append((at + bisect_right(gaps, at), last + bisect_right(gaps, last) + 1, needs_stems))
                at = folded.find(form, at + 1)
        return spots

    def tokens_at(self, text: str) -> list[tuple[int, str, bool]] | None:
        """(start, token, whether its stems are needed) of each token of
        ``text`` holding a form, in order; None when the caller must ask
        every token instead."""
        spots = self._spots(text)
        if spots is None:
            return None
        found: dict[int, tuple[str, bool]] = {}
        for start, token, needs_stems in _overlapping(text, spots):
            known = found.get(start)
            if known is None or (needs_stems and not known[1]):
                found[start] = token, needs_stems
        return [(start, token, needs_stems) for start, (token, needs_stems) in sorted(found.items())]


def _overlapping(text: str, spots: list[tuple[int, int, bool]]):
    """(start, token, stems needed) for each token of ``text`` that overlaps a spot."""
    if len(spots) * DENSE_SPOT_CHARS > len(text):
        # Spots in most words: one pass over the text's tokens is cheaper than one per spot.
        bounds = [(match.start(), match.end()) for match in tokens(text)]
        starts = [start for start, _ in bounds]
        for start, end, needs_stems in spots:
            i = max(bisect_right(starts, start) - 1, 0)
            while i < len(bounds) and bounds[i][0] < end:
                if bounds[i][1] > start:
                    yield bounds[i][0], text[bounds[i][0]:bounds[i][1]], needs_stems
                i += 1
        return
    for start, end, needs_stems in spots:
        for match in tokens(text, *widened_to_whitespace(text, start, end)):
            if match.start() < end and match.end() > start:
                yield match.start(), match.group(), needs_stems
