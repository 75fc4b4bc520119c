"""Random and adversarial queries against the JSON endpoint: only 200 or 400, each within a bound."""

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from webapp import create_app

EXAMPLES = 10_000
SECONDS_PER_QUERY = 5.0  # far above the usual few milliseconds: catches runaway queries, not noise

# Pieces of query syntax and of Arabic text, to be strung together in every order.
PIECES = [
    "(", ")", '"', "«", "»", "*", "**", "a*", "ا*", "ال*", "بل*", "OR", "AND", "NOT", "ANDNOT", "-", "+", "~", "^",
    "title:", "عنوان:", "body:", ":", "[", "]", "{", "}", "\\", "/", "؟", "?", "!", "٪", "%", "&", "<script>",
    "لافروف", "بلينكن", "وبالاجتماع", "مُحَمَّدٌ", "إلى", "من", "في", "\u202e", "\u200f", "\x00", "\x07", "\t",
    "\n", "𝔸", "🙂", "中文", "ﻻ", "٢٠٢٢", "NATO", "x" * 60,
]

queries = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=60),
    st.text(st.characters(blacklist_categories=("Cs",)), min_size=900, max_size=1100),
    st.lists(st.sampled_from(PIECES), max_size=30).map(" ".join),
    st.lists(st.sampled_from(PIECES), max_size=30).map("".join),
    st.integers(1, 300).map(lambda n: "(" * n + "لافروف" + ")" * n),
    st.integers(1, 60).map(lambda n: " OR ".join(["بلينكن"] * n)),
    st.just("ا" * 10_000),
    st.just("*"),
)


@pytest.fixture(scope="module")
def fuzz_client(tmp_path_factory):
    """The seeds plus a document with thousands of words sharing a prefix (for a* on a large vocabulary)."""
    src = tmp_path_factory.mktemp("fuzz-src")
    for seed in (run_cli.__globals__["SEEDS"]).glob("*.txt"):
        (src / seed.name).write_bytes(seed.read_bytes())
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    rng = random.Random(7)
    words = {"بر" + "".join(rng.choice(letters) for _ in range(5)) for _ in range(5000)}
    (src / "vocabulary.txt").write_text("مفردات كثيرة\n" + " ".join(sorted(words)), encoding="utf-8")
    index = tmp_path_factory.mktemp("fuzz-index")
    run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    return create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(query=queries, page=st.sampled_from(["1", "2", "100", "101", "0", "-1", "x", ""]),
       per_page=st.sampled_from(["10", "1", "50", "51", "0", "1e9"]))
def test_any_query_gets_200_or_400_in_time(fuzz_client, query, page, per_page):
    started = time.perf_counter()
    response = fuzz_client.get("/api/search", query_string={"q": query, "page": page, "per_page": per_page})
    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 400), (query, response.status_code, response.get_data(as_text=True)[:300])
    data = response.get_json()
    if response.status_code == 400:
        assert data["error"]["code"] and data["error"]["message"]
    else:
        assert data["total"] >= len(data["results"])
    assert elapsed < SECONDS_PER_QUERY, (query, elapsed)


def test_the_limits_each_have_a_clear_400(fuzz_client):
    def code(**params):
        response = fuzz_client.get("/api/search", query_string=params)
        assert response.status_code == 400
        return response.get_json()["error"]["code"]

    assert code(q="ا" * 1001) == "query_too_long"
    words = ["بل" + a + b for a in "تثجحخد" for b in "رزسشصضطظع"]
    assert code(q=" ".join(words[:51])) == "too_many_terms"
    assert code(q="(" * 11 + "لافروف" + ")" * 11) == "too_deep"
    assert code(q="بر*") == "prefix_too_common"  # 5,000 words start with بر
    assert code(q="*") == "no_search_terms"
    assert code(q="لافروف *") == "lone_wildcard"
    assert code(q="لافروف", page="101") == "bad_parameter"
    assert code(q="لافروف", per_page="51") == "bad_parameter"
    # A longer prefix is fine.
    assert fuzz_client.get("/api/search", query_string={"q": "برا*"}).status_code == 200
