"""The pages read right to an Arabic reader: counts agree with their nouns, results
name their article (not a file), a page past the last says so."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from conftest import BY_TITLE_INDIA, run_cli
from webapp import create_app
from webapp.arabic_date import arabic_date
from webapp.arabic_plural import GENITIVE, count_of

# n -> (results, matches, pages): CLDR's Arabic categories zero, one, two, few
# (3-10, 103-110), many (11-99, 111-199), other (100-102).
EXPECTED = {
    0: ("لا نتائج", "لا تطابقات", "لا صفحات"),
    1: ("نتيجة واحدة", "تطابق واحد", "صفحة واحدة"),
    2: ("نتيجتان", "تطابقان", "صفحتان"),
    3: ("3 نتائج", "3 تطابقات", "3 صفحات"),
    10: ("10 نتائج", "10 تطابقات", "10 صفحات"),
    11: ("11 نتيجة", "11 تطابقًا", "11 صفحة"),
    99: ("99 نتيجة", "99 تطابقًا", "99 صفحة"),
    100: ("100 نتيجة", "100 تطابق", "100 صفحة"),
    101: ("101 نتيجة", "101 تطابق", "101 صفحة"),
    102: ("102 نتيجة", "102 تطابق", "102 صفحة"),
    103: ("103 نتائج", "103 تطابقات", "103 صفحات"),
    111: ("111 نتيجة", "111 تطابقًا", "111 صفحة"),
}

HEADLINE_004 = "بلينكن: جو بايدن وبوتين سيجريان اتصالات مباشرة في المستقبل القريب"


@pytest.mark.parametrize("n", sorted(EXPECTED))
def test_a_count_takes_the_form_arabic_gives_its_number(n):
    results, matches, pages = EXPECTED[n]
    assert count_of(n, "نتيجة") == results
    assert count_of(n, "تطابق") == matches
    assert count_of(n, "صفحة") == pages


def test_a_dual_after_a_preposition_is_genitive():
    assert count_of(2, "صفحة", GENITIVE) == "صفحتين"
    assert count_of(2, "نتيجة", GENITIVE) == "نتيجتين"
    assert count_of(3, "صفحة", GENITIVE) == "3 صفحات"  # only the dual changes


def _visible_text(html: str) -> str:
    """What a reader sees of the page's main part: no tags, no attributes."""
    main = html.split('<main id="main">')[1].split("</main>")[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main)))


@pytest.mark.parametrize("query,count", [("لافروف", "5 نتائج"), ("ستوكهولم", "نتيجتان"), ("عرفت", "نتيجة واحدة")])
def test_the_results_page_counts_its_results_in_arabic(client, query, count):
    text = _visible_text(client.get("/search", query_string={"q": query}).get_data(as_text=True))
    assert f"{count} في " in text
    assert "5 نتيجة" not in text


@pytest.mark.parametrize("doc_id,query,count", [
    ("001_6065c3113359f301.txt", "نيودلهي", "تطابق واحد"),
    (BY_TITLE_INDIA, "نيودلهي", "تطابقان"),
    (BY_TITLE_INDIA, "لافروف", "8 تطابقات"),
    (BY_TITLE_INDIA, "لافروف بلينكن", "16 تطابقًا"),
])
def test_the_document_page_counts_its_matches_in_arabic(client, doc_id, query, count):
    html = client.get(f"/doc/{doc_id}", query_string={"q": query}).get_data(as_text=True)
    assert f" {count} — أول تطابق" in _visible_text(html)


def test_results_name_their_article_not_a_file(client):
    text = _visible_text(client.get("/search", query_string={"q": "لافروف"}).get_data(as_text=True))
    assert ".txt" not in text
    assert HEADLINE_004 in text


def test_the_section_label_is_no_longer_a_seed_title(client):
    data = client.get("/api/search", query_string={"q": "بايدن"}).get_json()
    titles = {r["id"]: r["title"] for r in data["results"]}
    assert titles["004_f9df47be515c0267.txt"] == HEADLINE_004
    assert "عالمية" not in titles.values()


@pytest.fixture(scope="module")
def dated_client(tmp_path_factory):
    """Articles from JSON, one with its source and date, one without either."""
    src = tmp_path_factory.mktemp("dated-src")
    (src / "news.json").write_text(json.dumps([
        {"id": "a1", "title": "لقاء الوزيرين في جنيف", "text": "التقى الوزيران في جنيف لبحث الأزمة.",
         "source": "وكالة الأنباء", "date": "2022-01-21"},
        {"id": "a2", "title": "بيان عن جنيف", "text": "صدر بيان مقتضب عن محادثات جنيف."},
    ], ensure_ascii=False), encoding="utf-8")
    index = tmp_path_factory.mktemp("dated-index")
    run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    return create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def test_a_result_shows_its_source_and_date(dated_client):
    text = _visible_text(dated_client.get("/search", query_string={"q": "جنيف"}).get_data(as_text=True))
    assert "وكالة الأنباء · 21 يناير 2022" in text
    assert "news.json" not in text  # the file the articles came from is no source
    doc = _visible_text(dated_client.get("/doc/a1", query_string={"q": "جنيف"}).get_data(as_text=True))
    assert "وكالة الأنباء · 21 يناير 2022 · " in doc


@pytest.mark.parametrize("written,shown", [
    ("2022-01-21", "21 يناير 2022"),
    ("2021-12-03T18:40:00+03:00", "3 ديسمبر 2021"),
    ("18 كانون الثاني 2022", "18 كانون الثاني 2022"),  # not ISO: as the document writes it
    ("2022-02-30", "2022-02-30"),
])
def test_a_date_reads_in_arabic_words(written, shown):
    assert arabic_date(written) == shown


def test_a_page_past_the_last_says_so_and_leads_back(client):
    response = client.get("/search", query_string={"q": "لافروف", "page": 5})
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "لا توجد صفحة 5؛ النتائج في صفحة واحدة" in _visible_text(html)
    assert 'class="result"' not in html and "5 نتيجة" not in html
    link = unescape(re.search(r'<a href="(/search\?[^"]+)"', html.split('role="alert"')[1]).group(1))
    back = client.get(link)
    assert back.status_code == 200 and back.get_data(as_text=True).count('class="result"') == 5

    response = client.get("/search", query_string={"q": "لافروف", "page": 5, "per_page": 2})
    html = response.get_data(as_text=True)
    assert "لا توجد صفحة 5؛ النتائج في 3 صفحات" in _visible_text(html)
    link = unescape(re.search(r'<a href="(/search\?[^"]+)"', html.split('role="alert"')[1]).group(1))
    last = client.get(link).get_data(as_text=True)
    assert 'aria-current="page">3<' in last and last.count('class="result"') == 1
