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

from whoosh.analysis import Token
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    WholeFragmenter,
    get_text,
    top_fragments,
)

from bisect import bisect_left

from .analysis import DEFAULT_SETTINGS, AnalysisSettings, token_forms, tokens
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


# Words farther than this from every match cannot change a fragment
# (ContextFragmenter looks FRAGMENT_SURROUND characters around matches and
# makes fragments of at most FRAGMENT_CHARS).
_NEAR_CHARS = FRAGMENT_CHARS + FRAGMENT_SURROUND + 20


def _words(text: str, terms: MatchTerms, scope: str, settings: AnalysisSettings) -> list[tuple]:
    """(start, end, exact form, matched) of every word of ``text``.

    A page of snippets sees the same few thousand words again and again, so
    whether a token matches is decided once per query (``terms.memo``)."""
    memo = terms.memo
    words = []
    for match in tokens(text):
        token = match.group()
        marks = memo.get((scope, token))
        if marks is None:
            marks = memo[(scope, token)] = tuple(
                (start, end, exact, terms.matches(scope, exact, stems))
                for exact, stems, start, end in token_forms(token, settings)
            )
        offset = match.start()
        for start, end, exact, matched in marks:
            words.append((offset + start, offset + end, exact, matched))
    return words


def _marked_tokens(words: list[tuple], near: int | None = None):
    """Whoosh tokens of the matched words and, with ``near``, of the words that close to one."""
    matches = [w[0] for w in words if w[3]]
    for start, end, exact, matched in words:
        if not matched:
            if near is None or not matches:
                continue
            i = bisect_left(matches, start)
            if not ((i < len(matches) and matches[i] - start <= near) or (i and start - matches[i - 1] <= near)):
                continue
        yield Token(text=exact, startchar=start, endchar=end, matched=matched)


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
    words = _words(text, terms, scope, settings)
    if not any(w[3] for w in words):
        return _lead(text)
    fragmenter = ContextFragmenter(maxchars=FRAGMENT_CHARS, surround=FRAGMENT_SURROUND, charlimit=None)
    fragments = fragmenter.fragment_tokens(text, _marked_tokens(words, _NEAR_CHARS))
    best = top_fragments(_distinct(fragments), SNIPPET_FRAGMENTS, BasicFragmentScorer(), FIRST)
    if not best:
        return _lead(text)
    return " ".join(_formatter.format(best).split())


def highlight_all(text: str, terms: MatchTerms | None, scope: str, settings: AnalysisSettings = DEFAULT_SETTINGS) -> str:
    """The whole text, escaped, with every match marked."""
    if terms is None or not text:
        return escape(text, quote=False)
    # The whole text is one fragment: only the matched words matter.
    fragments = list(WholeFragmenter(charlimit=None).fragment_tokens(text, _marked_tokens(_words(text, terms, scope, settings))))
    return _formatter.format(fragments) if fragments else escape(text, quote=False)
