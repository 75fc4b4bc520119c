"""Other spellings: names spelled several ways, and "did you mean" in the JSON and the page."""

import re

from conftest import api_search, ids

from indexer import SearchEngine
from indexer.search.parse import parse_query
from indexer.analysis.variants import close_spelling, spelling_terms, split_term

SPELLINGS_OF_BLINKEN = "001_6065c3113359f301.txt"  # writes only بلينكين


def test_a_name_in_another_spelling_is_found_and_highlighted_as_written(client):
    data = api_search(client, "بلينكن")
    assert ids(data)[-1] == SPELLINGS_OF_BLINKEN  # found, below every article that writes بلينكن
    snippet = data["results"][-1]["snippet"]
    assert "<mark>بلينكين</mark>" in snippet


def test_spelling_keys_join_transliterations_but_not_common_words():
    def joined(a, b):
        return split_term(spelling_terms(a)[0])[0] == split_term(spelling_terms(b)[0])[0] and close_spelling(a, b)

    for a, b in [("بلينكن", "بلينكين"), ("سيرغي", "سيرجي"), ("اميركي", "امريكي"), ("انتوني", "انطوني")]:
        assert joined(a, b), (a, b)
    # Same consonants, different words: too far apart in spelling.
    for a, b in [("تكرار", "تقارير"), ("تغيير", "تكرار"), ("جديده", "قياده")]:
        assert not joined(a, b), (a, b)
    # A short word is filed under itself, written as it stands, without proclitics.
    assert spelling_terms("وزير") == ("وزير:وزير",)
    assert spelling_terms("والمدرسة") == ("مدرسه:مدرسة",)
    # Each reading of an ambiguous proclitic is filed.
    assert spelling_terms("لبلينكين") == ("لبلنكن:لبلينكين", "بلنكن:بلينكين")


def test_a_misspelling_that_finds_nothing_gets_suggestions_in_json(client):
    data = api_search(client, "سرغي")
    assert data["total"] == 0
    assert data["suggestions"] == ["سيرغي"]
    # Proclitics typed stay on the suggestion; the word is shown as articles write it.
    assert api_search(client, "والمؤتمرر")["suggestions"][0] == "والمؤتمر"


def test_an_unknown_word_gets_a_suggestion_even_when_relatives_found_something(client):
    data = api_search(client, "لافروف ستوكهولمم")
    assert data["total"] > 0
    assert data["suggestions"][0] == "لافروف ستوكهولم"


def test_known_words_get_no_suggestion(client):
    for query in ("بلينكن", "بوتين", "وبلينكين", "ولايات"):
        assert api_search(client, query)["suggestions"] == [], query


def test_the_page_offers_the_suggestions_as_links(client):
    html = client.get("/search", query_string={"q": "سرغي"}).get_data(as_text=True)
    assert "هل تقصد" in html
    links = re.findall(r'class="suggestions">.*?</p>', html, re.S)[0]
    assert "/search?q=%D8%B3%D9%8A%D8%B1%D8%BA%D9%8A" in links  # سيرغي
    # Following it finds the articles.
    assert client.get("/search", query_string={"q": "سيرغي"}).get_data(as_text=True).count('class="result"') == 5


def test_the_document_page_marks_the_other_spelling(client):
    html = client.get(f"/doc/{SPELLINGS_OF_BLINKEN}", query_string={"q": "بلينكن"}).get_data(as_text=True)
    assert '<mark id="m1">بلينكين</mark>' in html


def test_other_spellings_remembered_by_the_engine_parse_as_looked_up(seed_index):
    """The engine remembers each word's other spellings per opened index: a
    query parsed again through that memo is the query parsed afresh."""
    opened = SearchEngine(seed_index)._opened()
    reader, memo = opened.searcher.reader(), {}
    for text in ["بلينكن", "لافروف وبلينكن", "\"قال بلينكن\"", "لافرو*"]:
        fresh = parse_query(text, opened.schema, reader=reader)
        for _ in range(2):
            again = parse_query(text, opened.schema, reader=reader, memo=memo)
            assert again.query == fresh.query and again.terms == fresh.terms, text
    assert any(words for _, words in memo.values())  # some word has other spellings in the seeds
