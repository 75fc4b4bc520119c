"""The highlighter finds the tokens that may match a query by the query's
letters: every token that matches must be found, at offsets into the text as
written, and the cases letters cannot answer must say so."""

from __future__ import annotations

import pytest

import indexer.snippets.letter_spots as letter_spots
from conftest import SEEDS
from indexer.analysis import stemming
from indexer.analysis.chain import DEFAULT_SETTINGS, AnalysisSettings, tokens
from indexer.snippets.letter_spots import LetterSpots
from indexer.analysis.normalize import fold_hamza, folded_letters, normalize_word


def _spots(exact=(), stems=(), prefixes=(), variants=(), settings=DEFAULT_SETTINGS):
    return LetterSpots.of_query(set(exact), set(stems), set(prefixes), set(variants), settings)


def _tokens_at(spots: LetterSpots, text: str) -> dict[str, bool] | None:
    """Each token found -> whether its stems are needed, after checking that
    every place found is where that token stands, once, in order."""
    found = spots.tokens_at(text)
    if found is None:
        return None
    starts = [start for start, _, _ in found]
    assert starts == sorted(set(starts))
    every = {match.start(): match.group() for match in tokens(text)}
    found_tokens = {}
    for start, token, stems in found:
        assert every.get(start) == token, (start, token)
        found_tokens[token] = found_tokens.get(token, False) or stems
    return found_tokens


def test_a_word_is_found_as_written_with_its_diacritics():
    text = "قد عُرِفَت القصة وعرفت"
    found = _tokens_at(_spots(exact={"عرفت"}), text)
    assert found == {"عُرِفَت": False, "وعرفت": False}
    assert "عُرِفَت" in text  # the token is the text's own slice, marks and all


def test_each_place_a_token_stands_is_found_in_order():
    text = "قال لافروف ثم قال ولافروف: قال"
    found = _spots(exact={"قال"}).tokens_at(text)
    assert [(start, token) for start, token, _ in found] == [
        (match.start(), match.group()) for match in tokens(text) if match.group() == "قال"]
    assert len(found) == 3


def test_hamza_seats_and_alef_forms_are_found_whichever_the_text_writes():
    found = _tokens_at(_spots(exact={normalize_word("مسؤول")}), "المسئولون والمسؤول مسؤول إسرائيل")
    assert set(found) == {"المسئولون", "والمسؤول", "مسؤول"}
    assert set(_tokens_at(_spots(stems={fold_hamza("اسراءيل")}), "إسرائيل وإسرائيلي")) == {"إسرائيل", "وإسرائيلي"}


def test_tokens_holding_a_stem_are_asked_for_their_stems_the_others_only_normalized():
    found = _tokens_at(_spots(exact={"قال"}, stems={"وزير"}), "قال ووزيرها الوزير قالت")
    assert found == {"قال": False, "قالت": False, "ووزيرها": True, "الوزير": True}


def test_a_longer_form_is_dropped_only_when_the_shorter_asks_as_much():
    assert LetterSpots({"وزير": False, "الوزير": False}).forms == [("وزير", False)]
    assert LetterSpots({"وزير": True, "الوزير": False}).forms == [("وزير", True)]
    assert LetterSpots({"وزير": False, "الوزير": True}).forms == [("وزير", False), ("الوزير", True)]


@pytest.mark.parametrize("form", ["ال", "في", "ا"])
def test_spots_in_most_words_give_the_same_tokens_by_one_pass(form, monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    spots = LetterSpots({form: False})
    for text in texts:
        monkeypatch.setattr(letter_spots, "DENSE_SPOT_CHARS", 0)  # one search per spot
        one_each = _tokens_at(spots, text)
        monkeypatch.setattr(letter_spots, "DENSE_SPOT_CHARS", len(text) + 1)  # one pass
        assert _tokens_at(spots, text) == one_each
        assert set(one_each) == {m.group() for m in tokens(text) if form in normalize_word(m.group()).replace("ء", "ا")}


def test_every_token_holding_the_letters_is_found_in_the_seed_corpus():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        words = {match.group() for match in tokens(text)}
        for word in sorted(words):
            form = normalize_word(word)
            found = _tokens_at(_spots(exact={form}), text)
            assert word in found, (path.name, word)


def test_case_and_final_sigma_fold_like_the_query():
    text = "LAVROV قال ΟΔΟΣ"
    assert set(_tokens_at(_spots(exact={normalize_word("Lavrov")}), text)) == {"LAVROV"}
    assert set(_tokens_at(_spots(exact={normalize_word("ΟΔΟΣ")}), text)) == {"ΟΔΟΣ"}


def test_what_letters_cannot_answer_is_left_to_the_caller():
    spots = _spots(exact={"لافروف"})
    assert _tokens_at(spots, "\uFEFBفروف قال") is None  # a presentation form: NFKC changes the length
    assert _tokens_at(spots, "İstanbul لافروف") is None  # its lowercase is two characters
    assert _spots(exact={"لافروف"}, settings=AnalysisSettings(stemmer="snowball")) is None


def test_an_exclusion_naming_a_stem_outside_the_word_is_found_by_the_word(monkeypatch):
    # A broken plural given its singular's stem: the stem's letters are not in the word.
    monkeypatch.setitem(stemming.STEM_EXCLUSIONS, "مدارس", "مدرسه")
    letter_spots._excluded_words.cache_clear()
    try:
        assert set(_tokens_at(_spots(stems={"مدرسه"}), "المدارس والمدرسه")) == {"المدارس", "والمدرسه"}
    finally:
        letter_spots._excluded_words.cache_clear()


def test_the_folding_table_folds_each_character_as_normalization_would():
    table = letter_spots._fold_table()
    for cp in range(0x10000):
        if cp in (0x0130, 0x03C2):  # never looked up; final sigma is folded to sigma
            continue
        expected = folded_letters(chr(cp))
        assert (table[cp] == letter_spots._DELETED) == (expected == ""), hex(cp)
        assert expected == "" or chr(table[cp]) == expected, hex(cp)
