"""The analysis chain, defined once and used for indexing, queries and snippets.

    ArabicTokenizer | ArabicNormalizeFilter                     -> exact terms
    ArabicTokenizer | ArabicNormalizeFilter | ArabicStopFilter
                    | ArabicStemFilter                          -> stemmed terms

Normalization runs per token after tokenizing, so every token's
startchar/endchar still points into the original text: a snippet can then
highlight عُرِفَت as written when someone searched for عرفت.

Every component is picklable (Whoosh stores the schema, analyzers included,
inside the index): they hold only names and look up tables lazily.
"""

from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer

from .normalize import IGNORABLE_CLASS, normalize_word
from .stemming import DEFAULT_STEMMER, get_stemmer

# A word starts with a letter and runs on through letters and the marks that
# normalization deletes (harakat, shadda, tatweel, joiners), so مُحَمَّدٌ stays
# one token; digits (any script) form their own tokens, so 2022ء and الخميس.3
# split into a number and a word.
TOKEN_PATTERN = rf"[^\W\d_](?:[^\W\d_]|{IGNORABLE_CLASS})*|\d+"


class ArabicTokenizer(RegexTokenizer):
    def __init__(self):
        super().__init__(expression=TOKEN_PATTERN, gaps=False)


class ArabicNormalizeFilter(Filter):
    """Normalizes each token's text in place; drops tokens left empty."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            text = normalize_word(t.text)
            if text:
                t.text = text
                yield t


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """The arabic-stopwords list, every form passed through our normalizer."""
    from arabicstopwords.arabicstopwords import stopwords_list

    return frozenset(normalize_word(w) for w in stopwords_list())


def is_stop_word(normalized: str) -> bool:
    return normalized in stop_words()


class ArabicStopFilter(Filter):
    """Drops stop words without renumbering, so phrase positions keep their gaps."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        stops = stop_words()
        for t in tokens:
            if t.text in stops:
                if not t.removestops:
                    t.stopped = True
                    yield t
            else:
                t.stopped = False
                yield t


class ArabicStemFilter(Filter):
    """Replaces each token by its stem; alternative stems follow at the same position."""

    def __init__(self, stemmer: str = DEFAULT_STEMMER):
        get_stemmer(stemmer)  # fail early on a bad name
        self.stemmer = stemmer

    def __eq__(self, other):
        return type(other) is type(self) and other.stemmer == self.stemmer

    def __call__(self, tokens):
        stem = get_stemmer(self.stemmer)
        for t in tokens:
            if getattr(t, "stopped", False):
                yield t
                continue
            for text in stem(t.text):
                t.text = text
                yield t


def exact_analyzer():
    return ArabicTokenizer() | ArabicNormalizeFilter()


def stem_analyzer(stemmer: str = DEFAULT_STEMMER):
    return exact_analyzer() | ArabicStopFilter() | ArabicStemFilter(stemmer)


class WordForms:
    """Exact and stemmed forms of one word of running text, with its offsets."""

    __slots__ = ("exact", "stems", "startchar", "endchar")

    def __init__(self, exact, stems, startchar, endchar):
        self.exact = exact
        self.stems = stems
        self.startchar = startchar
        self.endchar = endchar


def word_forms(text: str, stemmer: str = DEFAULT_STEMMER):
    """Each word of ``text`` with its exact form and stems (empty for stop words).

    Used by the highlighter, which must know both forms of a word at once.
    """
    stem = get_stemmer(stemmer)
    stops = stop_words()
    for t in exact_analyzer()(text, chars=True):
        stems = () if t.text in stops else stem(t.text)
        yield WordForms(t.text, stems, t.startchar, t.endchar)
