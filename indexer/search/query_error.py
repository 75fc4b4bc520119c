"""The one error a query can raise: a stable code for programs, a message for people."""

from __future__ import annotations


class QueryError(ValueError):
    """A query that cannot be run; ``code`` is stable, ``message`` is for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
