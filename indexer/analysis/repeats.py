"""Passages a document repeats: counted once in ranking, shown once in a snippet.

Pages scraped from news sites often hold a paragraph twice, or the whole
article twice (once as paragraphs, once run together without line breaks).
A passage repeats when each run of MIN_WORDS words of it stood earlier in
the text; runs of words rather than sentences, because the copy run together
glues words across what were line breaks («نقاطكما»), which only breaks the
runs that cross the glue.  The repeats are given as character spans of the
original text: the index reads the text with them blanked out (spaces, so
every offset still points into the original), the stored text keeps them for
the document page.
"""

from __future__ import annotations

import re

MIN_WORDS = 8
_WORD = re.compile(r"\S+")  # what str.split() splits into


def repeated_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the stretches of ``text`` that repeat an earlier passage, in order, merged."""
    # Words as whitespace leaves them: a repeat is a copy, word for word.  The analysis's
    # tokenizer would join a few more runs across glued punctuation, at ten times the
    # cost, and every document of a rebuild passes through here (in the process that
    # reads the files, ahead of the writers).
    words = text.split()
    runs = list(zip(*(words[i:] for i in range(MIN_WORDS))))
    if len(set(runs)) == len(runs):
        return []  # the common case, decided at C speed: nothing repeats
    repeated = [False] * len(words)
    seen = set()
    for at, run in enumerate(runs):
        if run in seen:
            repeated[at:at + MIN_WORDS] = [True] * MIN_WORDS
        else:
            seen.add(run)
    # Each run of repeated words, from its first word's start to its last word's end.
    spans, last = [], -2
    for index, match in enumerate(_WORD.finditer(text)):
        if repeated[index]:
            if index == last + 1:
                spans[-1][1] = match.end()
            else:
                spans.append([match.start(), match.end()])
            last = index
    return [(start, end) for start, end in spans]


def blanked(text: str, spans) -> str:
    """``text`` with each span replaced by spaces of its length."""
    if not spans:
        return text
    parts, last = [], 0
    for start, end in spans:
        parts.append(text[last:start])
        parts.append(" " * (end - start))
        last = end
    parts.append(text[last:])
    return "".join(parts)
