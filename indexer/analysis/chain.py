"""The analysis chain, defined once and used for indexing, queries and snippets.

    ArabicTokenizer | SpellingFilter                            -> spelling terms
    ArabicTokenizer | ArabicNormalizeFilter                     -> exact terms
                    | ArabicStopFilter | ArabicStemFilter       -> stemmed terms
                    | ArabicStopFilter | ArabicRootFilter       -> root terms
                    | ArabicStopFilter | ArabicStemFilter(primary only)
                                       | NgramFilter(4)         -> stem 4-grams

At index time each field reads its text through a TokenReplay of its chain:
the same terms, the chain run once per distinct token (every filter works
on one token alone) and the text tokenized once for all ten fields.

Exact and stemmed terms decide what matches; roots, 4-grams and other
spellings (variants.py) make a document match at a low weight, and the
spelling typed decides the order among documents that normalization joins
(see ranking.py and docs/quality.md for what each is worth).

Normalization runs per token after tokenizing, so every token's
startchar/endchar still points into the original text: a snippet can then
highlight عُرِفَت as written when someone searched for عرفت.

Every component is picklable (Whoosh stores the schema, analyzers included,
inside the index): they hold only names and look up tables lazily.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import CompositeAnalyzer, Filter, NgramFilter, RegexTokenizer
from whoosh.analysis.acore import unstopped

from .normalize import IGNORABLE_CLASS, fold_hamza, normalize_word, stop_form, written_word
from .stemming import DEFAULT_STEMMER, get_stemmer, light_bases, light_stems, root
from .stopwords import DEFAULT_STOP_LIST, STOP_LISTS, is_stop, stop_words
from .variants import spelling_terms

# A word starts with a letter and runs on through letters and the marks that
# normalization deletes (harakat, shadda, tatweel, joiners), so مُحَمَّدٌ stays
# one token; digits (any script) form their own tokens, so 2022ء and الخميس.3
# split into a number and a word.
TOKEN_PATTERN = rf"[^\W\d_](?:[^\W\d_]|{IGNORABLE_CLASS})*|\d+"


class ArabicTokenizer(RegexTokenizer):
    def __init__(self):
        super().__init__(expression=TOKEN_PATTERN, gaps=False)


class _WordMapFilter(Filter):
    """Replaces each token's text by ``word_map(text)``; drops tokens left empty."""

    word_map = staticmethod(str)

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        word_map = self.word_map
        for t in tokens:
            text = word_map(t.text)
            if text:
                t.text = text
                yield t


class ArabicNormalizeFilter(Filter):
    """Normalizes each token's text in place, keeping the text as written in ``typed``
    (the stop filter decides on it: علي the name, على the preposition)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            text = normalize_word(t.text)
            if text:
                t.typed = t.text
                t.text = text
                yield t


class WrittenWordFilter(_WordMapFilter):
    """Marks and elongation removed, letters and clitics as written (what the query parser reads)."""

    word_map = staticmethod(written_word)


class SpellingFilter(Filter):
    """Each word as written without proclitics, filed under its spelling key (variants.py)."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            for text in spelling_terms(t.text):
                t.text = text
                yield t


@dataclass(frozen=True)
class AnalysisSettings:
    """What an index was built with (kept in its meta.json)."""

    stemmer: str = DEFAULT_STEMMER
    stop_list: str = DEFAULT_STOP_LIST

    def __post_init__(self):
        get_stemmer(self.stemmer)  # fail early on a bad name
        if self.stop_list not in STOP_LISTS:
            raise ValueError(f"unknown stop list {self.stop_list!r}; choose one of {', '.join(STOP_LISTS)}")


DEFAULT_SETTINGS = AnalysisSettings()
GRAM_SIZE = 4


class ArabicStopFilter(Filter):
    """Marks stop words as stopped without renumbering, so phrase positions keep their gaps."""

    def __init__(self, stop_list: str = DEFAULT_STOP_LIST):
        self.stop_list = stop_list

    def __eq__(self, other):
        return type(other) is type(self) and other.stop_list == self.stop_list

    def __call__(self, tokens):
        stops = stop_words(self.stop_list)
        for t in tokens:
            if is_stop(t.typed, stops):
                if not t.removestops:
                    t.stopped = True
                    yield t
            else:
                t.stopped = False
                yield t


class ArabicStemFilter(Filter):
    """Replaces each token by its stem; alternative stems follow at the same position.

    With ``alternatives=False`` only the primary stem is kept and stop words
    are dropped (the input of the 4-gram field).
    """

    def __init__(self, stemmer: str = DEFAULT_STEMMER, alternatives: bool = True):
        get_stemmer(stemmer)  # fail early on a bad name
        self.stemmer = stemmer
        self.alternatives = alternatives

    def __eq__(self, other):
        return (
            type(other) is type(self)
            and other.stemmer == self.stemmer
            and other.alternatives == self.alternatives
        )

    def __call__(self, tokens):
        stem = get_stemmer(self.stemmer)
        for t in tokens:
            if getattr(t, "stopped", False):
                if self.alternatives:
                    yield t
                continue
            stems = stemmed(stem, t.text)
            for text in stems if self.alternatives else stems[:1]:
                t.text = text
                yield t


def stemmed(stem, word: str) -> tuple[str, ...]:
    """The stems of a normalized word, hamza folded (see normalize.fold_hamza)."""
    return tuple(dict.fromkeys(fold_hamza(s) for s in stem(word)))


class ArabicRootFilter(Filter):
    """Replaces each token by its root; stop words and words under three letters are dropped."""

    def __eq__(self, other):
        return type(other) is type(self)

    def __call__(self, tokens):
        for t in tokens:
            if getattr(t, "stopped", False):
                continue
            text = root(t.text)
            if text:
                t.text = text
                yield t


def warm_up(settings: AnalysisSettings = DEFAULT_SETTINGS) -> None:
    """Load the stop list and the library stemmers now rather than in the first request."""
    stop_words(settings.stop_list)
    get_stemmer(settings.stemmer)("كتاب")
    root("كتاب")


def written_analyzer():
    """Each word as typed, marks removed: the query parser's analyzer."""
    return ArabicTokenizer() | WrittenWordFilter()


def spelling_analyzer():
    return ArabicTokenizer() | SpellingFilter()


def exact_analyzer():
    return ArabicTokenizer() | ArabicNormalizeFilter()


def stem_analyzer(settings: AnalysisSettings = DEFAULT_SETTINGS):
    return exact_analyzer() | ArabicStopFilter(settings.stop_list) | ArabicStemFilter(settings.stemmer)


def root_analyzer(settings: AnalysisSettings = DEFAULT_SETTINGS):
    return exact_analyzer() | ArabicStopFilter(settings.stop_list) | ArabicRootFilter()


def gram_analyzer(settings: AnalysisSettings = DEFAULT_SETTINGS):
    return (
        exact_analyzer()
        | ArabicStopFilter(settings.stop_list)
        | ArabicStemFilter(settings.stemmer, alternatives=False)
        | NgramFilter(GRAM_SIZE, GRAM_SIZE)
    )


class WordForms:
    """Exact and stemmed forms of one word of running text, with its offsets."""

    __slots__ = ("exact", "stems", "startchar", "endchar")

    def __init__(self, exact, stems, startchar, endchar):
        self.exact = exact
        self.stems = stems
        self.startchar = startchar
        self.endchar = endchar


_TOKEN = re.compile(TOKEN_PATTERN)


def tokens(text: str, start: int = 0, end: int | None = None):
    """The chain's tokens of ``text`` (or of ``text[start:end]``) as regex matches
    (before normalization), in order."""
    return _TOKEN.finditer(text, start, len(text) if end is None else end)


def widened_to_whitespace(text: str, start: int, end: int, floor: int = 0) -> tuple[int, int]:
    """``text[start:end]`` widened to the whitespace around it, not back past
    ``floor``: no token holds whitespace, so the stretch's tokens are the
    whole text's tokens there."""
    back = max(start, floor)
    lo = max(text.rfind(" ", floor, back), text.rfind("\n", floor, back), floor)
    ends = [at for at in (text.find(" ", end), text.find("\n", end)) if at >= 0]
    return lo, min(ends) if ends else len(text)


@lru_cache(maxsize=None)
def _exact_chain():
    # One analyzer object for every token: building the chain anew cost a
    # quarter of a new token's analysis.  Whoosh's analyzers keep no state
    # between calls (each call makes its own Token), so threads share it.
    return exact_analyzer()


@lru_cache(maxsize=200_000)
def token_forms(token: str, settings: AnalysisSettings) -> tuple:
    """(exact, stems, start, end) of each term the chain makes of one token."""
    stem = get_stemmer(settings.stemmer)
    stops = stop_words(settings.stop_list)
    return tuple(
        (t.text, () if is_stop(t.typed, stops) else stemmed(stem, t.text), t.startchar, t.endchar)
        for t in _exact_chain()(token, chars=True)
    )


def word_forms(text: str, settings: AnalysisSettings = DEFAULT_SETTINGS):
    """Each word of ``text`` with its exact form and stems (empty for stop words).

    Both forms of every word at once, as the highlighter sees them (it reads
    only the stretches around matches, through ``token_forms``; the golden
    tables and its tests read whole texts through this).  The chain tokenizes with TOKEN_PATTERN and then works token by token, so
    running it on each token alone gives the same forms as on the whole text;
    most tokens of a text are words seen before, so each distinct token goes
    through the chain once and its forms are remembered.
    """
    for match in tokens(text):
        offset = match.start()
        for exact, stems, start, end in token_forms(match.group(), settings):
            yield WordForms(exact, stems, offset + start, offset + end)


# Distinct tokens whose terms a TokenReplay remembers; it starts afresh past
# this (a collection's common words come back at once).
MAX_REMEMBERED_TOKENS = 100_000


class TokenReplay:
    """A chain's index-time terms of a text, each distinct token analyzed once.

    Every filter of the chain works on one token alone, so the terms of a
    text are the terms of its tokens in turn, each at its token's position;
    most tokens of a collection are words seen before.  A replay runs the
    chain on each new token alone, remembers the terms it made, and replays
    them; the ten indexed fields read two texts, which are tokenized once for
    all of them.  Offsets and queries go through the chain itself.
    """

    def __init__(self, analyzer):
        self.analyzer = analyzer
        self._terms: dict[str, tuple] = {}

    def terms(self, value: str) -> dict[str, list]:
        """Each term of ``value`` with [positions, summed boost], in order of first occurrence."""
        seen: dict[str, list] = {}
        terms = self._terms
        for pos, word in enumerate(tokens_of(value)):
            made = terms.get(word)
            if made is None:
                made = self._learn(word)
            for text, boost in made:
                entry = seen.get(text)
                if entry is None:
                    seen[text] = [[pos], boost]
                else:
                    entry[0].append(pos)
                    entry[1] += boost
        return seen

    def _learn(self, word: str) -> tuple:
        if len(self._terms) >= MAX_REMEMBERED_TOKENS:
            self._terms = {}
        made = self._terms[word] = tuple(
            (t.text, t.boost) for t in unstopped(self.analyzer(word, positions=True, boosts=True, mode="index")))
        return made


_last_tokenized = ("", [])


def tokens_of(text: str) -> list[str]:
    """The chain's tokens of ``text`` as strings (before normalization)."""
    # The fields of a title or body read the same text in a row.
    global _last_tokenized
    last, words = _last_tokenized
    if text != last:
        words = _TOKEN.findall(text)
        _last_tokenized = (text, words)
    return words


def forget_words() -> None:
    """Empties the analysis's caches of words (each holds up to 200,000).

    They serve searches and snippets, where the same words come back.  A writer
    analyzes each distinct token once (storage/inversion.py), so for it they
    only grow: at 150,000 documents a writer process held about 400 MB in them."""
    for cached in (normalize_word, stop_form, written_word, fold_hamza, light_bases, light_stems, root,
                   spelling_terms, token_forms):
        cached.cache_clear()


_replays: list[TokenReplay] = []
# Filters that turn each token into terms of their own, at its position,
# whatever tokens are around it.
_TOKENWISE_FILTERS = (ArabicNormalizeFilter, WrittenWordFilter, SpellingFilter, ArabicStopFilter, ArabicStemFilter,
                      ArabicRootFilter, NgramFilter)


def token_replay(analyzer):
    """The TokenReplay of a chain of ArabicTokenizer and filters known to work
    a token at a time (shared by equal chains: title and body analyze
    alike), or the analyzer itself for any other chain."""
    if not (isinstance(analyzer, CompositeAnalyzer) and type(analyzer.items[0]) is ArabicTokenizer
            and all(type(item) in _TOKENWISE_FILTERS for item in analyzer.items[1:])):
        return analyzer
    for replay in _replays:
        if replay.analyzer == analyzer:
            return replay
    _replays.append(TokenReplay(analyzer))
    return _replays[-1]
