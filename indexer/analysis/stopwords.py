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

from .normalize import normalize_word

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
QUESTION_WORDS = ("ما", "ماذا", "لماذا", "متى", "كم", "أين", "كيف", "هل", "من", "هو", "هي", "أي", "كان", "كانت")

STOP_LISTS = ("function", "full")
DEFAULT_STOP_LIST = "function"


def _lexicon():
    from arabicstopwords.stopwords_lexicon import stopwords_lexicon

    return stopwords_lexicon()


@lru_cache(maxsize=None)
def stop_words(name: str = DEFAULT_STOP_LIST) -> frozenset[str]:
    """The stop list ``name``, every word passed through our normalizer."""
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
    return frozenset(filter(None, (normalize_word(w) for w in words)))
