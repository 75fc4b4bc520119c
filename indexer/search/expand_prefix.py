"""A prefix* of a query, expanded into the words of the index it stands for.

A prefix is searched in the exact-form field, with and without an attached
article (الاجتم* also as اجتم*), and every word of the index it stands for is
a term the search must read: a prefix may stand for MAX_PREFIX_TERMS words
at most, and the words it reads are spent from the query's budget.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as Q

from ..analysis.normalize import normalize_word
from ..analysis.stemming import PREFIXES
from ..storage.schema import TEXT_FIELDS
from .expansion import Expansion
from .query_error import QueryError

MIN_PREFIX_CHARS = 2
# Words one prefix* may stand for: each is a term the search must read.
MAX_PREFIX_TERMS = 2000


def expand_prefix(expansion: Expansion, q: Q.Prefix, negated: bool) -> Q.Query:
    """The query of the prefix ``q``; QueryError when it is too short or stands for too many words."""
    expansion.count_leaf()
    prefix = normalize_word(q.text)
    if len(prefix) < MIN_PREFIX_CHARS:
        raise QueryError("prefix_too_short", "A * must follow at least two letters (بلينك*).")
    prefixes = _with_and_without_article(prefix)
    scopes = expansion.scopes(q.fieldname)
    match = []
    for scope in scopes:
        fields = TEXT_FIELDS[scope]
        _check_word_count(expansion, fields.exact, prefixes, q.text)
        # Searched in the exact field alone, a prefix weighs as a word's exact form and stem together.
        boost = expansion.weight(scope, "exact") + expansion.weight(scope, "stem")
        match.extend(PreloadedPrefix(fields.exact, p, boost=boost) for p in sorted(prefixes))
    if negated:
        return Q.Or(match)
    for scope in scopes:
        expansion.terms.prefixes[scope].update(prefixes)
    # Its idf comes from the words of the shorter prefix (bm25f.WordGroup).
    idf_prefix = (TEXT_FIELDS["body"].exact, min(prefixes, key=len))
    return expansion.spent(expansion.word_query(match, [], [], prefix=idf_prefix, label=q.text + "*"))


def _with_and_without_article(prefix: str) -> set[str]:
    """``prefix``, and without the first article it starts with (الاجتم -> اجتم), if letters enough remain."""
    prefixes = {prefix}
    for article in PREFIXES:
        if prefix.startswith(article) and len(prefix) - len(article) >= MIN_PREFIX_CHARS:
            prefixes.add(prefix[len(article):])
            break
    return prefixes


def _check_word_count(expansion: Expansion, fieldname: str, prefixes, typed: str) -> None:
    """QueryError when the prefixes stand for more than MAX_PREFIX_TERMS words of the index.

    The words read are spent from the query's budget as they are read, so
    that a prefix far over either limit is refused before all its words are read."""
    if expansion.reader is None:
        return
    count = 0
    for prefix in prefixes:
        for _ in expansion.cost.prefix(fieldname, prefix):
            count += 1
            if count > MAX_PREFIX_TERMS:
                raise QueryError(
                    "prefix_too_common",
                    f"{typed}* stands for more than {MAX_PREFIX_TERMS} different words; add letters before the *.",
                )


class PreloadedPrefix(Q.Prefix):
    """A prefix* whose words are read into one array of documents.

    Whoosh ORs a prefix's words as a binary tree of union matchers; with a few
    hundred words, the tree's per-document bookkeeping costs seconds a query on
    a large index.  Its PreloadedOr reads every word's postings once into an
    array instead, which is what a prefix (all words scored alike) needs.
    """

    def matcher(self, searcher, context=None):
        terms = [Q.Term(self.fieldname, word) for word in self._btexts(searcher.reader()) if word]
        if not terms:
            return Q.NullQuery().matcher(searcher, context)
        scored = not (self.constantscore and context)
        if scored and len(terms) == 1:
            return terms[0].matcher(searcher, context)
        # Built here, not by PreloadedOr, so that a segment holding one word of
        # the prefix scores it like one holding many (PreloadedOr hands a lone
        # word to a scored term matcher): the score of a document must not
        # depend on how the index is split into segments.
        matchers = [t.matcher(searcher, context) for t in terms]
        return matching.ArrayUnionMatcher(matchers, searcher.doc_count_all(), boost=self.boost, scored=scored)
