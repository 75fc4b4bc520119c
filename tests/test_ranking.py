"""Ranking: BM25F over a word's fields, relatives found below exact forms, question punctuation."""

from __future__ import annotations

import pytest

from conftest import api_search, ids, run_cli
from indexer.search.bm25f import idf
from indexer.search.ranking import ALL_WORDS_TIER, Ranking
from indexer.engine import SearchEngine

DOCS = {
    "flows.txt": "نهر يتدفق\n\nالنهر يتدفق غربا نحو البحر.\n",
    "flow.txt": "تقرير المياه\n\nتدفق المياه في الوادي بعد المطر.\n",
    "final.txt": "المباراة الفاصلة\n\nفاز الفريق في المباراة الفاصلة على أرضه.\n",
    "finals.txt": "موسم الكرة\n\nخسر الفريق المباراتين الفاصلتين في الموسم.\n",
    "many.txt": "الفريق والفرق\n\nالفريق فريق الفريقين للفريق بفريقه الفريق الفرق الفريق.\n",
    "other1.txt": "أخبار\n\nقال المدرب إن الفريق مستعد.\n",
    "other2.txt": "أخبار أخرى\n\nالفريق يتدرب صباحا.\n",
    # A writer and a book share the root كتب.
    "writer.txt": "كاتب من المدينة\n\nزار كاتب شهير المدينة القديمة.\n",
    "book.txt": "معرض\n\nافتتح معرض الكتاب أبوابه في المدينة.\n",
    # A common word written exactly, three times; a rare name only with a proclitic.
    "cities.txt": "مدينة\n\nمدينة كبيرة ومدينة صغيرة ومدينة قديمة.\n",
    "stockholm.txt": "رحلة\n\nوصل الوفد أمس إلى العاصمة بعد جولة، وأقام بستوكهولم يومين.\n",
}


@pytest.fixture(scope="module")
def ranking_index(tmp_path_factory):
    source = tmp_path_factory.mktemp("ranking-corpus")
    for name, text in DOCS.items():
        (source / name).write_text(text, encoding="utf-8")
    index = tmp_path_factory.mktemp("ranking-index")
    run_cli("rebuild", "--source", str(source), "--index", str(index), "--quiet")
    return index


@pytest.fixture()
def ranking_client(ranking_index):
    from webapp import create_app

    return create_app({"INDEX_DIR": str(ranking_index), "TESTING": True}).test_client()


def test_a_verb_finds_its_noun_through_the_root_below_the_exact_form(ranking_client):
    # يتدفق and تدفق have different light stems; their root دفق joins them.
    found = ids(api_search(ranking_client, "يتدفق"))
    assert found == ["flows.txt", "flow.txt"]


def test_a_dual_finds_the_singular_below_itself(ranking_client):
    # الفاصلتين (stem فاصلت) and الفاصلة (stem فاصل) meet through root and 4-grams.
    found = ids(api_search(ranking_client, "الفاصلتين"))
    assert found[0] == "finals.txt" and "final.txt" in found


def test_a_word_counts_once_however_many_fields_and_forms_match(ranking_index):
    # BM25F saturates a word's matches in all its fields together: the score of
    # a one-word query never exceeds idf * (k1 + 1), even for a document that
    # has the word in its title and eight times in its body, in several forms.
    ranking = Ranking(exact_tier_max_words=0)
    engine = SearchEngine(ranking_index, ranking)
    (top_id, top_score), *_ = engine.ranked("الفريق")
    assert top_id == "many.txt"
    searcher = engine._opened().searcher
    bound = idf(searcher.doc_count_all(), 0) * (ranking.k1 + 1)
    assert top_score <= bound
    # Summing per-field scores (Whoosh's BM25F) lets the same document run past it.
    summed = SearchEngine(ranking_index, ranking.with_(saturation="field")).ranked("الفريق")
    assert summed[0][1] > bound


def test_a_natural_question_with_stray_punctuation_runs(ranking_client):
    data = api_search(ranking_client, "من الذي فاز في المباراة [الفاصلة؟")
    assert ids(data)[0] == "final.txt"


def test_a_root_shared_by_chance_is_not_holding_the_word(ranking_client):
    # الكتاب reaches كاتب through the root كتب: it matches and scores, but below the
    # every-word tier, which a document earns only by holding each word, a stem of
    # it or another spelling.
    scores = {r["id"]: r["score"] for r in api_search(ranking_client, "كاتب المدينة")["results"]}
    assert scores["writer.txt"] >= ALL_WORDS_TIER > scores["book.txt"] > 0


def test_a_common_word_written_exactly_does_not_lift_a_document_over_the_rare_one(ranking_client):
    # Neither document holds both words.  cities.txt writes the common word exactly;
    # stockholm.txt holds the name asked about, with a proclitic (بستوكهولم).
    found = ids(api_search(ranking_client, "مدينة ستوكهولم"))
    assert found.index("stockholm.txt") < found.index("cities.txt")


def test_one_typed_word_still_ranks_its_exact_form_first(ranking_client):
    # The exact-form tier of a one-word query is untouched: المدينة as typed first.
    found = ids(api_search(ranking_client, "مدينة"))
    assert found[0] == "cities.txt"
