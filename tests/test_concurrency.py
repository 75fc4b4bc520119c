"""The index keeps serving while it changes: rebuilds under queries, killed rebuilds, two rebuilds at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from browser_support import start_app
from conftest import PROJECT, SEEDS, run_cli, write_articles
from indexer import SearchEngine
from indexer.storage.generations import GEN_PREFIX, current_generation

NEW_WORD = "كويكب"  # only in the document the rebuild adds


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    """The seeds and 1,200 articles made of their sentences: a rebuild of a few seconds."""
    src = tmp_path_factory.mktemp("big-corpus")
    for seed in sorted(SEEDS.glob("*.txt")):
        (src / seed.name).write_bytes(seed.read_bytes())
    write_articles(src, 1200, 40, seed=3, name="article-{:04d}.txt", title="مقال {}")
    (src / "new.txt").write_text(f"خبر جديد\nرصد العلماء {NEW_WORD} قرب الأرض.", encoding="utf-8")
    return src


def _rebuild_process(source: Path, index: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", "rebuild", "--source", str(source), "--index", str(index), "--quiet"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _seed_index(tmp_path) -> Path:
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    return index


def _generations(index: Path) -> set[str]:
    return {p.name for p in index.iterdir() if p.name.startswith(GEN_PREFIX)}


def test_queries_never_fail_while_a_rebuild_swaps_the_index(tmp_path, big_corpus):
    index = _seed_index(tmp_path)
    server, url = start_app(index)
    statuses, errors, stop = [], [], threading.Event()

    def ask(query: str) -> dict:
        with urllib.request.urlopen(f"{url}/api/search?q={urllib.parse.quote(query)}", timeout=30) as response:
            statuses.append(response.status)
            return json.load(response)

    def keep_asking():
        while not stop.is_set():
            try:
                ask("لافروف")
            except Exception as exc:  # any failure at all is what this test looks for
                errors.append(repr(exc))

    workers = [threading.Thread(target=keep_asking) for _ in range(3)]
    try:
        for worker in workers:
            worker.start()
        assert ask(NEW_WORD)["total"] == 0
        rebuild = _rebuild_process(big_corpus, index)
        assert rebuild.wait(timeout=600) == 0, rebuild.stderr.read()
        # The running server picks up the new index without a restart.
        deadline = time.monotonic() + 10
        while ask(NEW_WORD)["total"] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert ask(NEW_WORD)["total"] == 1
        time.sleep(0.5)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
        server.terminate()
        server.wait(timeout=10)
    assert errors == []
    assert len(statuses) > 50 and set(statuses) == {200}


def test_a_rebuild_killed_at_any_moment_leaves_the_old_index_serving(tmp_path, big_corpus):
    index = _seed_index(tmp_path)
    served = current_generation(index)
    engine = SearchEngine(index)
    # Killed at moments spread over how long a whole rebuild of this corpus takes here.
    started = time.perf_counter()
    run_cli("rebuild", "--source", str(big_corpus), "--index", str(tmp_path / "timed"), "--quiet")
    whole = time.perf_counter() - started
    for share in (0.1, 0.3, 0.5, 0.7):
        rebuild = _rebuild_process(big_corpus, index)
        time.sleep(share * whole)
        os.kill(rebuild.pid, signal.SIGKILL)
        rebuild.wait(timeout=30)
        assert current_generation(index) == served
        assert engine.search("لافروف").total == 5
        assert SearchEngine(index).search(NEW_WORD).total == 0
    # The next rebuild runs (the killed ones hold no lock) and clears what they left.
    run_cli("rebuild", "--source", str(big_corpus), "--index", str(index), "--quiet")
    new = current_generation(index)
    assert new != served
    assert _generations(index) == {new.name, served.name}  # the predecessor stays for readers that opened it
    assert engine.search(NEW_WORD).total == 1
    run_cli("rebuild", "--source", str(big_corpus), "--index", str(index), "--quiet")
    assert _generations(index) == {current_generation(index).name, new.name}


def test_a_second_rebuild_is_refused_while_one_runs(tmp_path, big_corpus):
    index = _seed_index(tmp_path)
    before = _generations(index)
    first = _rebuild_process(big_corpus, index)
    deadline = time.monotonic() + 30
    while _generations(index) == before and time.monotonic() < deadline:
        time.sleep(0.02)  # the first rebuild has taken the lock once it made its generation
    second = run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet", check=False)
    assert second.returncode == 1
    assert "another rebuild" in second.stderr and "is running" in second.stderr
    assert first.wait(timeout=600) == 0, first.stderr.read()
    assert SearchEngine(index).search(NEW_WORD).total == 1
    assert SearchEngine(index).search("لافروف").total > 5
