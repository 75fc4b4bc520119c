"""A damaged index answers 503 index_unavailable saying which file is wrong and how to rebuild, never a 500.

Each damage is done to a copy of an index built from seeds/ by the real CLI,
then the index is asked through the Flask test client (JSON API, results
page, document page) and the real `python -m indexer search` / `stats`.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest

from conftest import BY_TITLE_INDIA, PROJECT, SEEDS, run_cli
from indexer.storage import generations as store
from webapp import create_app

QUERY = "لافروف"
ARABIC_UNAVAILABLE = "الفهرس غير متاح الآن."


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    index = tmp_path_factory.mktemp("damaged") / "index"
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    return index


@pytest.fixture()
def index(built, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    return copy


def _generation(index):
    return store.require_generation(index)


def _one(gen, suffix):
    (found,) = gen.glob(f"*{suffix}")
    return found


def _cut_to_half(path):
    os.truncate(path, path.stat().st_size // 2)


# Each damage: does it to the index, returns words the message must hold.
def current_not_utf8(index):
    (index / "CURRENT").write_bytes(b"\xff\xfe")
    return ["CURRENT file is not UTF-8 text"]


def meta_not_json(index):
    gen = _generation(index)
    (gen / "meta.json").write_text("{not json", encoding="utf-8")
    return [f"{gen.name}/meta.json is not JSON"]


def _file_damage(name: str, suffix: str, how: str):
    """A damage to the generation's one file ending in ``suffix``: deleted, or cut to half its size."""
    def damage(index):
        path = _one(_generation(index), suffix)
        if how == "missing":
            path.unlink()
        else:
            _cut_to_half(path)
        return [f"{path.name} is {how}"]

    damage.__name__ = f"{name}_{'deleted' if how == 'missing' else 'truncated'}"
    return damage


toc_deleted, toc_truncated = (_file_damage("toc", ".toc", how) for how in ("missing", "truncated"))
segment_deleted, segment_truncated = (_file_damage("segment", ".seg", how) for how in ("missing", "truncated"))
# The posting columns hold the scored fields' postings and the roots and 4-grams (columns_codec.py, relatives.py).
columns_deleted, columns_truncated = (_file_damage("columns", ".postings", how) for how in ("missing", "truncated"))


DAMAGES = [current_not_utf8, meta_not_json, toc_deleted, toc_truncated, segment_deleted, segment_truncated,
           columns_deleted, columns_truncated]


def _app_client(index):
    return create_app({"INDEX_DIR": str(index), "TESTING": True}).test_client()


def _assert_names_problem(message, expected, index):
    for words in expected + [f"the index in {index} is damaged", "rebuild it with `python -m indexer rebuild"]:
        assert words in message, (words, message)


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda d: d.__name__)
def test_a_damaged_index_answers_503_naming_the_problem_until_rebuilt(index, damage):
    expected = damage(index)
    client = _app_client(index)

    response = client.get("/api/search", query_string={"q": QUERY})
    assert response.status_code == 503, response.get_data(as_text=True)
    error = response.get_json()["error"]
    assert error["code"] == "index_unavailable"
    _assert_names_problem(error["message"], expected, index)
    assert error["message"].endswith(f"--index {index}`")

    for url in ("/search", f"/doc/{BY_TITLE_INDIA}"):
        response = client.get(url, query_string={"q": QUERY})
        assert response.status_code == 503, (url, response.get_data(as_text=True)[:300])
        page = html.unescape(response.get_data(as_text=True))
        assert ARABIC_UNAVAILABLE in page, url
        for words in expected + ["python -m indexer rebuild"]:
            assert words in page, (url, words)

    for command in (["search", QUERY], ["stats"]):
        result = run_cli(*command, "--index", str(index), check=False)
        assert result.returncode == 1, result
        assert "Traceback" not in result.stderr and result.stdout == "", result
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        _assert_names_problem(lines[0], expected, index)

    # The rebuild the message asks for brings the app back, without a restart.
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    assert client.get("/api/search", query_string={"q": QUERY}).get_json()["total"] == 5
    assert client.get("/search", query_string={"q": QUERY}).status_code == 200
    assert client.get(f"/doc/{BY_TITLE_INDIA}").status_code == 200


def test_a_table_of_contents_cut_short_names_its_sizes(index):
    toc = _one(_generation(index), ".toc")
    written = toc.stat().st_size
    _cut_to_half(toc)
    message = _app_client(index).get("/api/search", query_string={"q": QUERY}).get_json()["error"]["message"]
    assert f"{toc.name} is truncated: {written // 2:,} bytes, written as {written:,}" in message


@pytest.mark.parametrize("file, text, expected", [
    ("CURRENT", "../elsewhere\n", "CURRENT file names '../elsewhere', not a generation folder"),
    ("CURRENT", "\n", "CURRENT file is empty"),
    ("meta.json", "[1, 2]", "meta.json holds a JSON list, not an object"),
])
def test_a_record_that_names_nothing_usable_is_named(index, file, text, expected):
    (index / "CURRENT" if file == "CURRENT" else _generation(index) / file).write_text(text, encoding="utf-8")
    response = _app_client(index).get("/api/search", query_string={"q": QUERY})
    assert response.status_code == 503
    assert expected in response.get_json()["error"]["message"]


def test_files_damaged_under_an_open_index_answer_rightly_or_503(index):
    # A thread that opened the generation keeps its open files; a thread that
    # opens it afterwards finds the damage.  (Files are cut short here only
    # where no thread maps them: cutting a memory-mapped file under a live
    # mapping makes the next read of it crash the process, see the report.)
    client = _app_client(index)
    want = client.get("/api/search", query_string={"q": QUERY}).get_json()["results"]
    gen = _generation(index)
    toc, seg = _one(gen, ".toc"), _one(gen, ".seg")
    _cut_to_half(toc)  # read when a generation is opened, then no more
    seg.unlink()  # its open mapping stays readable
    assert client.get("/api/search", query_string={"q": QUERY}).get_json()["results"] == want
    assert client.get(f"/doc/{BY_TITLE_INDIA}").status_code == 200

    answers = []
    other = threading.Thread(target=lambda: answers.append(client.get("/api/search", query_string={"q": QUERY})))
    other.start()
    other.join()
    assert answers[0].status_code == 503
    message = answers[0].get_json()["error"]["message"]
    assert f"{seg.name} is missing" in message or f"{toc.name} is truncated" in message, message


def test_a_segment_cut_short_under_an_open_searcher_that_reads_it_from_the_file_is_503(index, monkeypatch):
    # Where Whoosh cannot map a segment (a platform without mmap, no memory
    # for the map) it reads the file as it searches: the read that fails is
    # checked against the sizes recorded at publish and named.
    from whoosh.filedb import compound

    monkeypatch.setattr(compound, "mmap", None)
    client = _app_client(index)
    assert client.get("/api/search", query_string={"q": QUERY}).status_code == 200
    seg = _one(_generation(index), ".seg")
    os.truncate(seg, 64)  # what every document's stored fields were in
    for url in ("/api/search", f"/doc/{BY_TITLE_INDIA}"):
        response = client.get(url, query_string={"q": "ستوكهولم"})
        assert response.status_code == 503, (url, response.get_data(as_text=True)[:300])
        assert f"{seg.name} is truncated" in html.unescape(response.get_data(as_text=True))


def test_a_fault_of_the_code_stays_a_500(index, monkeypatch):
    # Only damage the files show becomes a 503; anything else is a bug to be seen.
    from indexer import engine as search

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(search, "highlight_all", broken)
    app = create_app({"INDEX_DIR": str(index)})  # not TESTING: the app's own 500 answer
    response = app.test_client().get("/api/search", query_string={"q": QUERY})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"


@pytest.mark.parametrize("damage", [current_not_utf8, meta_not_json, segment_truncated], ids=lambda d: d.__name__)
def test_update_of_a_damaged_index_rebuilds_it(index, damage):
    damage(index)
    result = run_cli("update", "--source", str(SEEDS), "--index", str(index), "--quiet")
    assert "Indexed 5 document(s) from 5 file(s)" in result.stdout
    assert _app_client(index).get("/api/search", query_string={"q": QUERY}).get_json()["total"] == 5


def test_the_app_plans_to_rebuild_a_damaged_index_from_where_it_was_built(tmp_path):
    from webapp.__main__ import _rebuild_plan

    source, other = tmp_path / "docs", tmp_path / "default"
    source.mkdir()
    other.mkdir()
    (source / "a.txt").write_text("عنوان\n\nنص عن لافروف.\n", encoding="utf-8")
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(source), "--index", str(index), "--quiet", "--stemmer", "snowball")
    assert _rebuild_plan(index, other) is None
    seg = _one(_generation(index), ".seg")
    _cut_to_half(seg)
    plan_source, settings, reason = _rebuild_plan(index, other)
    assert plan_source == source.resolve() and settings.stemmer == "snowball"
    assert "damaged" in reason and f"{seg.name} is truncated" in reason
    current_not_utf8(index)  # nothing known of the last build: the default source
    plan_source, settings, reason = _rebuild_plan(index, other)
    assert plan_source == other and "CURRENT file is not UTF-8 text" in reason


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_when_listening(url: str) -> str:
    # The server says it serves just before it binds its port.
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=60) as answer:
                return answer.read().decode("utf-8")
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError):
                raise
            time.sleep(0.1)
    raise AssertionError(f"nothing listens at {url}")


def test_python_m_webapp_rebuilds_a_damaged_index_and_serves_it(index):
    segment_truncated(index)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "webapp", "--index", str(index), "--port", str(port), "--threads", "2"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    watchdog = threading.Timer(180, server.kill)  # a server that never says it serves fails the test
    watchdog.start()
    try:
        said = []
        for line in server.stdout:
            said.append(line)
            if line.startswith("Serving on"):
                break
        assert any("is damaged" in line and ".seg is truncated" in line for line in said), said
        url = f"http://127.0.0.1:{port}/api/search?q=" + urllib.request.quote(QUERY)
        assert json.loads(_get_when_listening(url))["total"] == 5
    finally:
        watchdog.cancel()
        server.terminate()
        server.wait(timeout=30)
        assert "Traceback" not in server.stderr.read()
