"""Arabic-aware full-text search: analysis, indexing and ranked search over Whoosh."""

from .ingest.build import RebuildError, RebuildReport, rebuild, update
from .search.parse import QueryError
from .engine import SearchEngine, SearchPage
from .storage.generations import IndexDamaged, IndexMissing, IndexUnavailable, RebuildBusy

__all__ = [
    "IndexDamaged",
    "IndexMissing",
    "IndexUnavailable",
    "QueryError",
    "RebuildBusy",
    "RebuildError",
    "RebuildReport",
    "SearchEngine",
    "SearchPage",
    "rebuild",
    "update",
]
