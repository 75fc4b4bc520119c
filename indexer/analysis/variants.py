"""The spelling field: each word as written, filed under a spelling key.

Arabic news spells the same foreign name several ways: بلينكن / بلينكين,
سيرغي / سيرجي, أميركي / أمريكي, أنتوني / انطوني.  The differences are long
vowels written or left out and the letter chosen for a sound Arabic lacks
(g as غ ج ق ك, t as ت ط).  The key keeps a word's first letter and its
consonants, with those letters in one class each, so the spellings meet.
No library does this for Arabic script (phonetic keys such as Soundex and
Metaphone are for Latin script), hence the small table here.

A key alone over-joins (تكرار, تقارير and تغيير share one), so the index
keeps each word under its key, as the term ``key:word``, the word as
written without its proclitics (المدرسة -> مدرسة).  The same terms serve
two purposes:

- other spellings: a search collects the words filed under its word's key
  and keeps those within one edit (two for long words) of what was typed:
  بلينكين for بلينكن, not تقارير for تكرار.  Only words of five letters or
  more have a key of their own; a shorter word is filed under itself with
  doubled letters written once, and meets only those spellings (طاوس, طاووس).
- the spelling typed first: among words normalization joins, the one
  written as typed (مدرسه, not مدرسة) is a term of its own.

docs/quality.md has the precision of the keys on the seed corpus.
"""

from functools import lru_cache

from rapidfuzz.distance import OSA

from .normalize import normalize_word, written_word
from .stemming import light_bases

SEPARATOR = ":"
LONG_WORD = 8  # from this length two edits are allowed

# Long vowels and hamza: written or left out at will in transliteration.
_VOWELS = frozenset("اويء")
_CLASSES = str.maketrans({
    "غ": "ك", "ج": "ك", "ق": "ك",  # g: سيرغي سيرجي, غوغل جوجل قوقل
    "ط": "ت", "ث": "ت",  # t: انطوني انتوني, ثيودور تيودور
    "ص": "س",  # s: صوفيا سوفيا
    "ض": "ز", "ظ": "ز", "ذ": "ز",  # z
})
MIN_WORD = 5  # letters of the word without its proclitics
MIN_KEY = 3  # consonants left in the key


def _key(base: str) -> str | None:
    if len(base) < MIN_WORD:
        return None
    mapped = base.translate(_CLASSES)
    letters = [mapped[0]] + [ch for ch in mapped[1:] if ch not in _VOWELS]
    # A doubled consonant is written once or twice (ماكرون / ماكّرون after shadda is gone).
    key = _collapsed("".join(letters))
    return key if len(key) >= MIN_KEY else None


def _collapsed(base: str) -> str:
    """``base`` with each run of one letter written once: داوود and داود, طاووس and طاوس."""
    return "".join(ch for i, ch in enumerate(base) if i == 0 or ch != base[i - 1])


def normalized_key(base: str) -> str:
    """The key a normalized word without proclitics is filed under: its spelling key, or,
    for a word too short to have one, itself with doubled letters written once."""
    return _key(base) or _collapsed(base)


@lru_cache(maxsize=200_000)
def spelling_terms(word: str) -> tuple[str, ...]:
    """The spelling-field terms of a word as it stands in the text: ``key:written base``.

    One per reading of its proclitics (light_bases): لبلينكين is filed as
    لبلينكين and as بلينكين.  Marks are removed first, so the written and
    normalized words have the same length and the proclitics cut from one
    are cut from the other.
    """
    written = written_word(word)
    normal = normalize_word(written)
    terms = []
    for base in light_bases(normal) if normal else ():
        terms.append(f"{normalized_key(base)}{SEPARATOR}{written[len(written) - len(base):]}")
    return tuple(terms)


def split_term(term: str) -> tuple[str, str]:
    key, _, base = term.partition(SEPARATOR)
    return key, base


def other_spellings(reader, fieldname: str, word: str, limit: int) -> tuple[list[str], set[str]]:
    """Spelling-field terms of other spellings of ``word`` (normalized) that the index holds.

    Returns the terms and the normalized words they stand for (for highlighting).
    """
    base = light_bases(word)[0]
    key = _key(base)
    # A short word meets only the same word with a letter doubled or written once
    # (طاوس, طاووس): one edit would join names apart (محمد, محمود).
    short = key is None
    key = key or _collapsed(base)
    terms, words = [], set()
    for indexed in reader.expand_prefix(fieldname, key + SEPARATOR):
        indexed = indexed.decode("utf-8")
        other = normalize_word(split_term(indexed)[1])
        if other != base and (other in words or (_collapsed(other) == key if short else close_spelling(base, other))):
            terms.append(indexed)
            words.add(other)
            if len(terms) >= limit:
                break
    return terms, words


def close_spelling(typed: str, indexed: str) -> bool:
    """Whether ``indexed`` is a spelling of ``typed`` (same key is assumed): few enough edits.

    Edits count adjacent transpositions as one (أميركي / أمريكي).
    """
    limit = 2 if max(len(typed), len(indexed)) >= LONG_WORD else 1
    return OSA.distance(typed, indexed, score_cutoff=limit) <= limit
