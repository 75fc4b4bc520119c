"""What a source folder can and cannot make the indexer read: links that leave it,
files that are not files, JSON nested past any reader's depth, and ids or file
names carrying invisible controls."""

import json
import os
import shutil

import pytest

from conftest import SEEDS, run_cli
from webapp import create_app

RLO = "\u202e"
SECRET = "root:x:0:0: زمردستان"


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A source folder with links in and out, and a loop."""
    outside = tmp_path_factory.mktemp("outside")
    (outside / "passwd.txt").write_text(f"{SECRET}\nسطر من قلعةاللوز", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "hidden.txt").write_text(f"{SECRET}\nوثيقة عن قلعةاللوز", encoding="utf-8")

    src = tmp_path_factory.mktemp("linked-src")
    shutil.copy(SEEDS / "000_333e4f5e5842fc51.txt", src / "seed.txt")
    (src / "sub").mkdir()
    (src / "sub" / "report.txt").write_text("تقرير داخلي\nنص عن السدود والأنهار", encoding="utf-8")
    (src / "passwd.txt").symlink_to(outside / "passwd.txt")
    (src / "etc-passwd.txt").symlink_to("/etc/passwd")
    (src / "relative-escape.txt").symlink_to(os.path.relpath(outside / "passwd.txt", src))
    (src / "outer-folder").symlink_to(outside / "folder")
    (src / "inner-link.txt").symlink_to(src / "sub" / "report.txt")
    (src / "sub" / "loop").symlink_to(src)
    index = tmp_path_factory.mktemp("linked-index")
    result = run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    app = create_app({"INDEX_DIR": str(index), "TESTING": True})
    return src, index, outside, result.stdout, app.test_client()


def _ids(client, query):
    """The ids of every document found, copies folded under a result included (a link
    inside the folder is a second copy of its file)."""
    results = client.get("/api/search", query_string={"q": query}).get_json()["results"]
    return [r["id"] for r in results] + [c["id"] for r in results for c in r["duplicates"]]


def test_links_leaving_the_source_folder_are_skipped_with_a_reason(linked):
    _, _, _, summary, _ = linked
    for line in (
        "passwd.txt: link leading outside the source folder: not followed",
        "etc-passwd.txt: link leading outside the source folder: not followed",
        "relative-escape.txt: link leading outside the source folder: not followed",
        "outer-folder: link to a folder outside the source folder: not followed",
        "sub/loop: link to a folder inside the source folder: not followed",
    ):
        assert line in summary, summary


def test_entries_that_are_not_files_are_skipped_and_the_rest_indexed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "fine.txt").write_text("مقال سليم\nنص عن الفيضانات", encoding="utf-8")
    (src / "dangling.txt").symlink_to(src / "gone.txt")
    os.mkfifo(src / "pipe.txt")  # reading it would wait for a writer for ever
    result = run_cli("rebuild", "--source", str(src), "--index", str(tmp_path / "index"), "--quiet")
    assert "dangling.txt: cannot read: No such file or directory" in result.stdout
    assert "pipe.txt: not a regular file" in result.stdout
    assert "Indexed 1 document(s) from 1 file(s)" in result.stdout


def test_no_file_outside_the_source_folder_reaches_a_reader(linked):
    _, _, _, _, client = linked
    for query in ("root", "زمردستان", "قلعةاللوز"):
        assert _ids(client, query) == [], query
    for doc in ("passwd.txt", "etc-passwd.txt", "relative-escape.txt", "outer-folder/hidden.txt"):
        response = client.get("/doc/" + doc)
        assert response.status_code == 404, doc
        assert "root:" not in response.get_data(as_text=True)


def test_links_that_stay_inside_are_read_and_the_rest_is_indexed(linked):
    _, _, _, summary, client = linked
    assert sorted(_ids(client, "السدود")) == ["inner-link.txt", "sub/report.txt"]
    assert _ids(client, "بلينكن") == ["seed.txt"]
    assert "Indexed 3 document(s) from 3 file(s)" in summary


def test_update_applies_the_same_rule(linked, tmp_path):
    src, index, outside, _, _ = linked
    work_src, work_index = tmp_path / "src", tmp_path / "index"
    shutil.copytree(src, work_src, symlinks=True)
    shutil.copytree(index, work_index)
    run_cli("rebuild", "--source", str(work_src), "--index", str(work_index), "--quiet")
    (work_src / "new-escape.txt").symlink_to(outside / "passwd.txt")
    # A file indexed before that becomes a link out of the folder is dropped.
    (work_src / "sub" / "report.txt").unlink()
    (work_src / "sub" / "report.txt").symlink_to(outside / "passwd.txt")
    result = run_cli("update", "--source", str(work_src), "--index", str(work_index), "--quiet")
    assert "new-escape.txt: link leading outside the source folder" in result.stdout
    assert "sub/report.txt: link leading outside the source folder" in result.stdout
    client = create_app({"INDEX_DIR": str(work_index), "TESTING": True}).test_client()
    assert _ids(client, "root") == [] and _ids(client, "السدود") == []
    assert client.get("/doc/new-escape.txt").status_code == 404


@pytest.fixture(scope="module")
def nested(tmp_path_factory):
    src = tmp_path_factory.mktemp("nested-src")
    (src / "arrays.json").write_text("[" * 100_000, encoding="utf-8")
    (src / "objects.json").write_text('{"a":' * 5_000 + "1" + "}" * 5_000, encoding="utf-8")
    (src / "records.jsonl").write_text(
        json.dumps({"id": "ok-1", "title": "خبر", "text": "نص عن الواحات"}, ensure_ascii=False) + "\n"
        + "[" * 100_000 + "\n"
        + json.dumps({"id": "ok-2", "title": "خبر آخر", "text": "نص عن الواحات أيضا"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    (src / "deep.html").write_text("<div>" * 50_000 + "نص عن الصحراء" + "</div>" * 50_000, encoding="utf-8")
    (src / "fine.txt").write_text("مقال سليم\nنص عن الواحات والصحراء", encoding="utf-8")
    index = tmp_path_factory.mktemp("nested-index")
    result = run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    return result, create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def test_deeply_nested_json_is_skipped_and_the_rest_indexed(nested):
    result, client = nested
    assert "Traceback" not in result.stderr
    for line in ("arrays.json: nested too deeply", "objects.json: nested too deeply", "records.jsonl:2: nested too deeply"):
        assert line in result.stdout, result.stdout
    assert sorted(_ids(client, "الواحات")) == ["fine.txt", "ok-1", "ok-2"]
    # The deeply nested page is indexed if the HTML reader copes, or skipped with a reason; never fatal.
    assert "deep.html" in _ids(client, "الصحراء") or "deep.html: " in result.stdout


@pytest.fixture(scope="module")
def invisible(tmp_path_factory):
    src = tmp_path_factory.mktemp("invisible-src")
    records = [
        {"id": f"rtl{RLO}exe.txt", "title": f"عنوان{RLO}", "text": "نص عن الغزلان", "source": f"وكالة{RLO}\u0000"},
        {"id": "nul\u0000id", "title": "عنوان آخر", "text": "نص عن الغزلان والنمور"},
        {"id": "\u200f\u202e\u0000", "title": "بلا معرف", "text": "نص عن الغزلان"},
    ]
    (src / "records.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    (src / f"file{RLO}gpj.txt").write_text("ملف باسم معكوس\nنص عن الغزلان في البرية", encoding="utf-8")
    index = tmp_path_factory.mktemp("invisible-index")
    result = run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    return result.stdout, create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def test_ids_and_file_names_reach_readers_without_invisible_controls(invisible):
    summary, client = invisible
    response = client.get("/api/search", query_string={"q": "الغزلان"})
    raw = response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert sorted(r["id"] for r in results) == ["filegpj.txt", "nulid", "rtlexe.txt"]
    for text in (raw, client.get("/search", query_string={"q": "الغزلان"}).get_data(as_text=True)):
        assert RLO not in text and "\\u202e" not in text.lower()
        assert "\x00" not in text and "\\u0000" not in text
    for result in results:
        page = client.get(result["url"])  # the link still opens the document
        assert page.status_code == 200, result["url"]
        html = page.get_data(as_text=True)
        assert RLO not in html and "\x00" not in html
    # The summary names what was changed, the controls written as escapes.
    assert "(id \\u200f\\u202e\\u0000): the id has no visible character" in summary, summary
    assert "file\\u202egpj.txt: " in summary and RLO not in summary
