"""The HTML pages: search box, ranked results, whole document."""

from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, url_for

from indexer import IndexUnavailable, QueryError

from .arabic_date import arabic_date
from .arabic_plural import GENITIVE, count_of
from .engine import arabic_message, document_urls, engine, search_request

bp = Blueprint("pages", __name__)
# {{ n|count_of("نتيجة") }}: the number with the noun in the form Arabic gives it.
bp.add_app_template_filter(count_of, "count_of")
bp.add_app_template_filter(arabic_date, "arabic_date")

# How a written form met a typed word (snippets/explain.py), as the page says it.
HOW_LABELS = {
    "exact": "بالصيغة نفسها",
    "stem": "بأصل الكلمة دون زوائدها",
    "spelling": "بكتابة أخرى للاسم",
    "root": "بالجذر",
    "4-gram": "بجزء من أربعة أحرف",
    "prefix": "ببداية الكلمة",
    "phrase": "بالعبارة كاملة",
}
FIELD_LABELS = {"title": "العنوان", "body": "النص"}
SORT_LABELS = {"relevance": "الأكثر صلة", "newest": "الأحدث أولًا", "oldest": "الأقدم أولًا"}


@bp.app_template_global()
def search_link(**changes) -> str:
    """This results page's address with ``changes`` to its arguments: a value sets one,
    a list sets a repeated one (source), None removes it.  Any change but a page's
    goes back to page 1."""
    args = request.args.copy()
    if "page" not in changes:
        args.pop("page", None)
    for key, value in changes.items():
        values = [] if value is None else value if isinstance(value, list) else [value]
        args.setlist(key, [str(v) for v in values])
    pairs = [(key, value) for key, value in args.items(multi=True) if value != ""]
    return url_for("pages.search") + ("?" + urlencode(pairs) if pairs else "")


@bp.app_template_global()
def toggled(values, value) -> list:
    """``values`` with ``value`` taken out if it is there, else added (a facet link)."""
    values = list(values)
    return [v for v in values if v != value] if value in values else values + [value]


@bp.app_template_global()
def year_range(year: str) -> tuple[str, str]:
    return f"{year}-01-01", f"{year}-12-31"


@bp.app_template_global()
def is_year(filters, year: str) -> bool:
    """Whether the date filter is exactly the year ``year`` (its facet link then removes it)."""
    return tuple(map(str, (filters.date_from, filters.date_to))) == year_range(year)


bp.add_app_template_global(arabic_message, "arabic_message")
bp.add_app_template_global(SORT_LABELS, "SORT_LABELS")
bp.add_app_template_global(HOW_LABELS, "HOW_LABELS")
bp.add_app_template_global(FIELD_LABELS, "FIELD_LABELS")

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
        page = search_request(explain=True)  # each result's "why" is a disclosure on the page
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
