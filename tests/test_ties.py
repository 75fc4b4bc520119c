"""Results of equal score come in id order (ascending, by code points), whatever wrote the index.

Whoosh numbers documents in the order they are written: one writer numbers
them file by file, two writer processes each take batches of 100 as they come
free, and `update` appends new documents in a segment of their own.  The same
corpus is built those three ways; documents with identical texts under
different ids tie exactly, and they must come back in the same order each
time, page after page, through the engine and through the JSON API.
"""

from __future__ import annotations

import json
import random
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from whoosh import index as whoosh_index

from conftest import SEEDS, api_search, ids, run_cli
from indexer import SearchEngine
from indexer.storage.id_order import id_ranks
from indexer.search.ranking import DEFAULT_RANKING
from indexer.storage.generations import current_generation
from webapp import create_app

QUERY = "كويكب"
# Two texts, each under several ids: the word in title and body, and in the body alone.
NEAR = {"title": "كويكب قرب الأرض", "text": "رصد العلماء كويكبا يمر قرب الأرض هذا الأسبوع."}
FAR = {"title": "أخبار العلوم", "text": "قال الفلكيون إن كويكبا صغيرا مر دون خطر."}
# Ids whose order by code points is neither their order in the files nor a
# dictionary's: capitals before small letters, "doc-10" before "doc-9", Latin before Arabic.
NEAR_IDS = ["وثيقة-2", "Zeta", "doc-9", "é-note", "doc-10", "alpha", "ب-1", "beta"]
FAR_IDS = ["وثيقة-10", "doc-1", "Beta", "ω", "doc-100", "m", "ا-1", "_x", "Z"]
EXPECTED = sorted(NEAR_IDS) + sorted(FAR_IDS)
PARTS = [f"part-{n}.jsonl" for n in range(1, 8)]  # 100 documents each: 7 batches for the writer processes
LATE = "late.jsonl"  # left out of the first build and added by `update`; sorts before the parts
FILLERS_PER_PART, FILLERS_LATE = 100, 20


def _seed_sentences() -> list[str]:
    text = " ".join(path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt")))
    return [s.strip() for s in text.replace("\n", ".").split(".") if len(s.split()) > 3]


def _write_corpus(folder) -> None:
    """The parts and the late file: seed sentences as fillers, the tied documents scattered among them."""
    rng = random.Random(7)
    sentences = _seed_sentences()
    tied = [(doc_id, NEAR) for doc_id in NEAR_IDS] + [(doc_id, FAR) for doc_id in FAR_IDS]
    rng.shuffle(tied)
    files = [LATE] + PARTS
    records = {name: [] for name in files}
    for n, name in enumerate(files):
        fillers = FILLERS_LATE if name == LATE else FILLERS_PER_PART - 2
        for i in range(fillers):
            records[name].append({"id": f"{name}-{i:03d}", "title": rng.choice(sentences),
                                  "text": " ".join(rng.sample(sentences, 3))})
        for doc_id, text in tied[n :: len(files)]:  # two or three to a file, anywhere in it
            records[name].insert(rng.randrange(len(records[name]) + 1), {"id": doc_id, **text})
    for name, items in records.items():
        (folder / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in items),
                                   encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict:
    """The index of the same corpus written three ways, by name.  Tied documents are
    copies of one text, which would be folded into one result: built without signatures."""
    corpus = tmp_path_factory.mktemp("ties-corpus")
    _write_corpus(corpus)
    found = {}
    for name, procs in (("one writer", "1"), ("two writer processes", "2")):
        found[name] = tmp_path_factory.mktemp("ties-index")
        run_cli("rebuild", "--source", str(corpus), "--index", str(found[name]), "--procs", procs, "--quiet",
                "--no-signatures")
    # Without the late file first, then `update` appends its documents in a segment of their own.
    partial = tmp_path_factory.mktemp("ties-partial")
    for name in PARTS:
        shutil.copy(corpus / name, partial / name)
    found["update"] = tmp_path_factory.mktemp("ties-index")
    run_cli("rebuild", "--source", str(partial), "--index", str(found["update"]), "--quiet", "--no-signatures")
    shutil.copy(corpus / LATE, partial / LATE)
    run_cli("update", "--source", str(partial), "--index", str(found["update"]), "--quiet")
    return found


def _numbering(index) -> tuple[list[str], int]:
    """The tied ids in the order of their document numbers, and how many segments hold them."""
    ix = whoosh_index.open_dir(str(current_generation(index)))
    try:
        with ix.searcher() as searcher:
            numbered = [searcher.stored_fields(n)["id"] for n in range(searcher.doc_count_all())]
            return [i for i in numbered if i in EXPECTED], len(searcher.leaf_searchers())
    finally:
        ix.close()


def test_the_builds_number_the_tied_documents_differently(builds):
    # What makes the other tests worth running: without a tie-break of its
    # own, the engine would give three different orders.
    numbering = {name: _numbering(index) for name, index in builds.items()}
    assert numbering["two writer processes"][1] >= 2 and numbering["update"][1] >= 2
    orders = [tuple(order) for order, _ in numbering.values()]
    assert len(set(orders)) >= 2 and all(list(order) != EXPECTED for order in orders)


@pytest.mark.parametrize("build", ["one writer", "two writer processes", "update"])
def test_equal_scores_come_in_id_order_whatever_wrote_the_index(builds, build):
    hits = SearchEngine(builds[build]).search(QUERY, per_page=50, snippets=False).hits
    assert [hit.id for hit in hits] == EXPECTED
    # Truly tied: one score per text, the word in the title above.
    near, far = {h.score for h in hits[: len(NEAR_IDS)]}, {h.score for h in hits[len(NEAR_IDS) :]}
    assert len(near) == len(far) == 1 and near.pop() > far.pop()


@pytest.mark.parametrize("build", ["one writer", "two writer processes", "update"])
def test_pages_continue_in_id_order_through_the_api(builds, build):
    client = create_app({"INDEX_DIR": str(builds[build]), "TESTING": True}).test_client()
    pages = [api_search(client, QUERY, page=page, per_page=5) for page in range(1, 5)]
    assert [page["total"] for page in pages] == [len(EXPECTED)] * 4
    assert [i for page in pages for i in ids(page)] == EXPECTED
    # A page's ids are those the engine gives for the same page.
    engine = SearchEngine(builds[build])
    assert ids(pages[1]) == [hit.id for hit in engine.search(QUERY, page=2, per_page=5, snippets=False).hits]


@pytest.mark.parametrize("build", ["two writer processes", "update"])
def test_whooshs_own_ranking_breaks_ties_the_same_way(builds, build):
    # The reference ranking `evaluate --config field-saturation` runs through Whoosh's matchers.
    engine = SearchEngine(builds[build], DEFAULT_RANKING.with_(saturation="field"))
    assert [hit.id for hit in engine.search(QUERY, per_page=50, snippets=False).hits] == EXPECTED
    assert [hit.id for hit in engine.search(QUERY, page=3, per_page=4, snippets=False).hits] == EXPECTED[8:12]


def test_the_id_order_is_made_once_per_generation_for_every_thread(tmp_path, monkeypatch):
    # Reading every id costs some 0.3 s at 100,000 documents: once per index
    # generation in a process, not per thread or per query.
    import indexer.engine

    made = []

    def counted(searcher):
        made.append(searcher.doc_count_all())
        return id_ranks(searcher)

    monkeypatch.setattr(indexer.engine, "id_ranks", counted)
    source = tmp_path / "src"
    shutil.copytree(SEEDS, source)
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(source), "--index", str(index), "--quiet")
    engine = SearchEngine(index)

    def search_twice():
        return [len(engine.search("لافروف", snippets=False).hits) for _ in range(2)]

    together = threading.Barrier(4)

    def in_step(_):
        together.wait(timeout=60)  # four threads at once, each opening the index for itself
        return search_twice()

    with ThreadPoolExecutor(4) as pool:
        assert all(all(found) for found in pool.map(in_step, range(4)))
    assert made == [5]
    # A new generation is ordered anew, once.
    (source / "new.txt").write_text("لافروف\n\nقال لافروف إن المحادثات ستستمر.\n", encoding="utf-8")
    run_cli("update", "--source", str(source), "--index", str(index), "--quiet")
    search_twice()
    search_twice()
    assert made == [5, 6]
