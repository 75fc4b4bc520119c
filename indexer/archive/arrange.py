"""Every document a query matches, narrowed, counted, ordered and folded into one page.

Facets count the matches that pass every filter but their own, so the other
sources and years stay selectable (as in Elasticsearch's post filter and
Meilisearch's facet distribution).  Copies are folded over all the matches,
not within a page: a group's head is its first document in the order asked
for, and ``total`` counts groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .attributes import NO_DAY, Attributes, day_number
from .filters import Filters


@dataclass
class Arranged:
    total: int  # groups of copies (a document without copies is a group of one)
    documents: int  # every document that matched and passed the filters
    heads: list[tuple[int, float]]  # the page's (document number, score), in order
    copies: dict[int, list[int]] = field(default_factory=dict)  # a head's other documents, in order
    facets: dict = field(default_factory=dict)
    best_score: float = 0.0


def _source_mask(attributes: Attributes, docs: np.ndarray, filters: Filters) -> np.ndarray:
    codes = [attributes.sources.index(name) for name in filters.sources if name in attributes.sources]
    return np.isin(attributes.source[docs], codes)


def _date_mask(attributes: Attributes, docs: np.ndarray, filters: Filters) -> np.ndarray:
    days = attributes.day[docs]
    mask = days != NO_DAY
    if filters.date_from is not None:
        mask &= days >= day_number(filters.date_from)
    if filters.date_to is not None:
        mask &= days <= day_number(filters.date_to)
    return mask


def facets(attributes: Attributes, docs: np.ndarray, by_source: np.ndarray | None,
           by_date: np.ndarray | None) -> dict:
    """Counts of sources (most first) and years (newest first) among ``docs``,
    each under the other's filter (a mask over ``docs``, None for no filter)."""
    counted = docs if by_date is None else docs[by_date]
    codes = attributes.source[counted]
    counts = np.bincount(codes[codes >= 0], minlength=len(attributes.sources))
    sources = [{"value": attributes.sources[c], "count": int(counts[c])} for c in np.flatnonzero(counts)]
    sources.sort(key=lambda item: (-item["count"], item["value"]))
    counted = docs if by_source is None else docs[by_source]
    slots = attributes.year_slot[counted]
    counts = np.bincount(slots[slots >= 0])
    return {
        "source": sources,
        "year": [{"value": str(attributes.first_year + int(s)), "count": int(counts[s])}
                 for s in np.flatnonzero(counts)[::-1]],
    }


def _order(docs: np.ndarray, scores: np.ndarray, ranks: np.ndarray, attributes: Attributes, sort: str,
           wanted: int) -> np.ndarray:
    """Positions in ``docs`` of the first ``wanted`` documents in the order asked for (scores
    for relevance, the day for the others, dateless last; then score, then id rank)."""
    if sort == "relevance":
        first = -scores
    else:
        days = attributes.day[docs].astype(np.float64)
        first = np.where(days == NO_DAY, np.inf, -days if sort == "newest" else days)
    if len(docs) > wanted:
        cut = np.partition(first, wanted - 1)[wanted - 1]
        kept = np.flatnonzero(first <= cut)  # every tie at the cut, ordered below
    else:
        kept = np.arange(len(docs))
    order = np.lexsort((ranks[docs[kept]], -scores[kept], first[kept]))
    return kept[order[:wanted]]


def arrange(docs: np.ndarray, scores: np.ndarray, ranks: np.ndarray, attributes: Attributes, filters: Filters,
            start: int, stop: int) -> Arranged:
    """Page ``[start, stop)`` of the groups among the matches ``docs`` (with ``scores``)."""
    by_source = _source_mask(attributes, docs, filters) if filters.sources else None
    by_date = _date_mask(attributes, docs, filters) if filters.date_from or filters.date_to else None
    found_facets = facets(attributes, docs, by_source, by_date)
    keep = None
    for mask in (by_source, by_date):
        if mask is not None:
            keep = mask if keep is None else keep & mask
    if keep is not None:
        docs, scores = docs[keep], scores[keep]
    best = float(scores.max()) if len(scores) else 0.0
    # Folding: only documents with copies need a look at their group.
    copied = attributes.copied[docs]
    copied_at = np.flatnonzero(copied)
    groups_of_copied = attributes.group[docs[copied_at]]
    folded = len(copied_at) - len(np.unique(groups_of_copied))
    total = len(docs) - folded
    # Enough documents in order to hold ``stop`` heads: at most ``folded`` of them are not heads.
    ordered = _order(docs, scores, ranks, attributes, filters.sort, min(len(docs), stop + folded))
    heads, copies, seen = [], {}, set()
    for at in ordered.tolist():
        doc = int(docs[at])
        if copied[at]:
            group = int(attributes.group[doc])
            if group in seen:
                continue
            seen.add(group)
        if len(heads) >= stop:
            break
        heads.append((doc, float(scores[at])))
    page = heads[start:stop]
    for doc, _ in page:
        if attributes.copied[doc]:
            members = copied_at[groups_of_copied == attributes.group[doc]]
            members = members[docs[members] != doc]
            if len(members):
                order = _order(docs[members], scores[members], ranks, attributes, filters.sort, len(members))
                copies[doc] = docs[members][order].tolist()
    return Arranged(total, len(docs), page, copies, found_facets, best)
