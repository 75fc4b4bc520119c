"""Real Arabic queries against the seed corpus, through the JSON endpoint."""

import re

from conftest import (
    ALL_SEEDS,
    ARRAFAT,
    BY_TITLE_INDIA,
    STOCKHOLM,
    ZAKHAROVA,
    api_search,
    ids,
)


def test_lavrov_finds_all_five_and_diacritics_do_not_change_the_ranking(client):
    plain = api_search(client, "لافروف")
    assert sorted(ids(plain)) == ALL_SEEDS
    assert plain["total"] == 5
    voweled = api_search(client, "لَافْرُوف")
    assert ids(voweled) == ids(plain)
    assert [r["score"] for r in voweled["results"]] == [r["score"] for r in plain["results"]]


def test_hamza_on_alef_does_not_matter(client):
    with_hamza = api_search(client, "أوكرانيا")
    without = api_search(client, "اوكرانيا")
    assert with_hamza["total"] > 0
    assert ids(with_hamza) == ids(without)


def test_india_with_and_without_clitics(client):
    for query in ("الهند", "بالهند", "هند"):
        found = ids(api_search(client, query))
        assert BY_TITLE_INDIA in found, query
    # The article that says بالهند in its title ranks first for that exact form.
    assert ids(api_search(client, "بالهند"))[0] == BY_TITLE_INDIA


def test_meeting_finds_plural_and_definite_forms(client):
    data = api_search(client, "اجتماع")
    assert sorted(ids(data)) == ALL_SEEDS
    marked = set()
    for result in data["results"]:
        marked.update(re.findall(r"<mark>(.*?)</mark>", result["snippet"]))
    assert {"اجتماعات", "الاجتماع"} & marked, marked


def test_meeting_finds_a_document_that_only_has_the_plural(extra_client):
    data = api_search(extra_client, "اجتماع")
    assert "inflected.txt" in ids(data)
    snippet = next(r["snippet"] for r in data["results"] if r["id"] == "inflected.txt")
    assert "<mark>الاجتماعات</mark>" in snippet


def test_exact_form_outranks_stem_only_match(extra_client):
    # inflected.txt (short, with the word in its title) says only الاجتماعات, and
    # the 004 seed only اجتماعات and اجتماعنا; the other seeds say اجتماع itself.
    data = api_search(extra_client, "اجتماع")
    stem_only = {"inflected.txt", "004_f9df47be515c0267.txt"}
    assert len(ids(data)) == 6
    assert set(ids(data)[-2:]) == stem_only
    plural = ids(api_search(extra_client, "الاجتماعات"))
    assert plural[0] == "inflected.txt"


def test_search_without_diacritics_highlights_the_voweled_word(client):
    data = api_search(client, "عرفت")
    assert ids(data) == [ARRAFAT]
    assert "<mark>عُرفت</mark>" in data["results"][0]["snippet"]


def test_stockholm_and_exclusion(client):
    assert sorted(ids(api_search(client, "ستوكهولم"))) == sorted(STOCKHOLM)
    russia = ids(api_search(client, "روسيا"))
    assert set(STOCKHOLM) <= set(russia)
    excluded = ids(api_search(client, "روسيا -ستوكهولم"))
    assert excluded and not set(STOCKHOLM) & set(excluded)
    assert sorted(excluded) == sorted(set(russia) - set(STOCKHOLM))
    assert ids(api_search(client, "روسيا NOT ستوكهولم")) == excluded


def test_arabic_indic_digits_find_western_digits(client):
    data = api_search(client, "٢٠٢٢")
    assert sorted(ids(data)) == sorted([ARRAFAT, ZAKHAROVA])
    assert ids(api_search(client, "2022")) == ids(data)


def test_phrase_matches_only_adjacent_words(extra_client):
    phrase = ids(api_search(extra_client, '"وزير الخارجية"'))
    assert sorted(phrase) == ALL_SEEDS  # every seed says وزير الخارجية
    assert "apart.txt" not in phrase  # says الوزير … الخارجية, not the phrase
    words = ids(api_search(extra_client, "وزير الخارجية"))
    assert "apart.txt" in words


def test_phrase_with_arabic_quotation_marks(client):
    assert ids(api_search(client, "«وزير الخارجية»")) == ids(api_search(client, '"وزير الخارجية"'))


def test_or_and_prefix_and_title_field(client):
    stockholm_or_india = set(ids(api_search(client, "ستوكهولم OR نيودلهي")))
    assert set(STOCKHOLM) <= stockholm_or_india and BY_TITLE_INDIA in stockholm_or_india
    prefix = api_search(client, "بلينك*")
    assert sorted(ids(prefix)) == ALL_SEEDS
    assert any("<mark>بلينكين</mark>" in r["snippet"] for r in prefix["results"])
    in_titles = ids(api_search(client, "title:بالهند"))
    assert in_titles == [BY_TITLE_INDIA]
    assert ids(api_search(client, "عنوان:بالهند")) == in_titles


def test_all_words_then_any_word(client):
    # The two articles with both words come first, then those with only one.
    both = api_search(client, "لافروف ستوكهولم")
    assert sorted(ids(both)[:2]) == sorted(STOCKHOLM) and not both["relaxed"]
    assert sorted(ids(both)) == ALL_SEEDS
    # No document has this made-up word, so any-word matching takes over.
    relaxed = api_search(client, "ستوكهولم زقزقلوف")
    assert relaxed["relaxed"] and sorted(ids(relaxed)) == sorted(STOCKHOLM)


def test_pagination(client):
    first = api_search(client, "لافروف", per_page=2, page=1)
    second = api_search(client, "لافروف", per_page=2, page=2)
    third = api_search(client, "لافروف", per_page=2, page=3)
    assert first["total"] == 5 and first["pages"] == 3
    assert len(ids(first)) == 2 and len(ids(second)) == 2 and len(ids(third)) == 1
    assert ids(first) + ids(second) + ids(third) == ids(api_search(client, "لافروف"))


def test_result_shape(client):
    data = api_search(client, "زاخاروفا")
    assert set(data) >= {"query", "total", "page", "per_page", "took_ms", "results"}
    result = data["results"][0]
    assert set(result) >= {"id", "title", "score", "snippet", "url"}
    assert result["id"] == ZAKHAROVA
    assert result["title"].startswith("روسيا والولايات المتحدة")
    assert result["url"].startswith("/doc/")
    assert data["query"] == "زاخاروفا"


def test_json_is_utf8_not_escaped(client):
    response = client.get("/api/search", query_string={"q": "لافروف"})
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "لافروف".encode() in response.data
    assert b"\\u0644" not in response.data


def test_snippet_has_at_most_three_distinct_fragments(client):
    # The India article repeats a paragraph; the snippet shows it once.
    for result in api_search(client, "الهند")["results"] + api_search(client, "لافروف")["results"]:
        fragments = [re.sub(r"\W+", " ", f).strip() for f in result["snippet"].split(" … ")]
        assert 1 <= len(fragments) <= 3
        assert len(set(fragments)) == len(fragments), result["snippet"]


def test_result_urls_are_what_url_for_writes_and_open_the_document(client):
    from flask import url_for

    from webapp.engine import document_urls

    data = api_search(client, "لافروف")
    for result in data["results"]:
        page = client.get(result["url"])
        assert page.status_code == 200 and "<mark>" in page.get_data(as_text=True)
    # Ids and queries with every character a URL quotes differently, a mounted app too.
    odd_ids = ["a b/ج د.txt", "100%/x?y#z&q=1", "\x00.txt", "نص/فرعي/ملف.md", "+;=@:!$'()*,~"]
    odd_queries = ["", "لافروف", '"في عام" -x*', "a&b=c#d", "%00\x00"]
    app = client.application
    for root in ("", "/مبحث x"):
        with app.test_request_context("/api/search", base_url="http://localhost" + root):
            for query in odd_queries:
                url = document_urls(query)
                for doc_id in odd_ids:
                    assert url(doc_id) == url_for("pages.document", doc_id=doc_id, q=query)
