"""The search engine: ranked, paginated results with highlighted snippets.

It knows nothing of the web; the web app and the command line both call it.
A searcher is opened once per thread and reused until a rebuild publishes a
new index generation, which the next search notices and opens.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from heapq import heapify, heappush, heapreplace
from pathlib import Path

import numpy as np
from whoosh import collectors, index as whoosh_index

from .analysis.chain import AnalysisSettings, warm_up
from .archive.arrange import Arranged, arrange
from .archive.attributes import Attributes, read_attributes
from .archive.filters import NONE as NO_FILTERS, Filters
from .analysis.stemming import DEFAULT_STEMMER
from .analysis.stopwords import DEFAULT_STOP_LIST
from .search.parse import ALL_SCOPES, MatchTerms, ParsedQuery, QueryError, Repair, parse_query
from .search.ranking import ALL_WORDS_TIER, DEFAULT_RANKING, Ranking
from .search.suggest import suggestions
from .search.term_at_a_time import PostingsCache, Ranked, TermAtATime
from .snippets.explain import Reason, explain as explain_matches
from .snippets.highlight import highlight_all, snippet
from .storage import generations
from .storage import relative_index
from .storage.columns_codec import MissingColumns
from .storage.id_order import id_ranks
from .storage.relative_index import IndexRelatives
from .storage.schema import ANALYSIS_VERSION, TEXT_FIELDS, shown_body

MAX_PAGE = 100
MAX_PER_PAGE = 50
DEFAULT_PER_PAGE = 10
# Copies listed under one result; the rest are counted.
MAX_COPIES_LISTED = 20


@dataclass
class Copy:
    """A near-copy of a result, folded under it."""

    id: str
    title: str
    source: str | None
    date: str | None
    url: str | None


@dataclass
class Hit:
    id: str
    title: str
    title_html: str
    score: float
    snippet: str
    path: str | None
    url: str | None
    date: str | None
    source: str | None
    duplicates: list[Copy] = field(default_factory=list)
    duplicate_count: int = 0
    # Why it matched (snippets/explain.py), when asked for.
    explain: list[Reason] | None = None


@dataclass
class SearchPage:
    query: str
    scope: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: list[Hit]
    # True when no document had every word and the results match any of them.
    relaxed: bool = False
    ignored_words: list[str] = field(default_factory=list)
    # Syntax read as text (an unpaired quotation mark or bracket), each with why.
    repairs: list[Repair] = field(default_factory=list)
    # "Did you mean": the query with rare words replaced by indexed forms.
    suggestions: list[str] = field(default_factory=list)
    # Every matching document, copies included (``total`` counts groups of copies).
    documents: int = 0
    facets: dict = field(default_factory=lambda: {"source": [], "year": []})
    filters: Filters = NO_FILTERS

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, -(-self.total // self.per_page)) if self.total else 0

    def to_json(self, doc_url=None) -> dict:
        """The JSON shape of the web API; ``doc_url(id)`` gives each result's link."""
        return {
            "query": self.query,
            "scope": self.scope,
            "total": self.total,
            "documents": self.documents,
            "filters": {
                "source": list(self.filters.sources),
                "date_from": self.filters.date_from.isoformat() if self.filters.date_from else None,
                "date_to": self.filters.date_to.isoformat() if self.filters.date_to else None,
                "sort": self.filters.sort,
            },
            "facets": self.facets,
            "page": self.page,
            "per_page": self.per_page,
            "pages": self.pages,
            "took_ms": self.took_ms,
            "relaxed": self.relaxed,
            "ignored_words": self.ignored_words,
            "repairs": [{"code": r.code, "message": r.message} for r in self.repairs],
            "suggestions": self.suggestions,
            "results": [
                {
                    "id": hit.id,
                    "title": hit.title,
                    "score": hit.score,
                    "snippet": hit.snippet,
                    "url": doc_url(hit.id) if doc_url else None,
                    "path": hit.path,
                    "source_url": hit.url,
                    "date": hit.date,
                    "source": hit.source,
                    "duplicate_count": hit.duplicate_count,
                    "duplicates": [
                        {"id": c.id, "title": c.title, "source": c.source, "date": c.date,
                         "url": doc_url(c.id) if doc_url else None, "source_url": c.url}
                        for c in hit.duplicates
                    ],
                    **({"explain": [r.to_json() for r in hit.explain]} if hit.explain is not None else {}),
                }
                for hit in self.hits
            ],
        }


@dataclass
class DocumentView:
    id: str
    title: str
    title_html: str
    body_html: str
    path: str | None
    url: str | None
    date: str | None
    source: str | None
    matches: int


class _Opened:
    """One index generation opened by one thread.

    Its files are checked against the record written when it was published
    (generations.check_files: a missing or cut-short file is named) before Whoosh
    opens them, once per generation and thread, not per search."""

    def __init__(self, gen: Path, ranking: Ranking, cache: PostingsCache):
        self.gen = gen
        self.meta = generations.read_meta(gen)
        # Before Whoosh unpickles the schema: an index of another analysis
        # version may name classes that are no longer where it says.
        if self.meta.get("analysis_version") != ANALYSIS_VERSION:
            raise generations.IndexMissing(
                f"the index in {gen.parent} was built by another version of the analysis; "
                f"rebuild it with `{generations.rebuild_command(gen.parent, self.meta)}`"
            )
        generations.check_files(gen, self.meta)
        with self.reading():
            self.index = whoosh_index.open_dir(str(gen))
            self.searcher = self.index.searcher(weighting=ranking.weighting())
            # The index's schema as opened (Index.schema reads the table of contents again on each call).
            self.schema = self.searcher.schema
            # Roots and 4-grams, read through the exact terms (storage/relatives.py), for every reader of it.
            relative_index.attach(self.searcher.reader(), IndexRelatives(gen, self.searcher.reader()))
            # What parsing looks up in this index and may remember (query.parse_query).
            self.parse_memo = {}
            # Equal scores in id order (id_order.py), the array made once per generation for every thread.
            self.ranks = cache.shared((str(gen), "id ranks"), lambda: id_ranks(self.searcher))
            # The array scorer knows our own weighting (BM25F per word) only.
            self.arrays = (TermAtATime(self.searcher, ranking.b, cache, str(gen), gen, self.ranks)
                           if ranking.saturation == "word" else None)
        self._cache = cache

    @property
    def attributes(self) -> Attributes:
        """Sources, days and groups of copies (archive/attributes.py), read on first use."""
        return self._cache.shared((str(self.gen), "attributes"), lambda: read_attributes(self.searcher))

    @contextmanager
    def reading(self):
        """Turns an error of Whoosh or of the posting columns into IndexDamaged when the
        generation's files show why (one gone or cut short since it was opened, or, in a
        generation published without a record of its files, one Whoosh found missing);
        any other error is raised as it is: a fault of the code must not pass for a damaged index."""
        try:
            yield
        except (QueryError, generations.IndexUnavailable):
            raise
        except Exception as error:
            generations.check_files(self.gen, self.meta)
            if isinstance(error, whoosh_index.EmptyIndexError):
                raise generations.IndexDamaged(self.gen.parent, f"{self.gen.name} has no table of contents "
                                                                "(_MAIN_<n>.toc)", self.meta) from error
            if isinstance(error, MissingColumns):
                raise generations.IndexDamaged(self.gen.parent, str(error), self.meta) from error
            lost = getattr(error, "filename", None)
            if isinstance(error, FileNotFoundError) and lost and Path(lost).parent == self.gen:
                raise generations.IndexDamaged(self.gen.parent, f"{self.gen.name}/{Path(lost).name} is missing",
                                               self.meta) from error
            raise

    def top(self, query, limit: int) -> Ranked:
        if self.arrays is not None:
            return self.arrays.top(query, limit)
        return whoosh_top(self.searcher, query, limit, self.ranks)

    def matches(self, query) -> tuple[np.ndarray, np.ndarray]:
        """Every document ``query`` matches and its score."""
        if self.arrays is not None:
            return self.arrays.matches(query)
        ranked = whoosh_top(self.searcher, query, max(1, self.searcher.reader().doc_count_all()), self.ranks)
        return (np.array([d for d, _ in ranked.hits], dtype=np.int64),
                np.array([score for _, score in ranked.hits], dtype=np.float64))

    def close(self):
        self.searcher.close()
        self.index.close()


def check_page(page, per_page) -> tuple[int, int]:
    """Validated page number and size; a QueryError names what is wrong."""
    try:
        page = int(page)
        per_page = int(per_page)
    except (TypeError, ValueError):
        raise QueryError("bad_parameter", "page and per_page must be whole numbers.") from None
    if not 1 <= page <= MAX_PAGE:
        raise QueryError("bad_parameter", f"page must be between 1 and {MAX_PAGE}.")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError("bad_parameter", f"per_page must be between 1 and {MAX_PER_PAGE}.")
    return page, per_page


def whoosh_top(searcher, query, limit: int, ranks=None) -> Ranked:
    """The ``limit`` best documents for ``query``, exactly, by Whoosh's own matchers;
    equal scores in the order of ``ranks`` (id_order.py; made from ``searcher`` when not given).

    The engine ranks with term_at_a_time.py, far faster; this is the way for
    Whoosh's BM25F ranking, and the reference its tests compare against.
    Whoosh's top-N collector normally prunes parts of the query tree once it
    holds N documents, trusting each matcher's max_quality() as a bound on
    its scores; the tier and saturation matchers of our ranking do not give
    such bounds, and the pruning then dropped documents that belonged in the
    top N of multi-word queries.  So every match is scored.
    """
    collector = _RankedTopCollector(limit, id_ranks(searcher) if ranks is None else ranks)
    collector.replace = 0
    searcher.search_with_collector(query, collector)
    results = collector.results()
    return Ranked(len(results), [(hit.docnum, hit.score) for hit in results])


class _RankedTopCollector(collectors.TopCollector):
    """Whoosh's top-N collector with ties broken by id rank instead of by document number:
    its heap holds (score, negated rank, docnum), the lower rank winning an equal score."""

    def __init__(self, limit: int, ranks):
        super().__init__(limit, usequality=False)
        self.ranks = ranks

    def _collect(self, global_docnum, score):
        self.total += 1
        item = (score, -int(self.ranks[global_docnum]), global_docnum)
        items = self.items
        if len(items) < self.limit:
            heappush(items, item)
        elif item > items[0]:
            heapreplace(items, item)
            self.minscore = items[0][0]
        else:
            return 0
        return 0 - score

    def remove(self, global_docnum):
        self.items = [item for item in self.items if item[2] != global_docnum]
        heapify(self.items)
        self.minscore = self.items[0][0] if self.items else 0

    def results(self):
        self.items.sort(reverse=True)
        return self._results([(score, docnum) for score, _, docnum in self.items])


class SearchEngine:
    def __init__(self, index_dir: Path, ranking: Ranking = DEFAULT_RANKING):
        self.index_dir = Path(index_dir)
        self.ranking = ranking
        self._local = threading.local()
        self._current = generations.CurrentWatch(self.index_dir)
        # Shared by the threads' searchers (term_at_a_time.py).
        self._postings = PostingsCache()
        warm_up()

    # -- index access -------------------------------------------------

    def _opened(self) -> _Opened:
        gen = self._current.generation()
        opened = getattr(self._local, "opened", None)
        if opened is None or opened.gen != gen:
            fresh = _Opened(gen, self.ranking, self._postings)
            if opened is not None:
                opened.close()
            self._local.opened = opened = fresh
        return opened

    @staticmethod
    def _settings(opened: _Opened) -> AnalysisSettings:
        meta = opened.meta
        return AnalysisSettings(meta.get("stemmer", DEFAULT_STEMMER), meta.get("stop_list", DEFAULT_STOP_LIST))

    # -- queries --------------------------------------------------------

    def search(
        self, text: str, page=1, per_page=DEFAULT_PER_PAGE, snippets: bool = True, scope: str = ALL_SCOPES,
        filters: Filters = NO_FILTERS, explain: bool = False,
    ) -> SearchPage:
        """One page of ranked hits for ``text``; raises QueryError for a query that cannot run.

        ``scope`` ("all", "title", "body") filters where words without a field name are searched;
        ``filters`` (archive/filters.py: check_filters) narrows by source and date and sets the order.
        Near-copies of a result are folded under it; ``explain`` says why each result matched.
        """
        started = time.perf_counter()
        page, per_page = check_page(page, per_page)
        opened = self._opened()
        with opened.reading():
            return self._search(opened, started, text, page, per_page, snippets, scope, filters, explain)

    def _search(self, opened: _Opened, started: float, text: str, page: int, per_page: int, snippets: bool,
                scope: str, filters: Filters, explain: bool) -> SearchPage:
        reader = opened.searcher.reader()
        parsed = parse_query(text, opened.schema, self.ranking, reader, scope, opened.parse_memo)
        arranged, relaxed, query = self._arranged(opened, parsed, filters, (page - 1) * per_page, page * per_page)
        settings = self._settings(opened)
        stored_of = {docnum: opened.searcher.stored_fields(docnum) for docnum, _ in arranged.heads}
        reasons = {}
        if explain and stored_of:
            texts = {d: {"title": s.get("title", ""), "body": shown_body(s)} for d, s in stored_of.items()}
            reasons = explain_matches(opened.arrays, query, list(stored_of), texts, self.ranking.k1, settings)
        hits = []
        for docnum, score in arranged.heads:
            stored = stored_of[docnum]
            hits.append(
                Hit(
                    id=stored["id"],
                    title=stored.get("title", ""),
                    title_html=highlight_all(stored.get("title", ""), parsed.terms, "title", settings),
                    score=round(score, 4),
                    snippet=snippet(shown_body(stored), parsed.terms, "body", settings) if snippets else "",
                    path=stored.get("path"),
                    url=stored.get("url"),
                    date=stored.get("date"),
                    source=stored.get("source"),
                    duplicates=self._copies(opened, arranged.copies.get(docnum, ())),
                    duplicate_count=len(arranged.copies.get(docnum, ())),
                    explain=reasons.get(docnum, []) if explain else None,
                )
            )
        return SearchPage(
            query=text,
            scope=scope,
            total=arranged.total,
            page=page,
            per_page=per_page,
            took_ms=round((time.perf_counter() - started) * 1000, 2),
            hits=hits,
            relaxed=relaxed,
            ignored_words=parsed.ignored_stop_words,
            repairs=parsed.repairs,
            suggestions=suggestions(reader, text, parsed.terms.words()),
            documents=arranged.documents,
            facets=arranged.facets,
            filters=filters,
        )

    @staticmethod
    def _copies(opened: _Opened, docnums) -> list[Copy]:
        copies = []
        for docnum in list(docnums)[:MAX_COPIES_LISTED]:
            stored = opened.searcher.stored_fields(docnum)
            copies.append(Copy(stored["id"], stored.get("title", ""), stored.get("source"), stored.get("date"),
                               stored.get("url")))
        return copies

    def _arranged(self, opened: _Opened, parsed: ParsedQuery, filters: Filters, start: int,
                  stop: int) -> tuple[Arranged, bool, object]:
        """The page's groups of every match (archive/arrange.py), whether no document had
        every word, and the query that ranked them."""
        attributes = opened.attributes

        def arranged(query) -> Arranged:
            docs, scores = opened.matches(query)
            return arrange(docs, scores, opened.ranks, attributes, filters, start, stop)

        return self._by_match(parsed, arranged, lambda found: found.documents, lambda found: found.best_score)

    def _run(self, opened: _Opened, parsed: ParsedQuery, limit: int):
        """The top ``limit`` documents and whether no document had every word."""
        results, relaxed, _ = self._by_match(parsed, lambda query: opened.top(query, limit),
                                             lambda found: len(found.hits), lambda found: found.hits[0][1])
        return results, relaxed

    def _by_match(self, parsed: ParsedQuery, run, found_count, best_score):
        """``run(query)`` on the query Ranking.match asks for, whether no document had every
        word, and the query run: with "all-first" one query whose best score falls short
        of the every-word tier when none has them all; else the query, and the relaxed one
        when it finds nothing.  ``found_count`` and ``best_score`` read ``run``'s answer."""
        ranking = self.ranking
        if ranking.match == "all-first":
            query = parsed.all_first(ranking)
            found = run(query)
            relaxed = parsed.relaxed is not None and found_count(found) > 0 and best_score(found) < ALL_WORDS_TIER
            return found, relaxed, query
        query = parsed.with_exact_tier(parsed.query, ranking)
        found = run(query)
        if not found_count(found) and parsed.relaxed is not None:
            query = parsed.with_exact_tier(parsed.relaxed, ranking)
            return run(query), True, query
        return found, False, query

    def ranked(self, text: str, limit: int = 100) -> list[tuple[str, float]]:
        """(id, score) of the top ``limit`` documents, by the same path as ``search``, without snippets."""
        opened = self._opened()
        with opened.reading():
            parsed = parse_query(text, opened.schema, self.ranking, opened.searcher.reader(),
                                 memo=opened.parse_memo)
            results, _ = self._run(opened, parsed, limit)
            return [(opened.searcher.stored_fields(docnum)["id"], score) for docnum, score in results.hits]

    def document(self, doc_id: str, query: str | None = None) -> DocumentView | None:
        """The whole document, with the matches of ``query`` marked (if it parses)."""
        opened = self._opened()
        with opened.reading():
            return self._document(opened, doc_id, query)

    def _document(self, opened: _Opened, doc_id: str, query: str | None) -> DocumentView | None:
        stored = opened.searcher.document(id=doc_id)
        if stored is None:
            return None
        terms: MatchTerms | None = None
        if query:
            try:
                terms = parse_query(query, opened.schema, self.ranking, opened.searcher.reader(),
                                    memo=opened.parse_memo).terms
            except QueryError:
                terms = None
        settings = self._settings(opened)
        body = stored.get("body", "")
        body_html = highlight_all(body, terms, "body", settings)
        return DocumentView(
            id=stored["id"],
            title=stored.get("title", ""),
            title_html=highlight_all(stored.get("title", ""), terms, "title", settings),
            body_html=body_html,
            path=stored.get("path"),
            url=stored.get("url"),
            date=stored.get("date"),
            source=stored.get("source"),
            matches=body_html.count("<mark>"),
        )

    def stats(self) -> dict:
        opened = self._opened()
        with opened.reading():
            return self._stats(opened)

    def _stats(self, opened: _Opened) -> dict:
        reader = opened.searcher.reader()
        fields = {}
        for name in (n for names in TEXT_FIELDS.values() for n in names.indexed().values()):
            fields[name] = {
                "unique_terms": sum(1 for _ in reader.lexicon(name)),
                "tokens": reader.field_length(name),
            }
        size = sum(f.stat().st_size for f in opened.gen.iterdir() if f.is_file())
        return {
            "index": str(opened.gen),
            "documents": reader.doc_count(),
            "fields": fields,
            "size_bytes": size,
            "built": opened.meta,
        }
