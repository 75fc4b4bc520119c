"""Rebuilding from a folder: every format, broken files reported and skipped, atomic swap."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SEEDS, run_cli
from indexer import SearchEngine
from indexer.storage.generations import current_generation


def write(folder: Path, name: str, content, mode="w"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@pytest.fixture()
def mixed_corpus(tmp_path) -> Path:
    src = tmp_path / "src"
    write(src, "plain.txt", "\n\nمقال عن الطاقة\nتحدث وزير الطاقة عن خطط جديدة.\n")
    write(src, "notes/readme.md", "# دليل الاستخدام\n\nهذا دليل عن **البحث** في الأرشيف.\n")
    write(src, "page.html",
          "<html><head><title>صفحة الأخبار</title><script>var x = 'مخفي';</script></head>"
          "<body><h1>عنوان آخر</h1><p>خبر عن الزراعة في مصر.</p><style>.a{}</style></body></html>")
    write(src, "items.json", json.dumps([
        {"id": "j1", "title": "أول خبر", "text": "خبر عن الاقتصاد", "url": "https://example.org/1",
         "date": "2024-01-02", "source": "وكالة"},
        {"id": "j2", "title": "ثاني خبر", "text": "خبر عن الرياضة"},
        {"title": "بلا معرف", "text": "سجل بلا معرف"},
    ], ensure_ascii=False))
    write(src, "stream.jsonl",
          json.dumps({"id": "l1", "title": "سطر", "text": "خبر عن السياحة"}, ensure_ascii=False) + "\n"
          + "{not json\n"
          + json.dumps({"id": "l2", "title": "سطر ثان", "text": ""}, ensure_ascii=False) + "\n")
    write(src, "utf16.txt", "عنوان بترميز آخر\nنص عن الفلك".encode("utf-16"))
    write(src, "legacy.txt", "عنوان قديم\nنص عن الأرشيف".encode("cp1256"))
    write(src, "latin.txt", "Caf\xe9 cr\xe8me".encode("latin-1"))
    write(src, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    write(src, "empty.txt", "")
    write(src, "blank.md", "  \n\n ")
    write(src, "image.png", b"\x89PNG")
    write(src, ".hidden.txt", "مخفي")
    return src


def test_every_format_is_read_and_every_bad_file_reported(mixed_corpus, tmp_path):
    index = tmp_path / "index"
    result = run_cli("rebuild", "--source", str(mixed_corpus), "--index", str(index), "--quiet")
    out = result.stdout
    assert "Indexed 8 document(s)" in out
    assert "legacy.txt: not UTF-8; read as Windows-1256" in out
    for reason in (
        "latin.txt: not UTF-8: byte 0xe9",
        "binary.txt: binary file",
        "empty.txt: empty file",
        "blank.md: empty file",
        "image.png: unsupported file type .png",
        'items.json#3: missing "id"',
        "stream.jsonl:2: invalid JSON",
        'stream.jsonl:3: missing or empty "text"',
    ):
        assert reason in out, reason
    assert ".hidden" not in out

    engine = SearchEngine(index)
    found = {q: [h.id for h in engine.search(q).hits]
             for q in ("الطاقة", "البحث", "الزراعة", "الاقتصاد", "السياحة", "الفلك")}
    assert found == {
        "الطاقة": ["plain.txt"],
        "البحث": ["notes/readme.md"],
        "الزراعة": ["page.html"],
        "الاقتصاد": ["j1"],
        "السياحة": ["l1"],
        "الفلك": ["utf16.txt"],
    }
    assert [h.id for h in engine.search("قديم").hits] == ["legacy.txt"]
    # HTML: title from <title>, script text not indexed.
    assert engine.search("الأخبار").hits[0].title == "صفحة الأخبار"
    assert engine.search("مخفي").total == 0
    json_doc = engine.document("j1")
    assert (json_doc.url, json_doc.date, json_doc.source) == ("https://example.org/1", "2024-01-02", "وكالة")
    assert engine.document("plain.txt").title == "مقال عن الطاقة"
    assert engine.document("notes/readme.md").title == "دليل الاستخدام"


def test_failed_rebuild_keeps_the_old_index_serving(tmp_path):
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    served = current_generation(index)
    engine = SearchEngine(index)
    assert engine.search("لافروف").total == 5

    broken = tmp_path / "broken"
    write(broken, "a.txt", b"\x00\x01\x02")
    write(broken, "b.txt", "")
    result = run_cli("rebuild", "--source", str(broken), "--index", str(index), "--quiet", check=False)
    assert result.returncode == 1
    assert "no readable documents" in result.stderr
    assert current_generation(index) == served
    assert engine.search("لافروف").total == 5
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("gen-")) == [served.name]

    missing = run_cli("rebuild", "--source", str(tmp_path / "nowhere"), "--index", str(index), check=False)
    assert missing.returncode == 1 and "source folder not found" in missing.stderr
    assert current_generation(index) == served


def test_rebuild_swaps_in_new_documents_for_a_running_engine(tmp_path):
    src = tmp_path / "src"
    write(src, "one.txt", "الأول\nنص عن القمر")
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    engine = SearchEngine(index)
    assert engine.search("القمر").total == 1
    assert engine.search("الشمس").total == 0
    write(src, "two.txt", "الثاني\nنص عن الشمس")
    run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    assert [h.id for h in engine.search("الشمس").hits] == ["two.txt"]


def test_leftovers_of_a_killed_rebuild_are_cleaned(tmp_path):
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    leftover = index / "gen-19990101T000000-1-000000"
    leftover.mkdir()
    (leftover / "junk").write_text("half written")
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    assert not leftover.exists()


def test_search_and_stats_commands(seed_index):
    result = run_cli("search", "عرفت", "--index", str(seed_index))
    assert "1 result(s)" in result.stdout
    assert "[عُرفت]" in result.stdout
    stats = run_cli("stats", "--index", str(seed_index))
    assert "documents: 5" in stats.stdout
    bad = run_cli("search", "لاف*روف", "--index", str(seed_index), check=False)
    assert bad.returncode == 2 and "end of a word" in bad.stderr
    stray = run_cli("search", '"لافروف', "--index", str(seed_index))
    assert "note: A quotation mark" in stray.stdout
    none = run_cli("search", "لافروف", "--index", str(seed_index.parent / "no-index-here"), check=False)
    assert none.returncode == 1 and "rebuild" in none.stderr


def test_search_output_cut_short_by_its_reader_ends_quietly(seed_index):
    # `python -m indexer search ... | head -1`: the reader is gone before the results are written.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run([sys.executable, "-m", "indexer", "search", "لافروف", "--index", str(seed_index)],
                                cwd=PROJECT, stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr


def test_the_app_rebuilds_an_index_made_by_an_older_analysis(tmp_path):
    # python -m webapp serves what it finds, unless the analysis has changed
    # since: then it rebuilds from the folder the index was built from.
    from webapp.__main__ import _rebuild_plan

    source = tmp_path / "docs"
    source.mkdir()
    (source / "a.txt").write_text("عنوان\n\nنص عن لافروف.\n", encoding="utf-8")
    index = tmp_path / "index"
    assert _rebuild_plan(index, SEEDS)[0] == SEEDS  # no index yet: the default source
    run_cli("rebuild", "--source", str(source), "--index", str(index), "--quiet")
    assert _rebuild_plan(index, SEEDS) is None
    meta_file = current_generation(index) / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta_file.write_text(json.dumps({**meta, "analysis_version": 1}), encoding="utf-8")
    plan_source, settings, reason = _rebuild_plan(index, SEEDS)
    assert plan_source == source and "older version" in reason


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """300 generated articles, indexed by one writer and by two writer processes."""
    from bench.corpus import make_corpus
    from bench.queries import make_queries

    base = tmp_path_factory.mktemp("generated")
    make_corpus([SEEDS], base / "corpus", 300, seed=4)
    for procs in ("1", "2"):
        run_cli("rebuild", "--source", str(base / "corpus"), "--index", str(base / procs), "--procs", procs, "--quiet")
    queries = make_queries(sorted((base / "corpus").rglob("*.txt")), 40) + ["وزير الخارجية", "السويد -الهند"]
    return base, queries


def _ranked(engine, query, limit=100):
    # Ties may come in either order: documents are numbered per segment.
    hits = engine.ranked(query, limit=limit)
    return sorted(((round(score, 9), doc) for doc, score in hits), key=lambda p: (-p[0], p[1]))


def test_writer_processes_give_the_same_results_as_one_writer(generated):
    from whoosh import index as whoosh_index

    base, queries = generated
    segments = whoosh_index.open_dir(str(current_generation(base / "2")))._segments()
    assert len(segments) >= 2
    one, two = SearchEngine(base / "1"), SearchEngine(base / "2")
    assert two.stats()["documents"] == one.stats()["documents"] == 300
    for query in queries:
        assert _ranked(two, query) == _ranked(one, query), query


def test_the_first_page_holds_the_best_documents_of_all(generated):
    # The top 10 are the 10 best of every match, not of the part of the query
    # Whoosh's pruning kept once it held 10 documents.
    base, queries = generated
    engine = SearchEngine(base / "1")
    for query in queries:
        scores = [score for score, _ in _ranked(engine, query, limit=10)]
        assert scores == [score for score, _ in _ranked(engine, query, limit=100_000)][:10], query


def test_the_served_generation_follows_each_publish_and_a_lost_one_is_missing(tmp_path):
    from indexer.storage import generations as store

    index = tmp_path / "index"
    watch = store.CurrentWatch(index)
    with pytest.raises(store.IndexMissing):
        watch.generation()
    first = store.new_generation(index)
    store.publish(index, first, {})
    assert watch.generation() == first == watch.generation()
    second = store.new_generation(index)
    store.publish(index, second, {})
    assert watch.generation() == second
    (second / store.META).unlink()  # the generation lost under a searcher
    with pytest.raises(store.IndexMissing):
        watch.generation()


def test_writers_hold_back_full_collections_and_give_the_collector_back_as_it_was(tmp_path, monkeypatch):
    import gc
    import threading

    from indexer.ingest import build
    from indexer.storage.collector import full_collections_held

    seen = []
    index_document = build._index_document

    def recording(writer, doc, signatures=True):
        seen.append(gc.get_threshold())
        index_document(writer, doc, signatures)

    monkeypatch.setattr(build, "_index_document", recording)
    before = gc.get_threshold()
    index = tmp_path / "index"
    build.rebuild(SEEDS, index, procs=1)
    assert len(seen) == 5 and all(t[:2] == before[:2] and t[2] > 10**9 for t in seen)
    assert gc.get_threshold() == before
    # Restored when the rebuild fails, and after an update.
    broken = tmp_path / "broken"
    write(broken, "a.txt", b"\x00\x01\x02")
    with pytest.raises(build.RebuildError):
        build.rebuild(broken, index, procs=1)
    assert gc.get_threshold() == before
    src = tmp_path / "src"
    write(src, "one.txt", "الأول\nنص عن القمر")
    build.rebuild(src, index, procs=1)
    write(src, "two.txt", "الثاني\nنص عن الشمس")
    seen.clear()
    assert build.update(src, index).added == 1
    assert len(seen) == 1 and seen[0][2] > 10**9 and gc.get_threshold() == before
    # Blocks that overlap in two threads: the collector comes back when the last one ends.
    entered, leave = threading.Barrier(2), threading.Event()

    def hold():
        with full_collections_held():
            entered.wait()
            leave.wait()

    other = threading.Thread(target=hold)
    other.start()
    try:
        with full_collections_held():
            entered.wait()
        assert gc.get_threshold()[2] > 10**9  # the other thread still holds it
    finally:
        leave.set()
        other.join()
    assert gc.get_threshold() == before
