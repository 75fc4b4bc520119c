"""A document's MinHash signature, made when it is indexed.

Shingles are runs of SHINGLE words of the text, each normalized as the
analysis normalizes a word (diacritics, alef and hamza forms, ة/ه, ى/ي
folded; stop words kept: they carry the wording that tells a copy from a
retelling).  The MinHash itself is rensa's (a maintained Rust
implementation): it hashes the words, and its digest of the shingles' hashes
takes the least value under each permutation, so a passage a document
repeats counts once without making the shingles a set.
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
# A shingle's hash from its words' hashes: odd multipliers keep word order (a b c is
# not c b a), and uint64 arithmetic wraps as a hash should.
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))


def shingle_hashes(text: str) -> np.ndarray:
    """A uint64 hash of each run of SHINGLE normalized words of ``text`` (of the whole text below MIN_WORDS)."""
    # The text normalized whole, then cut at whitespace (punctuation stays on the word it
    # touches: copies keep it too).  Token by token, through the analysis's tokenizer,
    # cost twice the signature itself.
    words = normalize_text(text).split()
    if not words:
        return np.zeros(0, dtype=np.uint64)
    if len(words) < MIN_WORDS:
        words = [" ".join(words)]
    hashes = np.asarray(rensa.RMinHash.hash_token_sets([words])[0], dtype=np.uint64)
    if len(hashes) < SHINGLE:
        return hashes
    return hashes[:-2] * _MIX[0] + hashes[1:-1] * _MIX[1] + hashes[2:]


def signature(text: str) -> bytes:
    """The MinHash signature of ``text``'s shingles as PERMUTATIONS little-endian uint32, or NONE."""
    hashes = shingle_hashes(text)
    if not len(hashes):
        return NONE
    digest = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, [0, len(hashes)], PERMUTATIONS, SEED)
    values = np.asarray(digest.to_rows()[0], dtype="<u4")
    if not values.any():
        values[0] = 1  # never taken for "no signature"
    return values.tobytes()


def signatures(data: bytes, count: int) -> np.ndarray:
    """``count`` signatures stored one after another, as a (count, PERMUTATIONS) array."""
    return np.frombuffer(data, dtype="<u4", count=count * PERMUTATIONS).reshape(count, PERMUTATIONS)
