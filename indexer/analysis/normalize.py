"""Arabic character normalization, one word at a time.

Like Lucene's ArabicNormalizer this is one small table of character rules,
applied with ``str.translate``.  It works on a single token so the analysis
chain can normalize after tokenizing and keep each token's offsets pointing
into the original, unnormalized text.
"""

from functools import lru_cache
import re
import unicodedata

import numpy as np

from pyarabic import araby

# Unicode ranges of marks that carry no letter identity for search.
_HARAKAT = range(0x064B, 0x0660)  # fathatan .. wavy hamza below: tashkeel, shadda, sukun, tanween
_QURANIC_MARKS = range(0x06D6, 0x06EE)  # small high ligatures, sajdah and stop marks
_ARABIC_SIGNS = range(0x0610, 0x061B)  # honorific signs written above letters
_INVISIBLE = [
    0x00AD,  # soft hyphen
    0x061C,  # Arabic letter mark
    0x200B, 0x200C, 0x200D, 0x200E, 0x200F,  # zero-width space, (non-)joiner, LRM, RLM
    *range(0x202A, 0x202F),  # bidi embeddings and overrides
    *range(0x2066, 0x206A),  # bidi isolates
    0xFEFF,  # zero-width no-break space / BOM
]

# Letter rules: what a reader treats as the same letter.
_LETTERS = {
    # Alef forms: hamza above and below, madda, wasla -> bare alef.
    ord(araby.ALEF_HAMZA_ABOVE): araby.ALEF,
    ord(araby.ALEF_HAMZA_BELOW): araby.ALEF,
    ord(araby.ALEF_MADDA): araby.ALEF,
    ord(araby.ALEF_WASLA): araby.ALEF,
    # Final forms that writers use interchangeably.
    ord(araby.ALEF_MAKSURA): araby.YEH,
    ord(araby.TEH_MARBUTA): araby.HEH,
    # Hamza seats: writers put the same hamza on waw or yeh by region and
    # habit (مسؤول / مسئول, هيئة), so both become the bare hamza.  Hamza on
    # alef stays a plain alef above: hamza-less typing (ياتي, اسرائيل) is the
    # common case there.  Looser folding (هيأة / هيئة, سماء / سما) is done
    # on stems only: see fold_hamza.
    ord(araby.WAW_HAMZA): araby.HAMZA,
    ord(araby.YEH_HAMZA): araby.HAMZA,
    # Persian and Urdu letters that appear in Arabic-script news copy.
    0x06CC: araby.YEH,  # farsi yeh
    0x06D2: araby.YEH,  # yeh barree
    0x06A9: araby.KAF,  # keheh
    0x06C0: araby.HEH,  # heh with yeh above
    0x06C1: araby.HEH,  # heh goal
    0x06BE: araby.HEH,  # heh doachashmee
    0x06D5: araby.HEH,  # ae
    0x06A4: araby.FEH,  # veh (ڤ in foreign names)
    0x067E: araby.BEH,  # peh
    0x0686: araby.JEEM,  # tcheh
    0x06AF: araby.KAF,  # gaf
}
# Mark rules: what carries no letter identity, and digits of every script.
_MARKS = {
    # Elongation carries no meaning.
    ord(araby.TATWEEL): None,
    # Superscript (dagger) alef.
    ord(araby.MINI_ALEF): None,
}
_MARKS.update({cp: None for cp in (*_HARAKAT, *_QURANIC_MARKS, *_ARABIC_SIGNS, *_INVISIBLE)})
# Arabic-Indic and Eastern Arabic-Indic digits -> ASCII digits.
_MARKS.update({0x0660 + d: str(d) for d in range(10)})
_MARKS.update({0x06F0 + d: str(d) for d in range(10)})
_TABLE = {**_MARKS, **_LETTERS}
# What normalization deletes: a token made only of these is dropped.
DELETED = frozenset(chr(cp) for cp, repl in _TABLE.items() if repl is None)

# Characters beyond the Basic Multilingual Plane (two UTF-16 code units each).
_SURROGATES = re.compile("[\U00010000-\U0010FFFF]")
# Presentation forms (ligatures such as U+FEFB lam-alef) need NFKC to become letters.
PRESENTATION_FORMS = re.compile("[\uFB50-\uFDFF\uFE70-\uFEFC]")


def _has_presentation_forms(word: str) -> bool:
    return PRESENTATION_FORMS.search(word) is not None


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """Return the search form of one token ('' when nothing searchable is left).

    Cached because running text repeats the same few thousand words.
    """
    return _mapped(word, _TABLE)


def _mapped(word: str, table: dict) -> str:
    """One token through a character ``table`` (ligatures unfolded first), lowercased."""
    if _has_presentation_forms(word):
        word = unicodedata.normalize("NFKC", word)
    return word.translate(table).lower()


# The stop list's form of a word (stopwords.py): normalized, except that ى stays
# apart from ي and آ from bare alef.  علي the name is not على the preposition,
# and آل (the family of) is not a stray ال.
_STOP_TABLE = {cp: repl for cp, repl in _TABLE.items() if cp not in (ord(araby.ALEF_MAKSURA), ord(araby.ALEF_MADDA))}


@lru_cache(maxsize=200_000)
def stop_form(word: str) -> str:
    """``word`` as the stop list compares it: normalized but for ى and آ."""
    return _mapped(word, _STOP_TABLE)


def _text_table():
    """The character table as an array over the Basic Multilingual Plane: each code
    point's replacement, DELETED_MARK where normalization deletes it."""
    table = np.arange(0x10000, dtype=np.uint16)
    for cp, repl in _TABLE.items():
        if cp < 0x10000:
            table[cp] = _DELETED_MARK if repl is None else ord(repl)
    return table


# A code point the table never produces (a surrogate), marking what is deleted.
_DELETED_MARK = 0xDFFF
_TEXT_TABLE = None


def normalize_text(text: str) -> str:
    """A whole text normalized as ``normalize_word`` normalizes each token (for what
    reads whole texts rather than tokens: near-duplicate signatures).

    ``str.translate`` looks each Arabic character up in a dict, a third of a
    millisecond for an article; the same table as an array, applied with
    numpy to the text's UTF-16 code units, takes a tenth of that."""
    global _TEXT_TABLE
    if _has_presentation_forms(text) or not text.isascii() and _SURROGATES.search(text):
        return unicodedata.normalize("NFKC", text).translate(_TABLE).lower()  # rare: the plain way
    if _TEXT_TABLE is None:
        _TEXT_TABLE = _text_table()
    units = _TEXT_TABLE[np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)]
    return units[units != _DELETED_MARK].tobytes().decode("utf-16-le").lower()


@lru_cache(maxsize=200_000)
def written_word(word: str) -> str:
    """The token as written, without marks: letters stay as the writer chose.

    إلى and الى, مدرسة and مدرسه keep apart here, so a search can prefer the
    form a person typed among the documents that normalization joins.
    """
    return _mapped(word, _MARKS)


_LONG_VOWELS = "اوي"
MIN_FOLDED = 3


@lru_cache(maxsize=200_000)
def fold_hamza(stem: str) -> str:
    """A stem with hamza folded away, for the stemmed fields only.

    A hamza inside the word becomes alef, as on alef seats already: هيئة
    and هيأة, سأل and سال, مسؤول and مساول meet.  A final hamza after a long
    vowel is dropped when three letters remain (سماء / سما, فقراء / فقرا),
    a spelling common in informal text, and folds like the others in
    shorter stems (هيئة -> هيء -> هيا).  A final hamza after a consonant
    stays: جزء is not جزاء, سوء is not سواء.  The exact field keeps every
    word apart, so exact spellings still rank first.
    """
    final = ""
    if stem.endswith(araby.HAMZA) and len(stem) > 1 and stem[-2] not in _LONG_VOWELS:
        stem, final = stem[:-1], araby.HAMZA
    elif stem.endswith(araby.HAMZA) and len(stem) - 1 >= MIN_FOLDED:
        stem = stem[:-1]
    return stem.replace(araby.HAMZA, araby.ALEF) + final


# Letters as normalization and then the stems' hamza folding leave them, marks
# deleted: one character in gives one or none out, so a folded text's offsets
# map back to the original by counting the deleted marks (letter_spots.py).
FOLDED_LETTERS = {cp: araby.ALEF if repl == araby.HAMZA else repl for cp, repl in _TABLE.items()}
FOLDED_LETTERS[ord(araby.HAMZA)] = araby.ALEF


def folded_letters(text: str) -> str:
    """``text`` with every letter folded as above, marks deleted, lowercased
    like normalize_word (one character, U+0130, lowercases to two)."""
    return text.translate(FOLDED_LETTERS).lower()


# A regex character class of everything normalization deletes: the tokenizer
# lets these run inside a word (Python's \w does not match harakat).
IGNORABLE_CLASS = "[" + "".join(
    re.escape(chr(cp)) for cp, repl in sorted(_TABLE.items()) if repl is None
) + "]"
