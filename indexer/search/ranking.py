"""How matches are scored and which documents a query returns.

These are query-time settings: changing them needs no rebuild.  The defaults
are the ones chosen by measurement (docs/quality.md); `evaluate --config`
names the other settings that were measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from whoosh import scoring

from .bm25f import FieldFrequency


def _default_weights() -> dict[str, float]:
    # "variant": other spellings of a word (spelling field, variants.py);
    # "written": the spelling typed, beyond its tier.
    return {"exact": 0.3, "stem": 1.0, "root": 0.6, "gram": 0.25, "written": 0.0, "variant": 0.3}


# Scores added to tier documents: larger than any BM25F sum of a query.
ALL_WORDS_TIER = 1_000_000.0
EXACT_FORM_TIER = 1_000.0
# Below the exact tier (three words' worth stays under one exact form).
WRITTEN_FORM_TIER = 200.0


@dataclass(frozen=True)
class Ranking:
    # BM25 saturation and length normalization.
    k1: float = 1.2
    b: float = 0.4
    # Weight of each kind of indexed field (see schema.py); title fields
    # count ``title_weight`` times as much as the body's.
    weights: dict[str, float] = field(default_factory=_default_weights)
    title_weight: float = 2.0
    # Whether a document holding only a word's root or 4-grams matches it
    # (ranked low), or those only add score to documents holding the word's
    # exact form or a stem.
    relatives_match: bool = True
    # "word": BM25F, one saturation per query word over all its fields
    # (bm25f.py).  "field": Whoosh's BM25F, each field scored on its own and
    # summed (the engine's first ranking, kept for comparison).
    saturation: str = "word"
    # "all-first": documents with every word first, then those with some of
    # them.  "all-or-any": only documents with every word, or with any word
    # when none has all (the engine's first behaviour).
    match: str = "all-first"
    # Queries of at most this many words rank documents holding each word's
    # exact form above those that hold only a relative of it (a person typing
    # مدرسة wants مدرسة before مدارس), and, one tier lower, documents that
    # write it with the same letters (مدرسه before مدرسة, any proclitics);
    # longer, question-like queries are ranked by BM25F alone, where the
    # exact field only adds weight (and the written form too, if "written"
    # has a weight: measured as `written-bonus`, it costs a little and slows
    # queries, so it has none).
    exact_tier_max_words: int = 3
    # Whether the written-form tier applies (with the exact-form tier).
    written_tier: bool = True
    # Of a query of several words, a word earns the exact-form tier only when its idf is
    # at least this share of the rarest word's (0: every word earns it), so الملك
    # written exactly weighs less than the name asked about.
    tier_rarity: float = 0.5
    # Of a query of several words, whether only documents holding every word earn
    # the exact-form tiers.  Otherwise a sentence repeating the common words of a
    # question exactly outranks the one holding its rare word by a stem (measured:
    # docs/quality.md, `tiers-anywhere`).
    exact_tier_needs_all: bool = True
    # Whether a word held only through its root or 4-grams counts as held for the
    # every-word tier (a root shared by chance: كاتب, مكتبة).  They still match and
    # add score below it (`relatives-in-all-tier`).
    relatives_in_all_tier: bool = False

    def __post_init__(self):
        if self.saturation not in ("word", "field"):
            raise ValueError(f"unknown saturation {self.saturation!r}")
        if self.match not in ("all-first", "all-or-any"):
            raise ValueError(f"unknown match {self.match!r}")

    def weight(self, scope: str, kind: str) -> float:
        return self.weights.get(kind, 0.0) * (self.title_weight if scope == "title" else 1.0)

    def weighting(self) -> scoring.WeightingModel:
        if self.saturation == "word":
            return FieldFrequency(b=self.b)
        return scoring.BM25F(B=self.b, K1=self.k1)

    def with_(self, **changes) -> "Ranking":
        return replace(self, **changes)


DEFAULT_RANKING = Ranking()
