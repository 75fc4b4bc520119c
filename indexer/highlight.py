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

from .analysis import DEFAULT_SETTINGS, AnalysisSettings, word_forms
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


def _marked_tokens(text: str, terms: MatchTerms, scope: str, settings: AnalysisSettings):
    for word in word_forms(text, settings):
        yield Token(text=word.exact, startchar=word.startchar, endchar=word.endchar,
                    matched=terms.matches(scope, word.exact, word.stems))


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
    fragmenter = ContextFragmenter(maxchars=FRAGMENT_CHARS, surround=FRAGMENT_SURROUND, charlimit=None)
    fragments = fragmenter.fragment_tokens(text, _marked_tokens(text, terms, scope, settings))
    best = top_fragments(_distinct(fragments), SNIPPET_FRAGMENTS, BasicFragmentScorer(), FIRST)
    if not best:
        return _lead(text)
    return " ".join(_formatter.format(best).split())


def highlight_all(text: str, terms: MatchTerms | None, scope: str, settings: AnalysisSettings = DEFAULT_SETTINGS) -> str:
    """The whole text, escaped, with every match marked."""
    if terms is None or not text:
        return escape(text, quote=False)
    fragments = list(WholeFragmenter(charlimit=None).fragment_tokens(text, _marked_tokens(text, terms, scope, settings)))
    return _formatter.format(fragments) if fragments else escape(text, quote=False)
