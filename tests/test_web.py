"""The HTML pages through the Flask test client."""

import re
from html import unescape as html_unescape


def test_home_is_an_arabic_rtl_search_page(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert 'role="search"' in html and 'name="q"' in html
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_results_page_lists_ranked_hits_with_highlights(client):
    response = client.get("/search", query_string={"q": "لَافْرُوف"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('class="result"') == 5
    assert "<mark>لافروف</mark>" in html
    assert 'value="لَافْرُوف"' in html  # the box keeps the query
    assert "5 نتائج في" in html  # CLDR: 3-10 take the plural
    api = client.get("/api/search", query_string={"q": "لَافْرُوف"}).get_json()
    # The page and the JSON show the same results in the same order, with
    # the same links (the page's jump to the first match, unless the headline
    # matches: then the document opens at its headline).
    links = [html_unescape(link) for link in re.findall(r'<h2><a href="([^"]+)"', html)]
    assert links == [r["url"] + ("" if "لافروف" in r["title"] else "#m1") for r in api["results"]]
    assert all(client.get(link).status_code == 200 for link in links)


def test_results_page_paginates(client):
    first = client.get("/search", query_string={"q": "لافروف", "per_page": 2}).get_data(as_text=True)
    assert first.count('class="result"') == 2
    assert 'aria-current="page">1<' in first
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    assert second.count('class="result"') == 2 and 'aria-current="page">2<' in second
    third = client.get("/search", query_string={"q": "لافروف", "per_page": 2, "page": 3}).get_data(as_text=True)
    assert third.count('class="result"') == 1 and 'rel="next"' not in third
    assert '<ol class="results" start="5">' in third


def test_document_page_highlights_matches_as_written(client):
    response = client.get("/doc/001_6065c3113359f301.txt", query_string={"q": "عرفت"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<mark id="m1">عُرفت</mark>' in html
    assert 'href="#m1"' in html


def test_unknown_document_is_404_page(client):
    response = client.get("/doc/../../etc/passwd")
    assert response.status_code == 404
    assert 'dir="rtl"' in response.get_data(as_text=True)


def test_markup_in_documents_is_escaped(extra_client):
    data = extra_client.get("/api/search", query_string={"q": "لافروف"}).get_json()
    snippet = next(r["snippet"] for r in data["results"] if r["id"] == "hostile.txt")
    assert "&lt;script&gt;" in snippet and "<script" not in snippet
    assert "&amp;" in snippet
    html = extra_client.get("/search", query_string={"q": "غامق"}).get_data(as_text=True)
    assert "&lt;b&gt;<mark>غامق</mark>&lt;/b&gt;" in html
    assert "<script>alert" not in html
    doc = extra_client.get("/doc/hostile.txt", query_string={"q": "لافروف"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in doc or "&lt;script&gt;alert('x')&lt;/script&gt;" in doc
    assert "<script>" not in doc


def test_query_with_markup_is_not_reflected_raw(client):
    html = client.get("/search", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
