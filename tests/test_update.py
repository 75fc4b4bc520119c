"""`python -m indexer update`: only what changed is indexed, and the result is the
index a rebuild would have made."""

from __future__ import annotations

import os
import shutil

import pytest

from conftest import SEEDS, run_cli
from indexer import SearchEngine
from indexer.storage.generations import current_generation, read_files

NEW = "new.txt"


@pytest.fixture
def source(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    run_cli("rebuild", "--source", str(src), "--index", str(tmp_path / "index"), "--quiet")
    return src


def _update(tmp_path, src) -> str:
    return run_cli("update", "--source", str(src), "--index", str(tmp_path / "index"), "--quiet").stdout


def _change(src):
    """Add one file, change one, remove one (what a daily news archive sees)."""
    (src / NEW).write_text("خبر جديد\nرصد العلماء كويكبا قرب الأرض.", encoding="utf-8")
    changed = sorted(src.glob("000_*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nوأضاف أن المذنب سيمر بعيدا.", encoding="utf-8")
    sorted(src.glob("004_*.txt"))[0].unlink()


def test_nothing_changed_means_nothing_done(tmp_path, source):
    before = current_generation(tmp_path / "index")
    out = _update(tmp_path, source)
    assert out.startswith("Up to date") and "5 document(s)" in out
    assert current_generation(tmp_path / "index") == before


def test_added_changed_and_removed_files_are_seen(tmp_path, source):
    _change(source)
    out = _update(tmp_path, source)
    assert "1 file(s) added, 1 changed, 1 removed; 2 document(s) indexed, 5 in the index" in out
    engine = SearchEngine(tmp_path / "index")
    assert [h.id for h in engine.search("كويكب").hits] == [NEW]
    assert [h.id for h in engine.search("المذنب").hits] == [sorted(source.glob("000_*.txt"))[0].name]
    assert all(not h.id.startswith("004_") for h in engine.search("ستوكهولم").hits)
    assert engine.stats()["documents"] == 5
    # A second update has nothing left to do.
    assert _update(tmp_path, source).startswith("Up to date")


def test_an_update_ranks_exactly_as_a_rebuild(tmp_path, source):
    _change(source)
    _update(tmp_path, source)
    run_cli("rebuild", "--source", str(source), "--index", str(tmp_path / "fresh"), "--quiet")
    updated, fresh = SearchEngine(tmp_path / "index"), SearchEngine(tmp_path / "fresh")
    # Whoosh's merge keeps a few tokens of the replaced text in its field-length
    # totals, so scores may differ by a fraction of a percent, never more.
    for query in ("لافروف", "وزير الخارجية", "كويكب", "السويد", '"مجموعة العشرين"', "ستوك*"):
        got, want = dict(updated.ranked(query)), dict(fresh.ranked(query))
        assert got.keys() == want.keys(), query
        assert all(abs(got[d] - want[d]) <= 0.01 * abs(want[d]) for d in want), query


def test_the_served_generation_is_left_whole(tmp_path, source):
    index = tmp_path / "index"
    old = current_generation(index)
    old_files = {p.name: p.read_bytes() for p in old.iterdir() if p.is_file()}
    _change(source)
    _update(tmp_path, source)
    assert current_generation(index) != old
    # The predecessor is kept for readers that opened it, unchanged byte for byte.
    assert {p.name: p.read_bytes() for p in old.iterdir() if p.is_file()} == old_files
    # And it still answers as it did: the removed article is there.
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(str(old)).searcher() as searcher:
        assert searcher.doc_count() == 5
        assert any(doc["id"].startswith("004_") for doc in searcher.all_stored_fields())


def test_a_file_that_broke_is_reported_and_its_old_text_removed(tmp_path, source):
    broken = sorted(source.glob("001_*.txt"))[0]
    broken.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    out = _update(tmp_path, source)
    assert broken.name in out and "Skipped 1" in out
    engine = SearchEngine(tmp_path / "index")
    assert engine.stats()["documents"] == 4
    assert broken.name not in {h.id for h in engine.search("عرفت").hits}


def test_a_touched_file_with_the_same_text_is_indexed_once(tmp_path, source):
    file = sorted(source.glob("002_*.txt"))[0]
    os.utime(file, ns=(file.stat().st_atime_ns, file.stat().st_mtime_ns + 10**9))
    out = _update(tmp_path, source)
    assert "1 changed" in out and "5 in the index" in out
    assert read_files(current_generation(tmp_path / "index"))[file.name]["ids"] == [file.name]


def test_without_an_index_update_builds_one(tmp_path):
    out = run_cli("update", "--source", str(SEEDS), "--index", str(tmp_path / "index"), "--quiet").stdout
    assert out.startswith("Indexed 5 document(s)")
