"""Arabic stop words, from the maintained arabic-stopwords lexicon.

Two lists, chosen by name when the index is built:

- ``function`` (the default): the lexicon's lemmas without the classes that
  carry meaning in a search (directions and places such as جنوب, times such
  as مرة, superlatives such as أكثر, the verbs of the كان/كاد families such
  as قام, single letters), plus the question words a natural-language
  question starts with, plus those lemmas as they stand with clitics
  (``clitic_forms``: فيها, عليه, لأنه, والتي), which a light stemmer would
  otherwise cut into stems such as في and يها that match every document
  holding فيه.  Measured in docs/quality.md.
- ``full``: every form in the lexicon, the list the engine used first.
"""

from __future__ import annotations

from functools import lru_cache

from .lexicon import dictionary_entries
from .normalize import normalize_word, stop_form

# Lexicon classes (class_word) of lemmas that are content in a search.
CONTENT_CLASSES = frozenset(
    {
        "ظرف مكان",  # جنوب, شمال, فوق
        "ظرف زمان",  # مرة, أول, صباح
        "اسم تفضيل",  # أكثر, أقل
        "كاد و اخواتها",  # قام, بدأ, أخذ
        "كان و أخواتها",  # صار, أصبح, ظل (كان itself is added back below)
        "اسم فعل",
        "اسم صوت",
        "المدح والذم",
        "فعل جامد",
        "حرف ابجدي",
    }
)
# Words that only make a question a question (ما هو ...؟ متى ...؟ لماذا ...؟):
# they never tell documents apart.  لماذا is not a lexicon lemma.
QUESTION_WORDS = ("ما", "ماذا", "لماذا", "متى", "كم", "أين", "كيف", "هل", "من", "هو", "هي", "أي", "كان", "كانت",
                  # the same, joined as people type them
                  "ماهو", "ماهي", "ماهى")
# A lone ال is a word begun and not finished, never one to search for (آل, with its
# madda, is a word: stop forms keep the madda).
STRAY_WORDS = ("ال",)

# Lemmas whose forms with a pronoun are content words (أبيه his father, ابنه his son,
# عينه his eye, عامتهم), or whose clitic forms spell common words (فعل is ف + عل,
# ولأية spells ولاية once hamza and ة are folded).
CONTENT_WHEN_INFLECTED = frozenset(
    "أب أبا أبو أبي أخ أخا أخو أخي حم حما حمو حمي فا فو ابن بن شطر شبه عين عامة عل أي أية تي ته تين ذا ذي ريث سوى"
    .split()
)
# علي is a name as often as it is على with ي (on me): a word (see is_stop).
NAMES = ("علي",)

STOP_LISTS = ("function", "full")
DEFAULT_STOP_LIST = "function"


def _lexicon():
    from arabicstopwords.stopwords_lexicon import stopwords_lexicon

    return stopwords_lexicon()


@lru_cache(maxsize=None)
def stop_words(name: str = DEFAULT_STOP_LIST) -> frozenset[str]:
    """The stop list ``name``, each word in its stop form (normalize.stop_form)."""
    lexicon = _lexicon()
    if name == "full":
        words = lexicon.stopwords_list()
    elif name == "function":
        words = [
            lemma
            for lemma in lexicon.classed_stopwords_list()
            if not CONTENT_CLASSES.intersection(lexicon.get_wordclass(lemma))
        ]
        words.extend(QUESTION_WORDS)
        words.extend(clitic_forms(lexicon, frozenset(words)))
    else:
        raise ValueError(f"unknown stop list {name!r}; choose one of {', '.join(STOP_LISTS)}")
    words = [*words, *STRAY_WORDS]
    return frozenset(filter(None, (stop_form(w) for w in words)))


def clitic_forms(lexicon, lemmas: frozenset[str]) -> list[str]:
    """The lexicon's forms of ``lemmas`` with clitics: و/ف/ب/ل/ك before, a pronoun after
    (فيها, عليه, لأنه, والتي, وكذلك).  Left out: forms with the question's أ before
    them (أمن, ألم spell security and pain); forms of ``CONTENT_WHEN_INFLECTED``; NAMES;
    and forms whose letters spell a noun or verb of the dictionary (فعل, فلم, وهم, لذة),
    unless they are the bare particle with a pronoun, which is what such letters
    nearly always are in a text (عليه, منه, أنه)."""
    nouns, verbs = dictionary_entries()
    found = []
    for form in lexicon.stopwords_list():
        readings = lexicon.forms_dict.get(form, ())
        if not readings or form in lemmas or form in NAMES:
            continue
        if any(r["procletic"].startswith("أ") or r["original"] not in lemmas
               or r["original"] in CONTENT_WHEN_INFLECTED for r in readings):
            continue
        letters = normalize_word(form)
        if (letters in nouns or letters in verbs) and not all(
                r["encletic"] != "-" and r["procletic"] in ("-", "و-", "ف-") for r in readings):
            continue
        found.append(form)
    return found


@lru_cache(maxsize=None)
def folded_stop_words(name: str = DEFAULT_STOP_LIST) -> frozenset[str]:
    """The normalized forms of the stop list ``name`` (علي among them: على folds into it).

    For what sees only normalized terms, where علي may be either: the roots and
    4-grams mapped from the index's exact terms (storage/relatives.py)."""
    return frozenset(filter(None, map(normalize_word, stop_words(name))))


def is_stop(typed: str, stops: frozenset[str]) -> bool:
    """Whether the token ``typed`` (as written) is in ``stops``, a ``stop_words`` list:
    decided on the written form, so علي the name is a word and على is not."""
    return stop_form(typed) in stops
