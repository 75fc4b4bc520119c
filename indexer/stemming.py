"""Stemmers for normalized Arabic words.

The default is a light stemmer in the Light10 family (the one Lucene's
ArabicStemmer implements): strip one attached prefix group, then common
suffixes, never leaving fewer than two letters.  It is written here because
the maintained C stemmer (Snowball Arabic, via PyStemmer) over-stems the words
news readers search for: it turns بلينكن into لين, وزير into زير and
ستوكهولم into توكهولم, and leaves اجتماعات as اجتماعا apart from اجتماع.
Snowball stays selectable by name for comparison.

Words come in already normalized (see ``normalize``): ة is ه, ى is ي, alef
forms are ا.
"""

from functools import lru_cache

# Definite-article groups, longest first; each may carry و or ف in front.
_ARTICLES = ("ال", "بال", "كال", "لل")
PREFIXES = tuple(
    sorted({c + a for a in _ARTICLES for c in ("", "و", "ف")}, key=len, reverse=True)
)
# Suffixes in Light10 order; each is removed at most once, in this order.
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
# Single-letter proclitics that are also common first letters of stems
# (بلينكن, فرنسا, كتاب, لبنان, وزير).  Stripping one of them (after the prefix
# group) is offered as an alternative term at the same position rather than
# replacing the word: بلافروف -> لافروف, ووزير -> وزير and زير.
AMBIGUOUS_PROCLITICS = ("و", "ب", "ك", "ل", "ف")

MIN_STEM = 2  # never cut a word below two letters
MIN_AFTER_WAW = 3  # و is stripped only when three letters remain


def _strip_prefix(word: str) -> str:
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            return word[len(prefix):]
    if word.startswith("و") and len(word) - 1 >= MIN_AFTER_WAW:
        return word[1:]
    return word


def _strip_suffixes(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[: -len(suffix)]
    return word


@lru_cache(maxsize=200_000)
def light_stems(word: str) -> tuple[str, ...]:
    """The light stem of ``word`` first, then any alternative stems.

    The alternative reads a further leading و ب ك ل ف as a proclitic
    (بلافروف -> لافروف); it is kept only when at least three letters remain.
    """
    without_prefix = _strip_prefix(word)
    stems = [_strip_suffixes(without_prefix)]
    if without_prefix[:1] in AMBIGUOUS_PROCLITICS and len(without_prefix) - 1 >= 3:
        alternative = _strip_suffixes(without_prefix[1:])
        if alternative not in stems:
            stems.append(alternative)
    return tuple(stems)


_snowball = None


def snowball_stems(word: str) -> tuple[str, ...]:
    # PyStemmer objects cannot be pickled, and Whoosh pickles the schema with
    # its analyzers: create the stemmer on first use, in each process.
    global _snowball
    if _snowball is None:
        import Stemmer

        _snowball = Stemmer.Stemmer("arabic", 100_000)
    return (_snowball.stemWord(word),)


_tashaphyne = None


def tashaphyne_stems(word: str) -> tuple[str, ...]:
    # Tashaphyne's light stemmer, kept selectable for the comparison in
    # docs/quality.md; created lazily for the same reason as Snowball.
    global _tashaphyne
    if _tashaphyne is None:
        from tashaphyne.stemming import ArabicLightStemmer

        _tashaphyne = ArabicLightStemmer()
    return (_tashaphyne.light_stem(word) or word,)


def no_stems(word: str) -> tuple[str, ...]:
    return (word,)


STEMMERS = {
    "light": light_stems,
    "snowball": snowball_stems,
    "tashaphyne": tashaphyne_stems,
    "none": no_stems,
}
DEFAULT_STEMMER = "light"


def get_stemmer(name: str):
    try:
        return STEMMERS[name]
    except KeyError:
        raise ValueError(f"unknown stemmer {name!r}; choose one of {', '.join(STEMMERS)}") from None


_isri = None
MIN_ROOT_WORD = 3  # shorter words have no root worth matching on


@lru_cache(maxsize=200_000)
def root(word: str) -> str | None:
    """The ISRI root of ``word`` (NLTK's implementation), or None for short words.

    Roots join what light stemming keeps apart (يتدفق and تدفق, مؤلفات and
    مؤلف, تسمية and سميت) at the price of over-joining, so the engine gives
    them a low weight of their own rather than using them as the stem.
    """
    global _isri
    if len(word) < MIN_ROOT_WORD:
        return None
    if _isri is None:
        from nltk.stem.isri import ISRIStemmer

        _isri = ISRIStemmer()
    return _isri.stem(word)
