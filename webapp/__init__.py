"""A thin Flask face over the search engine: an Arabic search page and a JSON API."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template, request

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

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app


_HTTP_ERRORS = {
    404: ("not_found", "Not found.", "الصفحة أو الوثيقة المطلوبة غير موجودة."),
    405: ("method_not_allowed", "Method not allowed.", "طريقة الطلب غير مسموحة."),
    500: ("internal_error", "Unexpected error.", "حدث خطأ غير متوقع."),
    503: ("index_unavailable", "The index is not available.", "الفهرس غير متاح الآن."),
}


def register_error_pages(app: Flask) -> None:
    """HTTP errors as JSON under /api/ and as an Arabic page elsewhere."""
    from .api import error

    def handler(exc):
        status = getattr(exc, "code", 500) or 500
        code, message, arabic = _HTTP_ERRORS.get(status, _HTTP_ERRORS[500])
        if request.path.startswith("/api/"):
            return error(status, code, message)
        return render_template("error.html", query="", message=arabic), status

    for status in _HTTP_ERRORS:
        app.register_error_handler(status, handler)
