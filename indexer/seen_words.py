"""The tokens of stored text the highlighter has met, found again by their forms.

To mark a page of snippets the highlighter must know which tokens of ten
documents hold a word the query searched for.  Asking that of each distinct
token costs a few microseconds in Python, and a page has thousands of them,
anew for every query.  Here each token is analyzed once per process and filed
under its exact forms, stems and proclitic-free bases, so the tokens of a text
that match a query are a few set lookups and one intersection, done in C.
"""

from __future__ import annotations

import threading

from .analysis import AnalysisSettings, token_forms
from .stemming import light_bases

# Tokens remembered per analysis setting before the memory is emptied and
# filled again (about 450 bytes a token: 90 MB at most).
LIMIT = 200_000
# Key prefixes, so one dict files a token under all three kinds of form.
EXACT, STEM, BASE = "=", "~", "^"


class SeenWords:
    """Tokens by exact form, by stem and by base (the exact form without proclitics)."""

    def __init__(self, settings: AnalysisSettings, limit: int = LIMIT):
        self.settings = settings
        self.limit = limit
        self._lock = threading.Lock()
        self._known: set[str] = set()
        # key -> the one token filed under it, or a set of them: most forms
        # are written one way only, and a set costs ten times a reference.
        self._holders: dict[str, str | set[str]] = {}

    def _file(self, key: str, token: str) -> None:
        holders = self._holders.get(key)
        if holders is None:
            self._holders[key] = token
        elif isinstance(holders, str):
            if holders != token:
                self._holders[key] = {holders, token}
        else:
            holders.add(token)

    def _learn(self, token: str) -> None:
        for exact, stems, _, _ in token_forms(token, self.settings):
            self._file(EXACT + exact, token)
            for stem in stems:
                self._file(STEM + stem, token)
            self._file(BASE + light_bases(exact)[0], token)
        self._known.add(token)

    def holding(self, distinct: set[str], exact: set[str], stems: set[str], bases: set[str]) -> set[str]:
        """The tokens of ``distinct`` with a form in ``exact``, a stem in ``stems`` or a base in ``bases``."""
        with self._lock:
            new = distinct.difference(self._known)
            if len(self._known) + len(new) > self.limit:
                self._known, self._holders = set(), {}
                new = distinct
            for token in new:
                self._learn(token)
            found = set()
            for kind, keys in ((EXACT, exact), (STEM, stems), (BASE, bases)):
                for key in keys:
                    holders = self._holders.get(kind + key)
                    if isinstance(holders, str):
                        found.add(holders)
                    elif holders:
                        found |= holders
            return found & distinct


_seen: dict[AnalysisSettings, SeenWords] = {}
_seen_lock = threading.Lock()


def seen_words(settings: AnalysisSettings) -> SeenWords:
    """The process's memory of tokens for one analysis setting."""
    with _seen_lock:
        if settings not in _seen:
            _seen[settings] = SeenWords(settings)
        return _seen[settings]
