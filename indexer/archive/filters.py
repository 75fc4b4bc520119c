"""What a search is narrowed and ordered by, checked before it runs."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..search.query_error import QueryError

SORTS = ("relevance", "newest", "oldest")
MAX_SOURCES = 50
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Filters:
    """Sources (any of them), an inclusive date range, and the order of results."""

    sources: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"

    @property
    def narrowed(self) -> bool:
        return bool(self.sources) or self.date_from is not None or self.date_to is not None


NONE = Filters()


def _date(value, name: str) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if _DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise QueryError("bad_date", f"{name} must be a date written YYYY-MM-DD, such as 2022-01-18 (got {text[:40]!r}).")


def check_filters(sources=(), date_from=None, date_to=None, sort=None) -> Filters:
    """Filters from what a person or program sent; QueryError (400) names what is wrong."""
    if isinstance(sources, str):
        sources = [sources]
    names = []
    for source in sources or ():
        name = " ".join(str(source).split())
        if name and name not in names:
            names.append(name)
    if len(names) > MAX_SOURCES:
        raise QueryError("bad_parameter", f"at most {MAX_SOURCES} sources can be asked for at once.")
    sort = str(sort or "relevance").strip()
    if sort not in SORTS:
        raise QueryError("bad_sort", f"sort must be one of {', '.join(SORTS)} (got {str(sort)[:40]!r}).")
    start, end = _date(date_from, "date_from"), _date(date_to, "date_to")
    if start and end and start > end:
        raise QueryError("bad_date_range", f"date_from ({start}) is after date_to ({end}).")
    return Filters(tuple(names), start, end, sort)
