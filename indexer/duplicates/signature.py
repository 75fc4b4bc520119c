"""A document's MinHash signature, made when it is indexed.

Shingles are runs of SHINGLE words of the text, each normalized as the
analysis normalizes a word (diacritics, alef and hamza forms, ة/ه, ى/ي
folded; stop words kept: they carry the wording that tells a copy from a
retelling).  A set of
shingles, so a passage a document repeats counts once.  The MinHash itself
is rensa's (a maintained Rust implementation, about twenty times faster than
a pure-Python one on a 500-word article).
"""

from __future__ import annotations

import numpy as np
import rensa

from ..analysis.normalize import normalize_text

SHINGLE = 3
# Below this many words a text is one shingle, so it folds only with a text that
# normalizes the same: a few shared words say little (نص عن الغزلان and نص عن
# الغزلان والنمور share half their shingles and are not one story).
MIN_WORDS = 25
PERMUTATIONS = 64
SEED = 20261203
BYTES = PERMUTATIONS * 4
# A signature of zeros: the document has none (signatures turned off, or no words).
NONE = bytes(BYTES)


def shingles(text: str) -> list[str]:
    """The text's distinct runs of SHINGLE normalized words (the whole text below MIN_WORDS)."""
    # The text normalized whole, then cut at whitespace (punctuation stays on the word it
    # touches: copies keep it too).  Token by token, through the analysis's tokenizer,
    # cost twice the signature itself.
    words = normalize_text(text).split()
    if len(words) < MIN_WORDS:
        return [" ".join(words)] if words else []
    return list(set(map(" ".join, zip(*(words[i:] for i in range(SHINGLE))))))


def signature(text: str) -> bytes:
    """The MinHash signature of ``text``'s shingles as PERMUTATIONS little-endian uint32, or NONE."""
    found = shingles(text)
    if not found:
        return NONE
    minhash = rensa.RMinHash(num_perm=PERMUTATIONS, seed=SEED)
    minhash.update(found)
    values = np.asarray(minhash.digest(), dtype="<u4")
    if not values.any():
        values[0] = 1  # never taken for "no signature"
    return values.tobytes()


def signatures(data: bytes, count: int) -> np.ndarray:
    """``count`` signatures stored one after another, as a (count, PERMUTATIONS) array."""
    return np.frombuffer(data, dtype="<u4", count=count * PERMUTATIONS).reshape(count, PERMUTATIONS)
