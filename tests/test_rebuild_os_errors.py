"""A rebuild or update the system refuses (a full disk, a read-only index folder)
says so in one line, exits 1, and leaves the index it served serving and no
half-written generation behind."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, SEEDS, run_cli, write_articles
from indexer import SearchEngine, cli
from indexer.storage.generations import GEN_PREFIX, current_generation

# Bytes any one file may grow to (RLIMIT_FSIZE): the seed index fits, an index
# of the articles below does not.  Python ignores SIGXFSZ, so a write past it
# fails with EFBIG ("File too large"), as on a full disk it fails with ENOSPC.
FILE_LIMIT = 200_000
NEW_WORD = "كويكب"  # in the articles, not in the seeds
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE = 24, 1  # <linux/prctl.h>, <linux/capability.h>


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> Path:
    """400 short articles made of the seeds' sentences: an index of some MB."""
    src = tmp_path_factory.mktemp("articles")
    write_articles(src, 400, 4, seed=7, name="article-{:03d}.txt", title=NEW_WORD + " {}")
    return src


@pytest.fixture()
def served(tmp_path) -> tuple[Path, Path, Path]:
    """A source folder (the seeds), the index built from it, and its generation."""
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(src), "--index", str(index), "--quiet")
    return src, index, current_generation(index)


def _run_limited(*args: str, preexec) -> tuple[int, str]:
    """``python -m indexer ARGS`` with ``preexec`` run in the child first; (exit code, stderr).
    A run that hangs is killed with its writer processes (its own process group)."""
    process = subprocess.Popen([sys.executable, "-m", "indexer", *args], cwd=PROJECT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=preexec, start_new_session=True)
    try:
        _, stderr = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"indexer {args} hung") from None
    return process.returncode, stderr


def _file_size_limited():
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def _assert_refused_and_still_serving(code: int, stderr: str, index: Path, gen: Path, command: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {command} failed")
    assert lines[0].endswith("; the index served before is still served")
    assert code == 1
    assert current_generation(index) == gen
    assert {p.name for p in index.iterdir() if p.name.startswith(GEN_PREFIX)} == {gen.name}
    answer = run_cli("search", "لافروف", "--index", str(index), "--json")
    assert '"total": 5' in answer.stdout
    assert SearchEngine(index).search(NEW_WORD).total == 0
    return lines[0]


@pytest.mark.parametrize("procs", ["1", "2"])
def test_a_rebuild_that_fills_the_disk_says_so_and_the_old_index_serves(served, articles, procs):
    _, index, gen = served
    code, stderr = _run_limited("rebuild", "--source", str(articles), "--index", str(index), "--procs", procs,
                                "--quiet", preexec=_file_size_limited)
    line = _assert_refused_and_still_serving(code, stderr, index, gen, "rebuild")
    # A failed write names no file (Python's file objects do not say): the index folder it was writing in.
    assert re.fullmatch(rf"error: rebuild failed writing the new index in {re.escape(str(index))}: .+; .+", line)


def test_an_update_that_fills_the_disk_says_so_and_the_old_index_serves(served, articles):
    src, index, gen = served
    for article in articles.iterdir():
        shutil.copy(article, src / article.name)
    code, stderr = _run_limited("update", "--source", str(src), "--index", str(index), "--quiet",
                                preexec=_file_size_limited)
    _assert_refused_and_still_serving(code, stderr, index, gen, "update")


def _without_override():
    """The index folder read-only even to root: root too obeys the folder's
    mode without the capability to override it (dropped from the bounding set,
    it is gone from the program this process runs next)."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0:
            os._exit(99)


def test_a_read_only_index_folder_refuses_rebuild_and_update_in_one_line(served, articles):
    src, index, gen = served
    if not sys.platform.startswith("linux") and os.geteuid() == 0:
        pytest.skip("root ignores a folder's mode here")
    (src / "new.txt").write_text(f"خبر جديد\nرصد العلماء {NEW_WORD} قرب الأرض.", encoding="utf-8")
    index.chmod(0o555)
    try:
        for command in ("rebuild", "update"):
            code, stderr = _run_limited(command, "--source", str(articles if command == "rebuild" else src),
                                        "--index", str(index), "--quiet", preexec=_without_override)
            if code == 99:
                pytest.skip("this process may not drop a capability (PR_CAPBSET_DROP)")
            line = _assert_refused_and_still_serving(code, stderr, index, gen, command)
            assert re.fullmatch(rf"error: {command} failed: Permission denied \(EACCES\): "
                                rf"{re.escape(str(index))}/{GEN_PREFIX}\S+; .+", line)
    finally:
        index.chmod(0o755)


def test_an_update_that_cannot_link_or_copy_leaves_no_half_made_generation(served, monkeypatch, capsys):
    # A full disk while the update shares the served generation's files (hard
    # links, copies where links fail): simulated, no file system fills on demand.
    src, index, gen = served
    (src / "new.txt").write_text(f"خبر جديد\nرصد العلماء {NEW_WORD} قرب الأرض.", encoding="utf-8")

    def no_space(source, destination, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(source), None, str(destination))

    monkeypatch.setattr(os, "link", no_space)
    monkeypatch.setattr(shutil, "copy2", no_space)
    code = cli.main(["update", "--source", str(src), "--index", str(index), "--quiet"])
    monkeypatch.undo()
    err = capsys.readouterr().err
    line = _assert_refused_and_still_serving(code, err, index, gen, "update")
    assert re.fullmatch(rf"error: update failed: No space left on device \(ENOSPC\): {re.escape(str(gen))}/\S+ -> "
                        rf"{re.escape(str(index))}/{GEN_PREFIX}\S+; .+", line)
