"""Snippets with the matched words marked as they stand in the original text.

Whoosh's Highlighter matches tokens of one field against that field's terms;
a word here matches through either of two fields (its exact form or one of its
stems), so we mark tokens ourselves and hand them to Whoosh's fragmenters and
fragment scorer.  Offsets come from the shared analysis chain, so the marked
text is the original slice, diacritics and all; everything else is escaped.
"""

from __future__ import annotations

import re
from html import escape

from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    WholeFragmenter,
    get_text,
    top_fragments,
)

from .analysis import DEFAULT_SETTINGS, AnalysisSettings, token_forms, token_strings, tokens, widened_to_whitespace
from .letter_spots import LetterSpots
from .normalize import normalize_word
from .query import MatchTerms

SNIPPET_FRAGMENTS = 3
FRAGMENT_CHARS = 220
FRAGMENT_SURROUND = 60
FALLBACK_CHARS = 240


class MarkFormatter(Formatter):
    """``<mark>`` around matches, HTML-escaped text everywhere else."""

    between = " … "

    def _text(self, text):
        return escape(text, quote=False)

    def format_token(self, text, token, replace=False):
        return "<mark>" + escape(get_text(text, token, replace), quote=False) + "</mark>"


_formatter = MarkFormatter()
_WORDS = re.compile(r"\w+")


class _Word:
    """The part of a Whoosh Token the fragmenter, scorer and formatter read, made
    by the hundred per snippet: a slotted object is several times cheaper."""

    __slots__ = ("text", "startchar", "endchar", "matched")
    boost = 1.0  # what the fragment scorer sums

    def __init__(self, text, startchar, endchar, matched):
        self.text, self.startchar, self.endchar, self.matched = text, startchar, endchar, matched

    def copy(self):
        return self  # never changed once made


class _PageMarks:
    """One query's marks on one field, kept while its page of snippets is made."""

    def __init__(self, terms: MatchTerms, scope: str, settings: AnalysisSettings):
        self.settings = settings
        self.matches = terms.matcher(scope)
        self.marks: dict[str, tuple] = {}
        self.spots = LetterSpots.of_query(
            terms.exact[scope], terms.stems[scope], terms.prefixes[scope], terms.variants[scope], settings)

    def of(self, token: str) -> tuple:
        """(start, end, exact form, matched) of each form of ``token``."""
        marks = self.marks.get(token)
        if marks is None:
            marks = self.marks[token] = tuple(
                (start, end, exact, self.matches(exact, stems))
                for exact, stems, start, end in token_forms(token, self.settings)
            )
        return marks

    def words(self, text: str, start: int, end: int, hits: set[str]) -> list[_Word]:
        """The words of ``text[start:end]``; ``hits`` holds every token of the
        text that matches, so the others need only their exact form."""
        words = []
        for match in tokens(text, start, end):
            token = match.group()
            if token in hits:
                at = match.start()
                words.extend(_Word(exact, at + s, at + e, matched) for s, e, exact, matched in self.of(token))
            else:
                exact = normalize_word(token)
                if exact:  # the chain drops a token with nothing left (tatweel alone)
                    words.append(_Word(exact, match.start(), match.end(), False))
        return words

    def _matched(self, token: str, stems: bool = True) -> bool:
        if not stems:  # an exact form, a prefix, a spelling: normalizing is enough
            return self.matches(normalize_word(token), ())
        return any(form[3] for form in self.of(token))

    def hits(self, text: str) -> set[str]:
        """The tokens of ``text`` that hold a match: those holding the query's
        letters (letter_spots.py), else every distinct token asked."""
        found = self.spots.tokens_at(text) if self.spots else None
        if found is None:
            return {token for token in set(token_strings(text)) if self._matched(token)}
        return {token for token, stems in found.items() if self._matched(token, stems)}


def _page_marks(terms: MatchTerms, scope: str, settings: AnalysisSettings) -> _PageMarks:
    marks = terms.memo.get((scope, settings))
    if marks is None:
        marks = terms.memo[(scope, settings)] = _PageMarks(terms, scope, settings)
    return marks


def _marked_tokens(text: str, terms: MatchTerms, scope: str, settings: AnalysisSettings, context: bool = False):
    """Tokens of the matched words of ``text`` and, with ``context``, of the
    words around them that ContextFragmenter may put in, or shape, a fragment.

    Only the stretches around matches are tokenized and marked: a long text
    has few of them, and the fragmenter makes the same fragments from them as
    from every word of the text (see _enough)."""
    page = _page_marks(terms, scope, settings)
    hits = page.hits(text)
    if not hits:
        return []
    out, done = [], 0
    before, after = (FRAGMENT_SURROUND + 20, FRAGMENT_CHARS * 3 // 2) if context else (1, 1)
    for lo, hi in _windows(text, hits, before, after):
        if hi <= done:
            continue
        lo = max(lo, done)
        while True:
            start, end = widened_to_whitespace(text, lo, hi, done)
            words = page.words(text, start, end, hits)
            if not context or _enough(words, start == done, end == len(text)):
                break
            lo, hi = max(done, lo - FRAGMENT_CHARS), hi + FRAGMENT_CHARS
        if any(word.matched for word in words):  # a hit's letters may stand inside a longer token
            out.extend(words if context else [word for word in words if word.matched])
            done = end
    return out


def _windows(text: str, hits: set, before: int, after: int) -> list[list[int]]:
    """(start, end) of the stretches from ``before`` characters before to
    ``after`` characters after each occurrence of a hit's letters, merged."""
    spots = []
    for hit in hits:
        at = text.find(hit)
        while at >= 0:
            spots.append((at, at + len(hit)))
            at = text.find(hit, at + 1)
    spots.sort()
    windows = []
    for at, end in spots:
        lo, hi = at - before, end + after
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    return windows


def _enough(words: list[_Word], joins_last: bool, at_end: bool) -> bool:
    """Whether the words of a stretch hold all the context of its matches.

    Before a match ContextFragmenter keeps the words that start at most
    FRAGMENT_SURROUND characters before the end of the word preceding it, and
    forgets every word before those; from a match on it takes words until their
    lengths (gaps between words not counted) pass FRAGMENT_CHARS at the latest.
    A stretch holding both for its first and its last match gives the
    fragmenter the state it would have had from every word of the text.
    """
    matched = [i for i, word in enumerate(words) if word.matched]
    if not matched:
        return True
    first, last = matched[0], matched[-1]
    before = joins_last or (first > 0 and words[0].startchar <= words[first - 1].endchar - FRAGMENT_SURROUND)
    return before and (at_end or sum(word.endchar - word.startchar for word in words[last:]) > FRAGMENT_CHARS)


def _lead(text: str) -> str:
    """The opening of a text, cut at a word boundary, escaped."""
    text = " ".join(text.split())
    if len(text) <= FALLBACK_CHARS:
        return escape(text, quote=False)
    cut = text.rfind(" ", 0, FALLBACK_CHARS)
    return escape(text[: cut if cut > 0 else FALLBACK_CHARS], quote=False) + " …"


def _distinct(fragments):
    """Drop fragments whose text repeats an earlier one (scraped articles often repeat paragraphs)."""
    seen = set()
    for fragment in fragments:
        key = tuple(_WORDS.findall(fragment.text[fragment.startchar:fragment.endchar]))
        if key not in seen:
            seen.add(key)
            yield fragment


def snippet(text: str, terms: MatchTerms, scope: str = "body", settings: AnalysisSettings = DEFAULT_SETTINGS) -> str:
    """Up to three fragments around the matches; the text's opening when nothing matched."""
    return snippet_of(text, _marked_tokens(text, terms, scope, settings, context=True))


def snippet_of(text: str, marked) -> str:
    """The snippet of ``text`` from its tokens (``matched`` set on the matches)."""
    if not marked:
        return _lead(text)
    fragmenter = ContextFragmenter(maxchars=FRAGMENT_CHARS, surround=FRAGMENT_SURROUND, charlimit=None)
    fragments = fragmenter.fragment_tokens(text, marked)
    best = top_fragments(_distinct(fragments), SNIPPET_FRAGMENTS, BasicFragmentScorer(), FIRST)
    if not best:
        return _lead(text)
    return " ".join(_formatter.format(best).split())


def highlight_all(text: str, terms: MatchTerms | None, scope: str, settings: AnalysisSettings = DEFAULT_SETTINGS) -> str:
    """The whole text, escaped, with every match marked."""
    if terms is None or not text:
        return escape(text, quote=False)
    # The whole text is one fragment: only the matched words matter.
    fragments = list(WholeFragmenter(charlimit=None).fragment_tokens(text, _marked_tokens(text, terms, scope, settings)))
    return _formatter.format(fragments) if fragments else escape(text, quote=False)
