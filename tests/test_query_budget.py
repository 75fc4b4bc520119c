"""A query's expansion has a budget as a whole: past it, a clear 400, not seconds of work.

Each prefix* is allowed up to MAX_PREFIX_TERMS words, but fifty OR'ed
prefixes each under that cap read words by the hundred thousand; the corpus
here has fifty prefixes standing for enough words together to pass the
budget (query_cost.py), each well under the per-prefix cap.
"""

from __future__ import annotations

import html
import random

import pytest
from whoosh import index as whoosh_index

from conftest import run_cli
from indexer.search import query_cost
from indexer.search.parse import MAX_PREFIX_TERMS, MAX_TERMS, parse_query
from indexer.storage.generations import current_generation
from webapp import create_app
from webapp.engine import ARABIC_MESSAGES

# Letters that normalization leaves as they are, and none a proclitic the engine strips from a prefix.
LETTERS = "تثجحخدذرزسشصضطظعغقمنهي"
PREFIX_COUNT = 50
# Words each prefix stands for: fifty prefixes together pass the budget, each well under its own cap.
WORDS_PER_PREFIX = query_cost.MAX_QUERY_TERMS // PREFIX_COUNT + 40
DOCUMENTS = 3000
TITLE_WORDS = "تقرير رقم"  # no title word starts with one of the prefixes


def _vocabulary(rng: random.Random) -> tuple[list[str], list[str]]:
    """Fifty three-letter prefixes and the WORDS_PER_PREFIX distinct words of each."""
    prefixes = []
    while len(prefixes) < PREFIX_COUNT:
        prefix = "".join(rng.choice(LETTERS) for _ in range(3))
        if prefix not in prefixes and not any(w.startswith(prefix) for w in TITLE_WORDS.split()):
            prefixes.append(prefix)
    words = []
    for prefix in prefixes:
        own = set()
        while len(own) < WORDS_PER_PREFIX:
            own.add(prefix + "".join(rng.choice(LETTERS) for _ in range(4)))
        words += sorted(own)
    return prefixes, words


@pytest.fixture(scope="module")
def attack(tmp_path_factory):
    """An index of DOCUMENTS short documents holding every word of the fifty prefixes, and the prefixes."""
    assert WORDS_PER_PREFIX * 2 < MAX_PREFIX_TERMS  # each prefix alone is allowed
    rng = random.Random(11)
    prefixes, words = _vocabulary(rng)
    rng.shuffle(words)
    src = tmp_path_factory.mktemp("budget-src")
    per_document = -(-len(words) // DOCUMENTS)
    for n in range(DOCUMENTS):
        body = " ".join(words[n * per_document:(n + 1) * per_document])
        (src / f"doc-{n:04d}.txt").write_text(f"{TITLE_WORDS} {n}\n\nكلمات {body}\n", encoding="utf-8")
    index = tmp_path_factory.mktemp("budget-index")
    run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    return index, prefixes


@pytest.fixture()
def attack_client(attack):
    return create_app({"INDEX_DIR": str(attack[0]), "TESTING": True}).test_client()


def _or_prefixes(prefixes: list[str]) -> str:
    return " OR ".join(p + "*" for p in prefixes)


def test_fifty_ored_prefixes_are_refused_with_a_clear_400(attack, attack_client):
    _, prefixes = attack
    assert len(prefixes) <= MAX_TERMS
    response = attack_client.get("/api/search", query_string={"q": _or_prefixes(prefixes)})
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "query_too_costly"
    assert "fewer words or prefixes" in error["message"]


def test_the_results_page_says_so_in_arabic(attack, attack_client):
    _, prefixes = attack
    response = attack_client.get("/search", query_string={"q": _or_prefixes(prefixes)})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert ARABIC_MESSAGES["query_too_costly"] in page
    assert 'role="alert"' in page


def test_the_command_line_says_so_in_one_line_and_exits_2(attack):
    index, prefixes = attack
    result = run_cli("search", _or_prefixes(prefixes), "--index", str(index), check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: The query asks too much of the index")


def _cost(index, query):
    """What the engine counts for ``query`` on ``index`` (query_cost.py)."""
    ix = whoosh_index.open_dir(str(current_generation(index)))
    with ix.reader() as reader:
        return parse_query(query, ix.schema, reader=reader).cost


def test_as_many_prefixes_as_the_budget_holds_are_searched(attack, attack_client, monkeypatch):
    index, prefixes = attack
    # A fifth of the prefixes, each a hundred-odd words: well within the budget.
    response = attack_client.get("/api/search", query_string={"q": _or_prefixes(prefixes[:PREFIX_COUNT // 5])})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["total"] > 0
    # The budget as terms alone (its postings a negligible share of it): within it, then one term short.
    monkeypatch.setattr(query_cost, "MAX_QUERY_POSTINGS", 10**12)
    monkeypatch.setattr(query_cost, "MAX_QUERY_TERMS", 10**12)
    query = _or_prefixes(prefixes[:PREFIX_COUNT // 2])
    cost = _cost(index, query)
    assert cost.terms > PREFIX_COUNT // 2 * WORDS_PER_PREFIX  # each prefix's words, and more
    monkeypatch.setattr(query_cost, "MAX_QUERY_TERMS", cost.terms + 1)
    assert attack_client.get("/api/search", query_string={"q": query}).status_code == 200
    monkeypatch.setattr(query_cost, "MAX_QUERY_TERMS", cost.terms - 1)
    response = attack_client.get("/api/search", query_string={"q": query})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "query_too_costly"


def test_postings_past_the_budget_are_refused_too(attack, attack_client, monkeypatch):
    # Every document holds كلمات and the title's words: a few terms, many postings.
    query = "كلمات تقرير"
    data = attack_client.get("/api/search", query_string={"q": query}).get_json()
    assert data["documents"] == DOCUMENTS  # (the last ones, holding كلمات alone, are copies: folded in total)
    cost = _cost(attack[0], query)
    assert cost.postings > 4 * DOCUMENTS  # each word in several fields, and the tiers
    # The budget as postings alone (its terms a negligible share of it): within it, then one posting short.
    monkeypatch.setattr(query_cost, "MAX_QUERY_TERMS", 10**12)
    monkeypatch.setattr(query_cost, "MAX_QUERY_POSTINGS", cost.postings + 1)
    assert attack_client.get("/api/search", query_string={"q": query}).status_code == 200
    monkeypatch.setattr(query_cost, "MAX_QUERY_POSTINGS", cost.postings - 1)
    response = attack_client.get("/api/search", query_string={"q": query})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "query_too_costly"
