"""The golden tables in tests/golden/: analysis word by word, and searches through the JSON API."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.analysis.chain import word_forms
from webapp import create_app

from conftest import api_search, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"


def _rows(name: str, columns: int):
    rows = []
    for number, line in enumerate((GOLDEN / name).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            fields = line.split("\t")
            assert len(fields) == columns, f"{name}:{number}: expected {columns} tab-separated columns"
            rows.append(pytest.param(*fields, id=f"{number}:{fields[0]}"))
    return rows


ANALYSIS = _rows("analysis.tsv", 4)
QUERIES = _rows("queries.tsv", 4)


def test_tables_are_as_large_as_promised():
    assert len(ANALYSIS) >= 120
    assert len(QUERIES) >= 40


@pytest.mark.parametrize("text,exact,stems,rule", ANALYSIS)
def test_analysis(text, exact, stems, rule):
    forms = list(word_forms(text))
    assert " ".join(f.exact for f in forms) == exact, rule
    assert " ".join("+".join(f.stems) if f.stems else "-" for f in forms) == stems, rule


@pytest.fixture(scope="session")
def golden_client(tmp_path_factory):
    index = tmp_path_factory.mktemp("golden-index")
    run_cli("rebuild", "--source", str(GOLDEN / "corpus"), "--index", str(index), "--quiet")
    return create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def _short(doc_id: str) -> str:
    # Seed files are NNN_hash.txt, golden ones eN.txt.
    return doc_id.split("_")[0].removesuffix(".txt")


@pytest.mark.parametrize("query,corpus,expected,shows", QUERIES)
def test_search(query, corpus, expected, shows, client, golden_client):
    data = api_search(client if corpus == "seeds" else golden_client, query, per_page=50)
    found = [_short(r["id"]) for r in data["results"]]
    groups = [] if expected == "none" else [g.split() for g in expected.split(">")]
    assert sorted(found) == sorted(d for g in groups for d in g), shows
    rank = {doc: i for i, doc in enumerate(found)}
    for higher, lower in zip(groups, groups[1:]):
        assert max(rank[d] for d in higher) < min(rank[d] for d in lower), f"{shows}: {found}"
