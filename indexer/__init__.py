"""Arabic-aware full-text search: analysis, indexing and ranked search over Whoosh."""

from . import block_pickles

block_pickles.install()  # before any index is written (block_pickles.py says why)

from .build import RebuildError, RebuildReport, rebuild, update
from .query import QueryError
from .search import SearchEngine, SearchPage
from .store import IndexDamaged, IndexMissing, IndexUnavailable, RebuildBusy

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
