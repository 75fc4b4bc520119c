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
from indexer.ingest.metadata import front_matter
from indexer.analysis.stemming import PREFIXES
from indexer.analysis.stopwords import stop_words
from indexer.search.parse import MAX_NESTING, MAX_PREFIX_TERMS, MAX_TERMS

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
        words = WORD.findall(front_matter(rng.choice(documents).read_text(encoding="utf-8"))[1])
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


# Adversarial queries: the costliest a person could type, each made as large
# as the engine accepts, to time the worst an accepted query costs.
ARABIC_WORD = re.compile(r"[\u0621-\u064A]{2,}")
# A phrase is one word of a query: only the 1,000 characters a query may have limit its words.
PHRASE_WORDS = 200


def index_statistics(reader, field: str = "body") -> tuple[list[str], list[str], list[str]]:
    """The field's words, commonest first: other words, stop words, and the
    commonest prefixes of 2 to 4 letters (among those standing for at most
    half the words a prefix* may stand for, and carrying no article, which
    the engine would search again without it)."""
    documents: dict[str, int] = {}
    for leaf, _ in reader.leaf_readers():
        for text, info in leaf.iter_field(field):
            word = text.decode("utf-8")
            if ARABIC_WORD.fullmatch(word):
                documents[word] = documents.get(word, 0) + info.doc_frequency()
    by_count = sorted(documents, key=lambda w: (-documents[w], w))
    common = stop_words()
    prefixes: dict[str, list[int]] = {}
    for word, df in documents.items():
        for length in (2, 3, 4):
            if len(word) > length:
                counts = prefixes.setdefault(word[:length], [0, 0])
                counts[0] += 1
                counts[1] += df
    usable = [p for p, (words, _) in prefixes.items()
              if words <= MAX_PREFIX_TERMS // 2 and not p.startswith(PREFIXES)]
    usable.sort(key=lambda p: (-prefixes[p][1], p))
    return [w for w in by_count if w not in common], [w for w in by_count if w in common], usable


def _nested(items: list[str]) -> str:
    """``items`` in brackets MAX_NESTING deep, AND and OR by turns: (a AND b AND (c OR d OR (...)))."""
    per_level = -(-len(items) // MAX_NESTING)
    groups = [items[i:i + per_level] for i in range(0, len(items), per_level)]
    query = ""
    for depth, group in reversed(list(enumerate(groups))):
        op = " OR " if depth % 2 else " AND "
        query = "(" + op.join(group + ([query] if query else [])) + ")"
    return query


def adversarial_families(words: list[str], stops: list[str], prefixes: list[str]) -> dict:
    """Each kind of costly query as a function of its size (words, prefixes or phrases)."""
    p = [x + "*" for x in prefixes]
    p4 = [x for x in p if len(x) == 5]
    mixed = [x for pair in zip(words, p) for x in pair]
    by_turns = [x for pair in zip(words, stops) for x in pair]
    return {
        "OR'ed common prefixes": lambda k: " OR ".join(p[:k]),
        "OR'ed common prefixes of four letters": lambda k: " OR ".join(p4[:k]),
        "common prefixes, all required": lambda k: " ".join(p[:k]),
        "OR'ed common words": lambda k: " OR ".join(words[:k]),
        "common words, all required": lambda k: " ".join(words[:k]),
        "one phrase of common words": lambda k: '"' + " ".join(words[:k]) + '"',
        "one phrase of common words and stop words by turns": lambda k: '"' + " ".join(by_turns[:k]) + '"',
        "OR'ed phrases of three common words": lambda k: " OR ".join(
            '"' + " ".join(words[3 * i:3 * i + 3]) + '"' for i in range(k)),
        "common prefixes under NOT": lambda k: words[0] + " " + " ".join("-" + x for x in p[:k]),
        "NOT before OR'ed prefixes": lambda k: f"{words[0]} NOT ({' OR '.join(p[:k])})",
        "nested brackets of words and prefixes": lambda k: _nested(mixed[:k]),
    }


def adversarial_queries(reader, refusal) -> list[tuple[str, str]]:
    """(kind, query) pairs: for each kind of costly query, the largest the
    engine accepts and the next larger, which it refuses.  ``refusal(query)``
    is the engine's error code for a query, or None when it accepts it."""
    made = []
    for kind, build in adversarial_families(*index_statistics(reader)).items():
        largest = PHRASE_WORDS if kind.startswith("one phrase") else MAX_TERMS
        low, high = 0, largest  # the largest size accepted lies in [low, high]
        while low < high:
            middle = (low + high + 1) // 2
            if refusal(build(middle)) is None:
                low = middle
            else:
                high = middle - 1
        if low:
            made.append((kind, build(low)))
        if low < largest:
            made.append((kind, build(low + 1)))
    return made
