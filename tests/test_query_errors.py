"""Malformed queries get a 400 with a clear message, never a 500."""

import pytest

BAD_QUERIES = {
    "": "empty_query",
    "   ": "empty_query",
    "(((": "no_search_terms",
    '"': "no_search_terms",
    "ل" * 5000: "query_too_long",
    "ل" * 2000: "query_too_long",
    "OR AND NOT": "no_search_terms",
    "- ، ؟ !": "no_search_terms",
    "*": "no_search_terms",
    "title:*": "lone_wildcard",
    "ب*": "prefix_too_short",
    "من في على": "only_stop_words",
    "-روسيا": "only_exclusions",
    "لاف*روف": "unsupported_wildcard",
}


@pytest.mark.parametrize("query,code", BAD_QUERIES.items(), ids=list(BAD_QUERIES.values()))
def test_api_rejects_with_400_and_a_message(client, query, code):
    response = client.get("/api/search", query_string={"q": query})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code
    assert len(error["message"]) > 10


@pytest.mark.parametrize("query", ["", "(((", "ل" * 5000])
def test_page_shows_a_friendly_message(client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert 'dir="rtl"' in html


def test_missing_q_is_an_empty_query(client):
    response = client.get("/api/search")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "empty_query"


@pytest.mark.parametrize(
    "params",
    [{"page": "0"}, {"page": "x"}, {"page": "101"}, {"per_page": "0"}, {"per_page": "500"}, {"per_page": "1.5"}],
)
def test_bad_paging_parameters(client, params):
    response = client.get("/api/search", query_string={"q": "لافروف", **params})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_parameter"


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_question_mark_is_not_a_wildcard(client):
    # Whoosh reads ؟ as a wildcard by default; here it is punctuation.
    response = client.get("/api/search", query_string={"q": "من هو لافروف؟"})
    assert response.status_code == 200
    assert response.get_json()["total"] == 5


@pytest.mark.parametrize("query,code", [('"لافروف', "unbalanced_quote"), ("لافروف)", "unbalanced_bracket"),
                                        ("(((لافروف", "unbalanced_bracket"), ('(لافروف "بلينكن', "unbalanced_quote")])
def test_a_stray_quote_or_bracket_is_read_as_text_and_said(client, query, code):
    # People paste questions with a stray mark: they mean their words.
    data = client.get("/api/search", query_string={"q": query}).get_json()
    assert data["total"] > 0
    assert code in [r["code"] for r in data["repairs"]]
    assert data["repairs"][0]["message"]
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert 'class="notice repair"' in html and "نصًا" in html


def test_a_balanced_query_has_no_repairs(client):
    assert client.get("/api/search", query_string={"q": '"لافروف" (بلينكن)'}).get_json()["repairs"] == []


@pytest.mark.parametrize("query", ["لافروف-بلينكن", "لافروف - بلينكن"])
def test_a_hyphen_inside_a_word_or_alone_is_not_not(client, query):
    # Only a - that begins a word excludes it: here both words are searched.
    hyphen = client.get("/api/search", query_string={"q": query}).get_json()
    both = client.get("/api/search", query_string={"q": "لافروف بلينكن"}).get_json()
    assert hyphen["total"] == both["total"] > 0
    assert client.get("/api/search", query_string={"q": "لافروف -بلينكن"}).get_json()["total"] < both["total"]
