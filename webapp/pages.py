"""The HTML pages: search box, ranked results, whole document."""

from flask import Blueprint, abort, render_template, request

from indexer import IndexUnavailable, QueryError

from .arabic_date import arabic_date
from .arabic_plural import GENITIVE, count_of
from .engine import arabic_message, document_urls, engine, search_request

bp = Blueprint("pages", __name__)
# {{ n|count_of("نتيجة") }}: the number with the noun in the form Arabic gives it.
bp.add_app_template_filter(count_of, "count_of")
bp.add_app_template_filter(arabic_date, "arabic_date")

# Shown with the engine's own (English) words on what is wrong and how to rebuild.
INDEX_UNAVAILABLE = "الفهرس غير متاح الآن."


@bp.get("/")
def home():
    return render_template("home.html", query="")


@bp.get("/search")
def search():
    query = request.args.get("q", "")
    scope = request.args.get("scope", "all")
    try:
        page = search_request()
    except QueryError as exc:
        message = arabic_message(exc.code, exc.message)
        return render_template("results.html", query=query, scope=scope, page=None, error=message), 400
    except IndexUnavailable as exc:
        return render_template("results.html", query=query, scope=scope, page=None,
                               error=INDEX_UNAVAILABLE, detail=str(exc)), 503
    if page.total and page.page > page.pages:
        # A page past the last (an old link, an edited address): say so, and lead back to the last page.
        message = f"لا توجد صفحة {page.page}؛ النتائج في {count_of(page.pages, 'صفحة', GENITIVE)}."
        return render_template("results.html", query=query, scope=scope, page=page, error=None,
                               past_last=message), 404
    return render_template("results.html", query=query, scope=scope, page=page, error=None,
                           doc_url=document_urls(query))


@bp.get("/doc/<path:doc_id>")
def document(doc_id):
    query = request.args.get("q", "")
    try:
        doc = engine().document(doc_id, query or None)
    except IndexUnavailable as exc:
        return render_template("error.html", query=query, message=INDEX_UNAVAILABLE, detail=str(exc)), 503
    if doc is None:
        abort(404)
    # An anchor on the first match lets the reader jump to it.
    doc.body_html = doc.body_html.replace("<mark>", '<mark id="m1">', 1)
    return render_template("document.html", query=query, doc=doc)
