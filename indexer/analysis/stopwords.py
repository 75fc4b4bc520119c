"""Arabic stop words, from the maintained arabic-stopwords lexicon.

Two lists, chosen by name when the index is built:

- ``function`` (the default): the lexicon's lemmas (not their thousands of
  clitic-inflected forms: فيها, بها and the like reach the stop list through
  the light stemmer's prefixes anyway, and the inflected list holds content
  words such as الشمالي and العامة), without the classes that carry meaning
  in a search (directions and places such as جنوب, times such as مرة,
  superlatives such as أكثر, the verbs of the كان/كاد families such as قام,
  single letters), plus the question words a natural-language question starts
  with.  Measured in docs/quality.md.
- ``full``: every form in the lexicon, the list the engine used first.
"""

from __future__ import annotations

from functools import lru_cache

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
    else:
        raise ValueError(f"unknown stop list {name!r}; choose one of {', '.join(STOP_LISTS)}")
    words = [*words, *STRAY_WORDS]
    return frozenset(filter(None, (stop_form(w) for w in words)))


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
