"""Shared fixtures: indexes built through the real CLI, and a Flask test client."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import make_corpus
from webapp import create_app

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "seeds"

# Seed articles, by what a reader knows them as.
BY_TITLE_INDIA = "000_333e4f5e5842fc51.txt"  # title: لقاء بين بلينكن ولافروف بالهند..
ARRAFAT = "001_6065c3113359f301.txt"  # writes عُرفت and 2022
ZAKHAROVA = "002_98b5b275d5bd952f.txt"  # writes 2022ء and 2022،
STOCKHOLM = ("003_8ba34b9270a9936a.txt", "004_f9df47be515c0267.txt")
ALL_SEEDS = sorted(p.name for p in SEEDS.glob("*.txt"))


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``python -m indexer ARGS`` as a user would, from the project folder."""
    result = subprocess.run(
        [sys.executable, "-m", "indexer", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"indexer {args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def write_articles(folder: Path, count: int, sentences: int, seed: int, name: str, title: str) -> None:
    """``count`` short articles of ``sentences`` sentences drawn from the seeds
    (``random.Random(seed)``), named ``name.format(n)`` and headed ``title.format(n)``."""
    pool = []
    for source in sorted(SEEDS.glob("*.txt")):
        text = source.read_text(encoding="utf-8")
        pool += [s.strip() for s in text.replace("\n", ".").split(".") if len(s.split()) > 4]
    rng = random.Random(seed)
    for n in range(count):
        body = ". ".join(rng.choice(pool) for _ in range(sentences))
        (folder / name.format(n)).write_text(f"{title.format(n)}\n{body}", encoding="utf-8")


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    index = tmp_path_factory.mktemp("seed-index")
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    return index


@pytest.fixture(scope="session")
def extra_corpus(tmp_path_factory) -> Path:
    """The seeds plus a few hand-written documents that test one behaviour each."""
    corpus = tmp_path_factory.mktemp("extra-corpus")
    for seed in SEEDS.glob("*.txt"):
        shutil.copy(seed, corpus / seed.name)
    (corpus / "inflected.txt").write_text(
        "تقارير الاجتماعات\n\nعقدت الاجتماعات السنوية للمنظمة في موعدها.\n", encoding="utf-8"
    )
    (corpus / "hostile.txt").write_text(
        "عنوان <b>غامق</b>\n\nقال لافروف <script>alert('x')</script> إن الوضع & الأمور تغيرت.\n",
        encoding="utf-8",
    )
    (corpus / "apart.txt").write_text(
        "وزراء\n\nقال الوزير إن وزارة الخارجية سترد.\n", encoding="utf-8"
    )
    return corpus


@pytest.fixture(scope="session")
def extra_index(tmp_path_factory, extra_corpus) -> Path:
    index = tmp_path_factory.mktemp("extra-index")
    run_cli("rebuild", "--source", str(extra_corpus), "--index", str(index), "--quiet")
    return index


@pytest.fixture()
def client(seed_index):
    app = create_app({"INDEX_DIR": str(seed_index), "TESTING": True})
    return app.test_client()


@pytest.fixture()
def extra_client(extra_index):
    app = create_app({"INDEX_DIR": str(extra_index), "TESTING": True})
    return app.test_client()


def api_search(client, q: str, **params) -> dict:
    response = client.get("/api/search", query_string={"q": q, **params})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def ids(data: dict) -> list[str]:
    return [r["id"] for r in data["results"]]


@pytest.fixture(scope="session")
def split_index(tmp_path_factory):
    """60 documents written by two processes, then updated: segments, one with deleted documents."""
    root = tmp_path_factory.mktemp("columns")
    source, index = root / "src", root / "index"
    make_corpus([SEEDS], source, 60, seed=5)
    run_cli("rebuild", "--source", str(source), "--index", str(index), "--procs", "2", "--quiet")
    files = sorted(source.rglob("*.txt"))
    for f in files[:2]:
        text = f.read_text(encoding="utf-8")
        f.write_text(text + "\nوأضاف أن المذنب سيمر بعيدا عن الأرض.", encoding="utf-8")
    files[2].unlink()
    run_cli("update", "--source", str(source), "--index", str(index), "--quiet")
    return source, index
