"""Realistic queries for a benchmark corpus: what people type into a search box.

Words are taken as they stand in the corpus documents (so most queries find
something, as real ones do), 1 to 4 at a time; some become phrases in quotes,
some prefixes (``word*``), some get diacritics or another alef form, as a
reader copying from a vocalized text or typing without hamza would.
Windows made only of stop words are skipped.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from indexer.analysis.normalize import normalize_word
from indexer.analysis.stopwords import stop_words

WORD = re.compile(r"[\u0621-\u0652]{2,}")
MARKS = "\u064E\u064F\u0650\u0652\u0651"  # fatha, damma, kasra, sukun, shadda
WORDS_PER_QUERY = ((1, 0.35), (2, 0.35), (3, 0.2), (4, 0.1))
PHRASE_SHARE, PREFIX_SHARE, MARKED_SHARE, ALEF_SHARE = 0.1, 0.1, 0.1, 0.05


def _with_diacritics(word: str, rng: random.Random) -> str:
    return "".join(ch + (rng.choice(MARKS) if ch.isalpha() and rng.random() < 0.6 else "") for ch in word)


def make_queries(documents: list[Path], count: int, seed: int = 7) -> list[str]:
    """``count`` queries drawn from the text of ``documents``."""
    rng = random.Random(seed)
    common = stop_words()
    queries: list[str] = []
    lengths, weights = zip(*WORDS_PER_QUERY)
    while len(queries) < count:
        words = WORD.findall(rng.choice(documents).read_text(encoding="utf-8"))
        n = rng.choices(lengths, weights)[0]
        if len(words) < n:
            continue
        start = rng.randrange(len(words) - n + 1)
        picked = words[start:start + n]
        if all(normalize_word(w) in common for w in picked):
            continue  # nobody searches for في or من alone (the engine answers 400)
        kind = rng.random()
        if kind < PHRASE_SHARE and n >= 2:
            query = '"' + " ".join(picked) + '"'
        elif kind < PHRASE_SHARE + PREFIX_SHARE and len(picked[-1]) >= 6:
            query = " ".join(picked[:-1] + [picked[-1][: rng.randint(4, len(picked[-1]) - 1)] + "*"])
        elif kind < PHRASE_SHARE + PREFIX_SHARE + MARKED_SHARE:
            query = " ".join(_with_diacritics(w, rng) for w in picked)
        elif kind < PHRASE_SHARE + PREFIX_SHARE + MARKED_SHARE + ALEF_SHARE:
            query = " ".join(picked).replace("أ", "ا").replace("إ", "ا")
        else:
            query = " ".join(picked)
        queries.append(query)
    return queries
