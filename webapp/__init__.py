"""A thin Flask face over the search engine: an Arabic search page and a JSON API."""

from __future__ import annotations

from pathlib import Path

from urllib.parse import quote

from flask import Flask, abort, render_template, request

from indexer import SearchEngine
from indexer.paths import DEFAULT_INDEX

SECURITY_HEADERS = {
    # No inline script or style anywhere: the page works without JavaScript.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def parse_origins(text: str) -> str | list[str]:
    """CORS_ORIGINS from text: "*" (any site), "none", or origins separated by commas."""
    text = text.strip()
    if text == "*":
        return "*"
    if text.lower() in ("", "none"):
        return []
    return [origin.strip().rstrip("/") for origin in text.split(",") if origin.strip()]


def create_app(config: dict | None = None) -> Flask:
    """Application factory.

    ``config`` may set INDEX_DIR (default: the project's index/) and
    CORS_ORIGINS: "*" (the default: any site may read the API with GET), a
    list of origins, or [] for none.
    """
    app = Flask(__name__)
    app.config.update(INDEX_DIR=str(DEFAULT_INDEX), CORS_ORIGINS="*")
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # Arabic as UTF-8, not \u escapes
    app.json.sort_keys = False
    app.extensions["search_engine"] = SearchEngine(Path(app.config["INDEX_DIR"]))

    from . import api, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)

    register_error_pages(app)

    @app.before_request
    def refuse_long_targets():
        if _target_bytes(request.environ) > MAX_TARGET_BYTES:
            abort(414)

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


# The longest request target (path and query string, as sent) the app takes.
# A query of MAX_QUERY_CHARS Arabic letters is about 6,000 bytes percent-encoded
# (each letter two UTF-8 bytes, each byte three characters), so every query
# within the query limit fits; gunicorn's own cap on the request line is 8,190
# bytes (gunicorn_conf.py sets it there), and a target between the two is
# answered by the app (JSON under /api/), not by the server.
MAX_TARGET_BYTES = 8000

_HTTP_ERRORS = {
    404: ("not_found", "Not found.", "الصفحة أو الوثيقة المطلوبة غير موجودة."),
    405: ("method_not_allowed", "Method not allowed.", "طريقة الطلب غير مسموحة."),
    414: ("uri_too_long", f"The address is longer than {MAX_TARGET_BYTES:,} bytes; shorten the query.",
          "عنوان الطلب أطول من المسموح؛ اختصر الاستعلام."),
    500: ("internal_error", "Unexpected error.", "حدث خطأ غير متوقع."),
    503: ("index_unavailable", "The index is not available.", "الفهرس غير متاح الآن."),
}


def _target_bytes(environ) -> int:
    """The request target's length as the client sent it (servers that keep it
    raw say so in RAW_URI or REQUEST_URI; else it is made again from the
    decoded path, which WSGI gives as latin-1 text of the bytes)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw:
        return len(raw)
    query = environ.get("QUERY_STRING", "")
    return len(quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""), safe="/")) + (
        len(query) + 1 if query else 0)


def register_error_pages(app: Flask) -> None:
    """HTTP errors as JSON under /api/ and as an Arabic page elsewhere."""
    from .api import error

    def handler(exc):
        status = getattr(exc, "code", 500) or 500
        code, message, arabic = _HTTP_ERRORS.get(status, _HTTP_ERRORS[500])
        if request.path.startswith("/api/"):
            response = error(status, code, message)
        else:
            response = app.make_response((render_template("error.html", query="", message=arabic), status))
        # A 405 names the methods that would work (RFC 9110); Flask's own answer does, ours must too.
        allowed = getattr(exc, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(allowed)
        return response

    for status in _HTTP_ERRORS:
        app.register_error_handler(status, handler)
