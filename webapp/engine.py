"""Access to the app's search engine and the messages shown for engine errors."""

from flask import current_app, request, url_for

from indexer import QueryError, SearchEngine, SearchPage
from indexer.archive.filters import check_filters
from indexer.search.parse import ALL_SCOPES
from indexer.engine import DEFAULT_PER_PAGE

# Stands for a document id in the one URL url_for builds per page.
_ID_SLOT = "\x00"

# Query error codes (from the engine) in the words the Arabic page shows.
ARABIC_MESSAGES = {
    "empty_query": "اكتب كلمة أو أكثر للبحث.",
    "query_too_long": "الاستعلام أطول من المسموح؛ اختصره.",
    # Not refusals: what the page says when a stray mark was read as text.
    "unbalanced_quote": "علامة التنصيص (\") بلا علامة تغلقها، فقُرئت نصًا لا عبارة.",
    "unbalanced_bracket": "قوس بلا قوس يقابله، فقُرئ نصًا لا تجميعًا.",
    "too_deep": "الأقواس متداخلة أكثر من اللازم.",
    "too_many_terms": "الاستعلام يحوي كلمات أكثر من المسموح.",
    "only_stop_words": "الاستعلام كله كلمات شائعة جدًا؛ أضف كلمة أدق، أو ضع العبارة بين علامتي تنصيص.",
    "no_search_terms": "لا توجد في الاستعلام كلمات للبحث عنها، بل رموز أو عوامل فقط.",
    "only_exclusions": "الاستعلام يستبعد كلمات فقط؛ أضف كلمة للبحث عنها.",
    "prefix_too_short": "يجب أن يسبق النجمة * حرفان على الأقل (مثل: بلينك*).",
    "lone_wildcard": "يجب أن يسبق النجمة * حرفان على الأقل (مثل: بلينك*).",
    "prefix_too_common": "الحروف قبل النجمة * تبدأ بها كلمات كثيرة جدًا؛ أضف حروفًا.",
    "query_too_costly": "الاستعلام يتطلب بحثًا في جزء كبير جدًا من الفهرس دفعة واحدة؛ قلّل الكلمات أو البادئات، أو أضف حروفًا قبل النجمة *.",
    "unsupported_wildcard": "النجمة * مدعومة في آخر الكلمة فقط (مثل: بلينك*).",
    "unsupported_syntax": "صيغة غير مدعومة في الاستعلام.",
    "bad_parameter": "رقم الصفحة أو نطاق البحث غير صالح.",
    "bad_date": "التاريخ غير صالح؛ اكتبه بالصيغة سنة-شهر-يوم، مثل 2022-01-18.",
    "bad_date_range": "تاريخ البداية بعد تاريخ النهاية.",
    "bad_sort": "الترتيب المطلوب غير معروف؛ الخيارات: الأكثر صلة، الأحدث، الأقدم.",
}


def engine() -> SearchEngine:
    return current_app.extensions["search_engine"]


def arabic_message(code: str, fallback: str) -> str:
    return ARABIC_MESSAGES.get(code, fallback)


_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def flag(name: str, default: bool = False) -> bool:
    """A yes/no parameter of the request; QueryError (400) for another value."""
    value = request.args.get(name)
    if value is None:
        return default
    said = value.strip().lower()
    if said in _YES or said in _NO:
        return said in _YES
    raise QueryError("bad_parameter", f"{name} must be 1 or 0 (got {value[:20]!r}).")


def search_request(explain: bool | None = None) -> SearchPage:
    """Run the search the request's q, page, per_page, scope, source (repeatable),
    date_from, date_to, sort and explain ask for (QueryError if they are bad);
    ``explain`` overrides the request's."""
    args = request.args
    filters = check_filters(args.getlist("source"), args.get("date_from"), args.get("date_to"), args.get("sort"))
    return engine().search(
        args.get("q", ""),
        page=args.get("page", "1"),
        per_page=args.get("per_page", str(DEFAULT_PER_PAGE)),
        scope=args.get("scope", ALL_SCOPES),
        filters=filters,
        explain=flag("explain") if explain is None else explain,
    )


def document_urls(query: str):
    """doc_id -> its page's URL with ``query``, as url_for writes it (the
    JSON results and the results page link with it alike).

    url_for runs once per page with a stand-in id, and each hit's id is
    quoted into it by the converter the route declares (``<path:doc_id>`` in
    pages.py; tests compare with url_for): ten url_for calls took ~0.3 ms a
    page, this ~0.07."""
    converter = current_app.url_map.converters["path"](current_app.url_map)
    template = url_for("pages.document", doc_id=_ID_SLOT, q=query)
    slot = converter.to_url(_ID_SLOT)
    at = template.index(slot)  # the path comes before the query string
    head, tail = template[:at], template[at + len(slot):]
    return lambda doc_id: head + converter.to_url(doc_id) + tail
