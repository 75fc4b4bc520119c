"""A multi-process rebuild whose parent is killed alone (kill -9, the OOM killer)
leaves no writer process behind holding the index locked, and one whose writer
process is killed fails instead of publishing an index without its documents."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import PROJECT, SEEDS, run_cli, write_articles
from indexer import SearchEngine
from indexer.storage.generations import CURRENT, GEN_PREFIX, LOCK, current_generation

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the writer processes in /proc")

WAIT_SECONDS = 20
NEW_WORD = "كويكب"  # in the small articles, not in the seeds


@pytest.fixture(scope="module")
def many_small_files(tmp_path_factory) -> Path:
    """2,400 short Arabic articles made of the seeds' sentences: a rebuild with two writer processes."""
    src = tmp_path_factory.mktemp("many-small-files")
    write_articles(src, 2400, 3, seed=5, name="small-{:04d}.txt", title=NEW_WORD + " {}")
    return src


@pytest.fixture()
def seed_index(tmp_path) -> Path:
    index = tmp_path / "index"
    run_cli("rebuild", "--source", str(SEEDS), "--index", str(index), "--quiet")
    return index


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    """The process exists and is not a zombie waiting to be reaped."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _lock_is_free(index: Path) -> bool:
    with open(index / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


# The command line as `python -m indexer` runs it, on a system without Linux's
# parent-death signal: the writer processes must notice their parent's end themselves.
WITHOUT_DEATH_SIGNAL = ["-c", "import sys, indexer.storage.generations; indexer.storage.generations._prctl = None; "
                              "from indexer.cli import main; sys.exit(main(sys.argv[1:]))"]


def _start_rebuild(source: Path, index: Path, python=("-m", "indexer")) -> tuple[subprocess.Popen, list[int]]:
    """A rebuild with two writer processes, once both are running."""
    rebuild = subprocess.Popen(
        [sys.executable, *python, "rebuild", "--source", str(source), "--index", str(index), "--procs", "2",
         "--quiet"],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, for the cleanup below
    )
    assert _until(lambda: len(_children(rebuild.pid)) == 2 or rebuild.poll() is not None, WAIT_SECONDS)
    writers = _children(rebuild.pid)
    assert len(writers) == 2, rebuild.communicate()
    return rebuild, writers


def _kill_leftovers(rebuild: subprocess.Popen, writers: list[int]) -> None:
    for pid in [rebuild.pid, *writers]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        os.killpg(rebuild.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    rebuild.wait(timeout=10)


def _generations(index: Path) -> set[str]:
    return {p.name for p in index.iterdir() if p.name.startswith(GEN_PREFIX)}


@pytest.mark.parametrize("python", [("-m", "indexer"), WITHOUT_DEATH_SIGNAL], ids=["linux", "elsewhere"])
def test_writer_processes_end_with_their_killed_parent_and_the_next_rebuild_runs(seed_index, many_small_files,
                                                                                python):
    served = current_generation(seed_index)
    rebuild, writers = _start_rebuild(many_small_files, seed_index, python)
    try:
        os.kill(rebuild.pid, signal.SIGKILL)  # the parent alone, as `kill` or the OOM killer does
        rebuild.wait(timeout=10)
        assert _until(lambda: not any(map(_running, writers)), WAIT_SECONDS), "writer processes outlived their parent"
        assert _lock_is_free(seed_index)
        assert current_generation(seed_index) == served
        assert SearchEngine(seed_index).search("لافروف").total == 5
        assert SearchEngine(seed_index).search(NEW_WORD).total == 0
    finally:
        _kill_leftovers(rebuild, writers)

    result = run_cli("rebuild", "--source", str(SEEDS), "--index", str(seed_index), "--quiet", check=False)
    assert result.returncode == 0, result.stderr
    new = current_generation(seed_index)
    assert new != served
    # The killed rebuild's generation is gone; the predecessor stays for readers that opened it.
    assert _generations(seed_index) == {new.name, served.name}
    assert sorted(p.name for p in seed_index.iterdir()) == sorted([CURRENT, LOCK, new.name, served.name])
    assert SearchEngine(seed_index).search("لافروف").total == 5


def test_a_killed_writer_process_fails_the_rebuild_and_the_old_index_stays(seed_index, many_small_files):
    served = current_generation(seed_index)
    rebuild, writers = _start_rebuild(many_small_files, seed_index)
    try:
        os.kill(writers[0], signal.SIGKILL)
        _, stderr = rebuild.communicate(timeout=120)
    finally:
        _kill_leftovers(rebuild, writers)
    assert rebuild.returncode == 1
    assert stderr.strip().splitlines() == [
        "error: rebuild failed: a writer process was killed (SIGKILL) before writing its segment; "
        "the index served before is still served"
    ]
    assert current_generation(seed_index) == served
    assert _generations(seed_index) == {served.name}
    assert SearchEngine(seed_index).search(NEW_WORD).total == 0
    assert not any(map(_running, writers))


def test_a_process_forked_during_a_rebuild_and_left_running_holds_no_lock(seed_index):
    # What a writer process that outlives its parent would hold: the lock's
    # open file, shared by the fork.  Its child here takes no death signal.
    script = (
        "import os, signal, sys, time, indexer.storage.generations as store\n"
        "with store.rebuild_lock(sys.argv[1]):\n"
        "    child = os.fork()\n"
        "    if child == 0:\n"
        "        if getattr(store, '_prctl', None): store._prctl(store.PR_SET_PDEATHSIG, 0, 0, 0, 0)\n"
        "        print(os.getpid(), flush=True)  # once forked: what runs at a fork has run\n"
        "        signal.pause()\n"
        "    time.sleep(60)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(seed_index)], cwd=PROJECT, stdout=subprocess.PIPE,
                              text=True, start_new_session=True)
    child = None
    try:
        child = int(holder.stdout.readline())
        assert not _lock_is_free(seed_index)  # the child's copy let go of nothing of its parent's
        holder.kill()
        holder.wait(timeout=10)
        assert _running(child)
        assert _lock_is_free(seed_index)
        assert run_cli("rebuild", "--source", str(SEEDS), "--index", str(seed_index), "--quiet").returncode == 0
    finally:
        _kill_leftovers(holder, [child] if child else [])
