"""Snippets with the matched words marked as they stand in the original text.

Whoosh's Highlighter matches tokens of one field against that field's terms;
a word here matches through either of two fields (its exact form or one of its
stems), so we mark tokens ourselves, cut fragments as Whoosh's ContextFragmenter
does (context_fragments) and leave choosing and formatting them to Whoosh's
fragment scorer and formatter.  Offsets come from the shared analysis chain, so the marked
text is the original slice, diacritics and all; everything else is escaped.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from html import escape

from whoosh.highlight import FIRST, BasicFragmentScorer, Formatter, Fragment, get_text, mkfrag, top_fragments

from ..analysis.chain import DEFAULT_SETTINGS, AnalysisSettings, token_forms, tokens, widened_to_whitespace
from .letter_spots import LetterSpots
from ..analysis.normalize import DELETED, IGNORABLE_CLASS, normalize_word
from ..search.parse import MatchTerms

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
# Where a token starts with a letter normalization deletes (tatweel): only
# such a token can be left with nothing, and the chain drops it.
_VANISHING = "[%s]" % "".join(re.escape(c) for c in sorted(DELETED) if re.fullmatch(r"[^\W\d_]", c))
_VANISHING_LETTER = re.compile(_VANISHING)  # searched first: a plain class is scanned fast
_VANISHING_START = re.compile(r"(?<![^\W\d_])(?<!%s)%s" % (IGNORABLE_CLASS, _VANISHING))
_WORDS = re.compile(r"\w+")


class _Word:
    """The part of a Whoosh Token the fragment scorer and formatter read, made
    for matched words only (the words around them stay (start, end) spans)."""

    __slots__ = ("text", "startchar", "endchar")
    boost = 1.0  # what the fragment scorer sums

    def __init__(self, text, startchar, endchar):
        self.text, self.startchar, self.endchar = text, startchar, endchar


class _PageMarks:
    """One query's marks on one field, kept while its page of snippets is made."""

    def __init__(self, terms: MatchTerms, scope: str, settings: AnalysisSettings):
        self.settings = settings
        self.matches = terms.matcher(scope)
        self.joined = terms.joined[scope] - terms.exact[scope]
        self.forms: dict[str, tuple] = {}  # token -> of(token)
        self.spots = LetterSpots.of_query(
            terms.exact[scope], terms.stems[scope], terms.prefixes[scope], terms.variants[scope], settings)

    def of(self, token: str) -> tuple:
        """(start, end, exact form, matched) of each form of ``token``."""
        forms = self.forms.get(token)
        if forms is None:
            forms = self.forms[token] = tuple(
                (start, end, exact, self.matches(exact, stems))
                for exact, stems, start, end in token_forms(token, self.settings)
            )
        return forms

    def spans(self, text: str, start: int, end: int, hits: list[tuple]) -> tuple[list, dict]:
        """The words of ``text[start:end]`` as (start, end) spans, and the
        exact form of each that matches, by its start.  ``hits`` lists
        (start, token) of every token of the text that matches, so no other
        word needs more than its span."""
        if _VANISHING_LETTER.search(text, start, end) is None or _VANISHING_START.search(text, start, end) is None:
            spans = [match.span() for match in tokens(text, start, end)]
        else:  # the chain drops a token with nothing left (tatweel alone)
            spans = [match.span() for match in tokens(text, start, end)
                     if match.group()[0] not in DELETED or normalize_word(match.group())]
        marks = {}
        i = bisect_left(hits, (start,))
        while i < len(hits) and hits[i][0] < end:  # stretches end at whitespace: a token starting in one ends in it
            at, hit = hits[i]
            # A token is one term of the exact chain, at the token's own offsets, or none.
            for _, _, exact, matched in self.of(hit):
                if matched:
                    marks[at] = exact
            i += 1
        return spans, marks

    def _matched(self, token: str, stems: bool = True) -> bool:
        if not stems:  # an exact form, a prefix, a spelling: normalizing is enough
            return self.matches(normalize_word(token), ())
        return any(form[3] for form in self.of(token))

    def hits(self, text: str) -> list[tuple[int, str]]:
        """(start, token) of each token of ``text`` that holds a match, in
        order: the tokens holding the query's letters (letter_spots.py), else
        every token, each distinct one asked once."""
        found = self.spots.tokens_at(text) if self.spots else None
        if found is None:
            found = [(match.start(), match.group(), True) for match in tokens(text)]
        asked: dict[tuple[str, bool], bool] = {}
        hits = []
        for start, token, stems in found:
            matched = asked.get((token, stems))
            if matched is None:
                matched = asked[token, stems] = self._matched(token, stems)
            if matched:
                hits.append((start, token))
        return hits


def _page_marks(terms: MatchTerms, scope: str, settings: AnalysisSettings) -> _PageMarks:
    marks = terms.memo.get((scope, settings))
    if marks is None:
        marks = terms.memo[(scope, settings)] = _PageMarks(terms, scope, settings)
    return marks


def _marked_spans(text: str, terms: MatchTerms, scope: str, settings: AnalysisSettings, context: bool = False):
    """The spans of the matched words of ``text`` and, with ``context``, of the
    words around them that may put in, or shape, a fragment; and the exact
    form of each matched word by its start (see _PageMarks.spans).

    Only the stretches around matches are tokenized and marked: a long text
    has few of them, and the fragmenter makes the same fragments from them as
    from every word of the text (see _short)."""
    page = _page_marks(terms, scope, settings)
    hits = page.hits(text)
    out, matched, done = [], {}, 0
    if not hits:
        return out, matched
    # About the context the fragmenter reads around a match (see _short), in
    # characters of text; a stretch found short is widened on the short side.
    # Marking the whole text, a phrase's stop words need the words next to the
    # matches, however far: the whole text is read.
    if context:
        before, after = FRAGMENT_SURROUND + 20, 2 * FRAGMENT_SURROUND + 40
    else:
        before = after = len(text) if page.joined else 1
    for lo, hi in _windows(hits, before, after):
        if hi <= done:
            continue
        lo = max(lo, done)
        while True:
            start, end = widened_to_whitespace(text, lo, hi, done)
            spans, marks = page.spans(text, start, end, hits)
            join_phrase_stop_words(text, spans, marks, page.joined)
            short_before, short_after = (
                _short(spans, marks, start == done, end == len(text)) if context else (False, False))
            if not (short_before or short_after):
                break
            lo, hi = (max(done, lo - FRAGMENT_CHARS) if short_before else lo), hi + FRAGMENT_CHARS * short_after
        out.extend(spans if context else [span for span in spans if span[0] in marks])
        matched.update(marks)
        done = end
    return out, matched


def join_phrase_stop_words(text: str, spans: list[tuple], marks: dict, joined: set[str]) -> None:
    """Adds to ``marks`` the phrase stop words (``joined``) that stand next to
    a marked word, or next to one so added, on either side."""
    if not joined or not marks:
        return
    for start in list(marks):
        i = bisect_left(spans, (start,))
        for step in (-1, 1):
            k = i + step
            while 0 <= k < len(spans) and spans[k][0] not in marks:
                exact = normalize_word(text[spans[k][0]:spans[k][1]])
                if exact not in joined:
                    break
                marks[spans[k][0]] = exact
                k += step


def _windows(hits: list[tuple], before: int, after: int) -> list[list[int]]:
    """(start, end) of the stretches from ``before`` characters before to
    ``after`` characters after each hit, merged."""
    windows = []
    for at, hit in hits:
        lo, hi = at - before, at + len(hit) + after
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    return windows


def _short(spans: list[tuple], marks: dict, joins_last: bool, at_end: bool) -> tuple[bool, bool]:
    """Whether the words of a stretch lack context of its matches (before the first, after the last).

    Before a match ContextFragmenter keeps the words that start at most
    FRAGMENT_SURROUND characters before the end of the word preceding it, and
    forgets every word before those; from a match on it takes words until their
    lengths (gaps between words not counted) reach what is left of twice
    FRAGMENT_SURROUND at the latest, and then ends the fragment.  A stretch
    holding both for its first and its last match gives the fragmenter the
    state it would have had from every word of the text.
    """
    if not marks:
        return False, False
    first, last = bisect_left(spans, (min(marks),)), bisect_left(spans, (max(marks),))
    before = joins_last or (first > 0 and spans[0][0] <= spans[first - 1][1] - FRAGMENT_SURROUND)
    after = at_end or sum(end - start for start, end in spans[last:]) >= 2 * FRAGMENT_SURROUND
    return not before, not after


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
    return snippet_from(text, context_fragments(text, *_marked_spans(text, terms, scope, settings, context=True)))


def context_fragments(text: str, spans: list[tuple], marks: dict):
    """The fragments Whoosh's ContextFragmenter makes, from spans instead of tokens.

    The same algorithm, step for step, over (start, end) spans and the exact
    forms of the matched ones by start: Whoosh's takes one Token object per
    word, and making those for the words around the matches was half a
    snippet's time.
    """
    maxchars, surround = FRAGMENT_CHARS, FRAGMENT_SURROUND
    first = None  # where the fragment starts
    firsts = deque()  # starts of the words just before it
    countdown = -1  # characters of words still to take; < 0 outside a fragment
    words, length, end = [], 0, None
    for start, end in spans:
        exact = marks.get(start)
        size = end - start
        if countdown < 0 and exact is None:
            firsts.append(start)
            while firsts and end - firsts[0] > surround:
                firsts.popleft()
        elif length + size > maxchars:
            countdown = 0  # the fragment is full: it ends with this word
        elif exact is not None:
            countdown = surround
            if first is None:
                if firsts:
                    first = firsts[0]
                else:
                    first = start
                    countdown += surround  # no context before: take more after
            words.append(_Word(exact, start, end))
        if countdown >= 0:
            length += size
            countdown -= size
            if countdown <= 0:
                yield mkfrag(text, words, startchar=first, endchar=end)
                words, firsts, first, length = [], deque(), None, 0
    if words:
        yield mkfrag(text, words, startchar=first, endchar=end)


def snippet_from(text: str, fragments) -> str:
    """The snippet made of the best three of ``fragments``; the text's opening when there are none."""
    best = top_fragments(_distinct(fragments), SNIPPET_FRAGMENTS, BasicFragmentScorer(), FIRST)
    if not best:
        return _lead(text)
    return " ".join(_formatter.format(best).split())


def highlight_all(text: str, terms: MatchTerms | None, scope: str, settings: AnalysisSettings = DEFAULT_SETTINGS) -> str:
    """The whole text, escaped, with every match marked."""
    if terms is None or not text:
        return escape(text, quote=False)
    # The whole text is one fragment: only the matched words matter.
    spans, marks = _marked_spans(text, terms, scope, settings)
    words = [_Word(marks[start], start, end) for start, end in spans]
    return _formatter.format([Fragment(text, words)])
