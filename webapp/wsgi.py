"""WSGI entry point for servers that import an application object, such as
gunicorn: ``gunicorn -w 2 'webapp.wsgi:app'``.

The index folder comes from ARABIC_SEARCH_INDEX (default: the project's index/),
the CORS setting from ARABIC_SEARCH_CORS_ORIGINS (default "*").  The index must
already be built (``python -m indexer rebuild``); until it is, searches answer 503.
"""

from __future__ import annotations

import os

from . import create_app, parse_origins

app = create_app({"CORS_ORIGINS": parse_origins(os.environ.get("ARABIC_SEARCH_CORS_ORIGINS", "*"))})
