"""What a parsed query searched for, per field: what the snippets mark."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.stemming import light_bases
from ..storage.schema import TEXT_FIELDS


@dataclass
class MatchTerms:
    """What to highlight, per user-facing field ("title", "body")."""

    exact: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    stems: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    prefixes: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    # Other spellings the query searched for (normalized, without proclitics).
    variants: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    # Stop words of a quoted phrase: marked only next to a marked word, not
    # wherever they stand ("في عام" marks في before عام, not every في).
    joined: dict[str, set[str]] = field(default_factory=lambda: {f: set() for f in TEXT_FIELDS})
    # The highlighter's memo per query: highlight.py.
    memo: dict = field(default_factory=dict, repr=False, compare=False)

    def matcher(self, scope: str):
        """Whether a word of running text (its exact form and stems) is one the
        query searched for, as a function: the highlighter asks it of every
        distinct word on a page, so the sets are looked up once."""
        exact, stems, variants = self.exact[scope], self.stems[scope], self.variants[scope]
        prefixes = tuple(self.prefixes[scope])

        def matches(form: str, form_stems) -> bool:
            return (
                form in exact
                or not stems.isdisjoint(form_stems)
                or bool(prefixes and form.startswith(prefixes))
                or bool(variants and light_bases(form)[0] in variants)
            )

        return matches

    def words(self) -> list[str]:
        """The exact forms searched for, in no particular order."""
        return sorted(set().union(*self.exact.values(), *self.joined.values()))
