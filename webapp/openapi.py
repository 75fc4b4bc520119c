"""The OpenAPI description of the JSON API, served at /api/openapi.json.

Kept next to the code it describes; tests/test_openapi.py checks that every
documented parameter and field exists and that real responses match it.
"""

from __future__ import annotations

from indexer.search.parse import ALL_SCOPES, MAX_QUERY_CHARS, QUERY_PATTERN, SCOPES
from indexer.engine import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE

from . import MAX_TARGET_BYTES

_NULLABLE_STRING = {"type": ["string", "null"]}


_SCHEMAS = {
    "SearchResults": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "query", "scope", "total", "page", "per_page", "pages", "took_ms",
            "relaxed", "ignored_words", "suggestions", "results",
        ],
        "properties": {
            "query": {"type": "string", "description": "The query as received."},
            "scope": {"type": "string", "enum": list(SCOPES)},
            "total": {"type": "integer", "minimum": 0, "description": "Documents found (up to the last page asked for)."},
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
        "required": ["id", "title", "score", "snippet", "url", "path", "source_url", "date", "source"],
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
            "date": _NULLABLE_STRING,
            "source": _NULLABLE_STRING,
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
                                "title:word (or عنوان:word), parentheses."
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
