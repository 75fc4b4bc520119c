"""Access to the app's search engine and the messages shown for engine errors."""

from flask import current_app, request, url_for

from indexer import SearchEngine, SearchPage
from indexer.search.parse import ALL_SCOPES
from indexer.engine import DEFAULT_PER_PAGE

# Stands for a document id in the one URL url_for builds per page.
_ID_SLOT = "\x00"

# Query error codes (from the engine) in the words the Arabic page shows.
ARABIC_MESSAGES = {
    "empty_query": "اكتب كلمة أو أكثر للبحث.",
    "query_too_long": "الاستعلام أطول من المسموح؛ اختصره.",
    "unbalanced_quote": "علامة التنصيص (\") غير مغلقة.",
    "unbalanced_bracket": "قوس غير متوازن في الاستعلام.",
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
}


def engine() -> SearchEngine:
    return current_app.extensions["search_engine"]


def arabic_message(code: str, fallback: str) -> str:
    return ARABIC_MESSAGES.get(code, fallback)


def search_request() -> SearchPage:
    """Run the search the request's q, page, per_page and scope ask for (QueryError if they are bad)."""
    return engine().search(
        request.args.get("q", ""),
        page=request.args.get("page", "1"),
        per_page=request.args.get("per_page", str(DEFAULT_PER_PAGE)),
        scope=request.args.get("scope", ALL_SCOPES),
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
