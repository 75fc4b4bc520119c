"""Arabic-aware full-text search: analysis, indexing and ranked search over Whoosh."""

from .build import RebuildError, RebuildReport, rebuild, update
from .query import QueryError
from .search import SearchEngine, SearchPage
from .store import IndexMissing, RebuildBusy

__all__ = [
    "IndexMissing",
    "QueryError",
    "RebuildBusy",
    "RebuildError",
    "RebuildReport",
    "SearchEngine",
    "SearchPage",
    "rebuild",
    "update",
]
