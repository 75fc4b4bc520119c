""""Did you mean" offers whole words only: words the documents write, never a piece of one."""

import re

from conftest import SEEDS, api_search

from indexer.analysis.chain import written_analyzer
from indexer.analysis.normalize import normalize_word
from indexer.analysis.stemming import light_bases

# Article groups: the article ال never takes a letter of the word after it,
# so what follows it is a whole word (والمؤتمر -> مؤتمر).  لل is left out:
# it is ل + ال, or ل before a word that starts with ل (للافروف).
ARTICLES = ("ال", "وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "فكال")


def seed_words() -> set[str]:
    """Every word the seeds write, marks removed."""
    analyzer = written_analyzer()
    return {t.text for seed in sorted(SEEDS.glob("*.txt")) for t in analyzer(seed.read_text(encoding="utf-8"))}


def whole_words(written: set[str]) -> set[str]:
    """The seeds' words, alone or after an article group."""
    whole = set(written)
    for word in written:
        for article in ARTICLES:
            if word.startswith(article) and len(word) - len(article) >= 2:
                whole.add(word[len(article):])
    return whole


def typed_proclitics(word: str) -> str:
    """The proclitics the suggester keeps from a typed word (its likely reading)."""
    return word[: len(word) - len(light_bases(normalize_word(word))[0])]


def misspellings(words: set[str]) -> list[str]:
    """A letter deleted, doubled or two letters swapped, in a spread of the seeds' words."""
    typos = []
    for word in sorted(w for w in words if len(w) >= 5)[::3]:
        middle = len(word) // 2
        for typo in (
            word[:middle] + word[middle + 1:],  # deleted
            word[:middle] + word[middle] + word[middle:],  # doubled
            word[:middle - 1] + word[middle] + word[middle - 1] + word[middle + 1:],  # swapped
        ):
            if typo not in words and typo not in typos:
                typos.append(typo)
    return typos


def suggestions_on_page(client, query: str) -> list[str]:
    html = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    paragraph = re.findall(r'<p class="suggestions">.*?</p>', html, re.S)
    return re.findall(r"<bdi>(.*?)</bdi>", paragraph[0]) if paragraph else []


def test_a_doubled_letter_in_a_name_offers_the_name_and_no_piece_of_it(client):
    # The seeds write لافروف, ولافروف and للافروف; لل + افروف is a misreading of the last.
    assert api_search(client, "لافرووف")["suggestions"] == ["لافروف"]
    assert suggestions_on_page(client, "لافرووف") == ["لافروف"]
    # A typed proclitic stays on.
    assert api_search(client, "ولافرووف")["suggestions"] == ["ولافروف"]


def test_a_word_the_seeds_write_only_after_the_article_is_offered_with_it(client):
    # The seeds write الأخبار, never أخبار alone: the typed article goes back on.
    assert api_search(client, "الأخخبار")["suggestions"][0] == "الأخبار"
    # إليها is not ال + يها: its normalized form اليها offers no piece.
    assert api_search(client, "أرايها")["suggestions"] == ["أراضيها"]


def test_two_letters_swapped_are_one_edit_away_from_the_word(client):
    # صحيفة is one swap from صيحفة; صحفي and صحة are two edits away.
    assert api_search(client, "صيحفة")["suggestions"][0] == "صحيفة"
    assert api_search(client, "مكحمة")["suggestions"][0] == "محكمة"


def test_every_suggestion_for_hundreds_of_typos_is_a_word_the_seeds_write(client):
    written = seed_words()
    whole = whole_words(written)
    typos = misspellings(written)
    assert len(typos) >= 300
    offered, pieces = 0, []
    for typo in typos:
        response = client.get("/api/search", query_string={"q": typo})
        if response.status_code == 400:  # a typo that made a stop word
            assert response.get_json()["error"]["code"] == "only_stop_words", typo
            continue
        proclitics = typed_proclitics(typo)
        for suggestion in response.get_json()["suggestions"]:
            offered += 1
            # As a seed writes it, or with the typed proclitics on a seed's word.
            if suggestion not in written and not (
                suggestion.startswith(proclitics) and suggestion[len(proclitics):] in whole
            ):
                pieces.append((typo, suggestion))
    assert offered >= 100  # the check is not empty
    assert pieces == [], pieces
