"""The OpenAPI description of the JSON API, served at /api/openapi.json.

Kept next to the code it describes; tests/test_openapi.py checks that every
documented parameter and field exists and that real responses match it.
"""

from __future__ import annotations

from indexer.archive.filters import MAX_SOURCES, SORTS
from indexer.search.parse import ALL_SCOPES, MAX_QUERY_CHARS, QUERY_PATTERN, SCOPES
from indexer.engine import DEFAULT_PER_PAGE, MAX_COPIES_LISTED, MAX_PAGE, MAX_PER_PAGE

from . import MAX_TARGET_BYTES

_NULLABLE_STRING = {"type": ["string", "null"]}
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_FACET_VALUES = {
    "type": "array",
    "items": {
        "type": "object", "additionalProperties": False, "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 1}},
    },
}


_SCHEMAS = {
    "SearchResults": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "query", "scope", "total", "page", "per_page", "pages", "took_ms",
            "relaxed", "ignored_words", "repairs", "suggestions", "documents", "filters", "facets", "results",
        ],
        "properties": {
            "query": {"type": "string", "description": "The query as received."},
            "scope": {"type": "string", "enum": list(SCOPES)},
            "total": {
                "type": "integer", "minimum": 0,
                "description": "Results found: each group of near-copies of one story counts once.",
            },
            "documents": {
                "type": "integer", "minimum": 0,
                "description": "Every document that matched and passed the filters, copies included.",
            },
            "filters": {
                "type": "object", "additionalProperties": False,
                "required": ["source", "date_from", "date_to", "sort"],
                "description": "The filters and order applied, as understood.",
                "properties": {
                    "source": {"type": "array", "items": {"type": "string"}},
                    "date_from": _NULLABLE_DATE,
                    "date_to": _NULLABLE_DATE,
                    "sort": {"type": "string", "enum": list(SORTS)},
                },
            },
            "facets": {
                "type": "object", "additionalProperties": False, "required": ["source", "year"],
                "description": (
                    "Counts of the matching documents (copies included) by source, most first, and by "
                    "year, newest first; each under every filter but its own, so other values stay selectable."
                ),
                "properties": {"source": _FACET_VALUES, "year": _FACET_VALUES},
            },
            "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": {"type": "integer", "minimum": 0, "maximum": MAX_PAGE},
            "took_ms": {"type": "number", "minimum": 0},
            "relaxed": {
                "type": "boolean",
                "description": "True when no document holds every word and the results hold some of them.",
            },
            "ignored_words": {
                "type": "array", "items": {"type": "string"},
                "description": "Very common words left out of the search (normalized).",
            },
            "repairs": {
                "type": "array",
                "description": (
                    "Query syntax read as text rather than refused: a quotation mark or bracket without "
                    "its partner (codes unbalanced_quote, unbalanced_bracket)."
                ),
                "items": {
                    "type": "object", "additionalProperties": False, "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "enum": ["unbalanced_quote", "unbalanced_bracket"]},
                        "message": {"type": "string"},
                    },
                },
            },
            "suggestions": {
                "type": "array", "items": {"type": "string"}, "maxItems": 3,
                "description": "\"Did you mean\": the query with words the index does not know replaced, best first.",
            },
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Result"}},
        },
    },
    "Result": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "title", "score", "snippet", "url", "path", "source_url", "date", "source",
                     "duplicate_count", "duplicates"],
        "properties": {
            "id": {"type": "string", "description": "The document's id (its path under the indexed folder)."},
            "title": {"type": "string"},
            "score": {
                "type": "number",
                "description": "Orders the results; includes tier bonuses, not comparable across queries.",
            },
            "snippet": {
                "type": "string",
                "description": "HTML: escaped text with the matched words in <mark>, as written in the document.",
            },
            "url": {"type": "string", "description": "The document's page in this app, with the query's matches marked."},
            "path": _NULLABLE_STRING,
            "source_url": {**_NULLABLE_STRING, "description": "Original address, for JSON documents that have one."},
            "date": {**_NULLABLE_DATE, "description": "The document's date (YYYY-MM-DD), if it has one."},
            "source": {**_NULLABLE_STRING, "description": "Who published it, if known."},
            "duplicate_count": {
                "type": "integer", "minimum": 0,
                "description": "Near-copies of this document among the matches, folded under it.",
            },
            "duplicates": {
                "type": "array", "maxItems": MAX_COPIES_LISTED,
                "items": {"$ref": "#/components/schemas/Copy"},
                "description": f"The first {MAX_COPIES_LISTED} of those copies, in the order asked for.",
            },
            "explain": {
                "type": "array", "items": {"$ref": "#/components/schemas/Reason"},
                "description": "With explain=1 only: why it matched, largest share first.",
            },
        },
    },
    "Reason": {
        "type": "object",
        "additionalProperties": False,
        "required": ["word", "form", "field", "how", "score"],
        "properties": {
            "word": {"type": "string", "description": "The query word (or phrase, or prefix*) as typed, marks removed."},
            "form": {"type": "string", "description": "The word (or words) as the document writes them."},
            "field": {"type": "string", "enum": ["title", "body"]},
            "how": {"type": "string", "enum": ["exact", "stem", "root", "4-gram", "spelling", "prefix", "phrase"]},
            "score": {"type": "number", "description": "Its share of the score (before tier bonuses)."},
        },
    },
    "Copy": {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "title", "source", "date", "url", "source_url"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "source": _NULLABLE_STRING,
            "date": _NULLABLE_DATE,
            "url": {"type": "string", "description": "The copy's page in this app."},
            "source_url": _NULLABLE_STRING,
        },
    },
    "Error": {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "additionalProperties": False,
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable, for programs (e.g. unbalanced_quote)."},
                    "message": {"type": "string", "description": "For people."},
                },
            },
        },
    },
}


def _json(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Arabic search",
            "version": "1",
            "description": (
                "Full-text search over Arabic documents: diacritics, alef and hamza forms, "
                "attached clitics and name spellings do not change what matches. "
                "Read-only; GET only; CORS allowed for GET."
            ),
        },
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Ranked documents for a query, with highlighted snippets.",
                    "parameters": [
                        {
                            "name": "q", "in": "query", "required": True,
                            "description": (
                                "The query: words, \"phrases\", OR, NOT or -word, prefix*, "
                                "title:word (or عنوان:word), parentheses. A - inside a word is a hyphen "
                                "(كوريا-الجنوبية), not NOT; a quotation mark or bracket without its partner "
                                "is read as text (see repairs)."
                            ),
                            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_CHARS,
                                       "pattern": QUERY_PATTERN},
                        },
                        {
                            "name": "scope", "in": "query", "required": False,
                            "description": (
                                "Where words without a field name are searched: every field, "
                                "titles only or bodies only."
                            ),
                            "schema": {"type": "string", "enum": list(SCOPES), "default": ALL_SCOPES},
                        },
                        {
                            "name": "source", "in": "query", "required": False,
                            "description": "Only documents from these sources (repeat the parameter for several).",
                            "schema": {"type": "array", "items": {"type": "string"}, "maxItems": MAX_SOURCES},
                            "style": "form", "explode": True,
                        },
                        {
                            "name": "date_from", "in": "query", "required": False,
                            "description": "Only documents dated on or after this day.",
                            "schema": _DATE,
                        },
                        {
                            "name": "date_to", "in": "query", "required": False,
                            "description": "Only documents dated on or before this day.",
                            "schema": _DATE,
                        },
                        {
                            "name": "sort", "in": "query", "required": False,
                            "description": "relevance (best first), newest or oldest (documents without a date last).",
                            "schema": {"type": "string", "enum": list(SORTS), "default": "relevance"},
                        },
                        {
                            "name": "explain", "in": "query", "required": False,
                            "description": "1 adds to each result why it matched (`explain`).",
                            "schema": {"type": "string", "enum": ["0", "1"], "default": "0"},
                        },
                        {
                            "name": "page", "in": "query", "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                        },
                        {
                            "name": "per_page", "in": "query", "required": False,
                            "schema": {
                                "type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                "default": DEFAULT_PER_PAGE,
                            },
                        },
                    ],
                    "responses": {
                        "200": _json("SearchResults", "One page of results."),
                        "400": _json("Error", "The query or a parameter cannot be used; the message says why."),
                        "414": _json("Error", f"The address is longer than {MAX_TARGET_BYTES:,} bytes."),
                        "503": _json("Error", "The index is not available: none built yet, or damaged "
                                              "(the message says which file and how to rebuild)."),
                    },
                },
            },
            "/api/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This description.",
                    "responses": {"200": {"description": "OpenAPI 3.1 document.",
                                          "content": {"application/json": {"schema": {"type": "object"}}}}},
                },
            },
        },
        "components": {"schemas": _SCHEMAS},
    }
