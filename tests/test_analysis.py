"""The analysis chain: tokens, normalization, stems, and offsets into the original text."""

import pickle

import pytest
from whoosh.fields import Schema

from indexer.analysis.chain import AnalysisSettings, exact_analyzer, gram_analyzer, root_analyzer, stem_analyzer, word_forms
from indexer.analysis.normalize import normalize_word
from indexer.storage.schema import build_schema
from indexer.analysis.stemming import light_stems
from indexer.analysis.stopwords import is_stop, stop_words


def tokens(analyzer, text):
    return [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True, positions=True)]


def test_a_diacritized_word_is_one_token():
    assert [t[0] for t in tokens(exact_analyzer(), "مُحَمَّدٌ")] == ["محمد"]


def test_offsets_point_into_the_original_text():
    text = "قال إنّها عُرِفَت في أوكرانيا"
    for normalized, start, end in tokens(exact_analyzer(), text):
        assert normalize_word(text[start:end]) == normalized
    assert [text[s:e] for _, s, e in tokens(exact_analyzer(), text)] == ["قال", "إنّها", "عُرِفَت", "في", "أوكرانيا"]


# Normalization and stemming rules, word by word, are in tests/golden/analysis.tsv
# (read by test_golden.py).


def test_attached_preposition_offers_the_bare_word():
    assert "لافروف" in light_stems("بلافروف")
    assert "لافروف" in light_stems("ولافروف")
    assert light_stems("بلينكن")[0] == "بلينكن"  # the word itself stays the primary stem


def test_stop_words_are_left_out_of_stemmed_terms_but_keep_positions():
    stemmed = [(t.text, t.pos) for t in stem_analyzer()("وزير من الخارجية", positions=True)]
    assert stemmed == [("وزير", 0), ("خارج", 2)]


def test_word_forms_carry_exact_form_stems_and_offsets():
    text = "بالاجتماعاتِ"
    (word,) = list(word_forms(text))
    assert word.exact == "بالاجتماعات"
    assert word.stems[0] == "اجتماع"
    assert text[word.startchar:word.endchar] == text


def test_schema_pickles_with_its_analyzers():
    schema = build_schema()
    restored = pickle.loads(pickle.dumps(schema))
    assert isinstance(restored, Schema)
    assert [t.text for t in restored["body_stem"].analyzer("بالهند")] == ["هند"]


@pytest.mark.parametrize("stemmer", ["snowball", "tashaphyne"])
def test_library_stemmer_schema_pickles_before_and_after_use(stemmer):
    # Snowball, Tashaphyne and the ISRI root stemmer are created lazily: the
    # schema still pickles after they have been used.
    settings = AnalysisSettings(stemmer=stemmer)
    schema, roots = build_schema(settings), root_analyzer(settings)
    list(schema["body_stem"].analyzer("الاجتماعات"))
    list(roots("الاجتماعات"))
    restored = pickle.loads(pickle.dumps(schema))
    assert [t.text for t in restored["body_stem"].analyzer("الاجتماع")] == ["اجتماع"]
    assert [t.text for t in pickle.loads(pickle.dumps(roots))("يتدفق")] == ["دفق"]


def _texts(analyzer, text):
    return [t.text for t in analyzer(text)]


def test_root_field_joins_verb_and_noun_forms():
    roots = root_analyzer()
    assert _texts(roots, "يتدفق") == _texts(roots, "تدفق") == ["دفق"]
    assert _texts(roots, "المدارس") == _texts(roots, "يدرس") == ["درس"]
    # Stop words and words under three letters have no root term.
    assert _texts(roots, "في من هو") == []


def test_gram_field_holds_four_letter_pieces_of_the_primary_stem():
    assert _texts(gram_analyzer(), "الاجتماعات") == ["اجتم", "جتما", "تماع"]
    # A stem under four letters gives no piece; an alternative stem gives none either.
    assert _texts(gram_analyzer(), "هند") == []
    assert _texts(gram_analyzer(), "بلافروف") == ["بلاف", "لافر", "افرو", "فروف"]


def test_function_stop_list_keeps_content_words_and_drops_question_words():
    function, full = stop_words("function"), stop_words("full")
    for question_word in ("ما", "ماذا", "لماذا", "متى", "كم", "أين", "كيف", "هل", "ماهو", "ماهي"):
        assert is_stop(question_word, function)
    # Decided on the word as written: على the preposition is a stop word, علي the name is not.
    assert is_stop("على", function) and is_stop("عَلَى", function) and not is_stop("علي", function)
    assert is_stop("إلى", function) and is_stop("الى", function)
    # Directions, superlatives and such are stop words in the full lexicon only.
    for content in ("جنوب", "اكثر", "الشمالي", "العامه"):
        assert content not in function
    assert "جنوب" in full and "العامه" in full
    # من the preposition is dropped; words that start with من are not.
    assert _texts(stem_analyzer(), "من منظمة") == ["منظم"]


# Texts with what a chain may trip on: diacritics, tatweel, digits of both
# scripts, presentation forms, joiners, Latin, stop words, a phrase's repeats.
_TRICKY = [
    "قال إنّها عُرِفَت في أوكرانيا عام ٢٠٢٢ء و2022، ثم عادت عُرِفَت",
    "الـــعــربيــة ﻻ ﷲ ﺍﻟﻌﺮﺑﻴﺔ كتا\u200cب Hello WORLD من في على بلافروف والاجتماعات",
    "",
    "   ",
    "قال وزير الخارجية",  # and one of the same length after it
    "قال سفير الخارجية",
]


@pytest.mark.parametrize("settings", [AnalysisSettings(), AnalysisSettings(stemmer="snowball", stop_list="full")])
def test_indexing_a_token_at_a_time_makes_what_the_chain_makes(settings):
    from conftest import SEEDS
    from whoosh.fields import ID, TEXT

    texts = _TRICKY + [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    schema = build_schema(settings)
    for name in schema.names():
        field = schema[name]
        if not field.indexed or isinstance(field, ID):  # ids, sources and dates are indexed whole
            continue
        chain = TEXT(analyzer=field.analyzer, phrase=field.format.__class__.__name__ == "Positions")
        assert type(chain.format) is type(field.format)
        for text in texts + texts[::-1]:  # and again, from what was remembered
            assert sorted(field.index(text)) == sorted(chain.index(text)), (name, text[:40])


def test_only_chains_that_work_token_by_token_are_replayed():
    from whoosh.analysis import ShingleFilter, StandardAnalyzer

    from indexer.analysis.chain import TokenReplay, token_replay

    assert isinstance(token_replay(gram_analyzer()), TokenReplay)
    # Shingles join neighbouring tokens: one token alone would make none.
    for analyzer in (exact_analyzer() | ShingleFilter(2), StandardAnalyzer()):
        assert token_replay(analyzer) is analyzer
