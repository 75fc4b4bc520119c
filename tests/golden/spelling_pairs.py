"""Which words of the seed corpus the spelling keys join (the precision in docs/quality.md).

    python tests/golden/spelling_pairs.py

Prints every pair of distinct words (normalized, without proclitics) filed
under one key, and which of them a search joins: those within the edit
distance ``close_spelling`` allows.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from indexer.analysis.chain import exact_analyzer
from indexer.analysis.normalize import normalize_word
from indexer.analysis.variants import MIN_WORD, close_spelling, spelling_terms, split_term

SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"


def main() -> int:
    by_key = defaultdict(set)
    for path in sorted(SEEDS.glob("*.txt")):
        for token in exact_analyzer()(path.read_text(encoding="utf-8")):
            for term in spelling_terms(token.text):
                key, written = split_term(term)
                if len(written) >= MIN_WORD:  # shorter words are filed under themselves
                    by_key[key].add(normalize_word(written))
    pairs = [(a, b) for words in by_key.values() for a in sorted(words) for b in sorted(words) if a < b]
    joined = [(a, b) for a, b in pairs if close_spelling(a, b)]
    print(f"{len(by_key)} keys, {len(pairs)} pairs under one key, {len(joined)} joined by a search:")
    for a, b in joined:
        print(f"  {a} / {b}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
