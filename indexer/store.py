"""Where indexes live on disk, and how a new one replaces the old atomically.

    index/
      CURRENT          name of the generation being served (replaced atomically)
      gen-<stamp>/     one complete Whoosh index + meta.json
      .rebuild.lock    held while a rebuild runs

A rebuild writes a new generation beside the served one and only then swaps
CURRENT with ``os.replace``; readers notice the new name and reopen.  A failed
or killed rebuild leaves CURRENT (and so the served index) untouched.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import shutil
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

CURRENT = "CURRENT"
META = "meta.json"
# Each source file's modification time, size and document ids, for `update`.
FILES = "files.json"
LOCK = ".rebuild.lock"
GEN_PREFIX = "gen-"


class IndexMissing(Exception):
    pass


class RebuildBusy(Exception):
    pass


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder CURRENT names, or None when there is no usable index."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    gen = Path(index_dir) / name
    if not name.startswith(GEN_PREFIX) or not (gen / META).is_file():
        return None
    return gen


def require_generation(index_dir: Path) -> Path:
    gen = current_generation(index_dir)
    if gen is None:
        raise IndexMissing(
            f"no index in {index_dir}: build one with `python -m indexer rebuild --index {index_dir}`"
        )
    return gen


class CurrentWatch:
    """``require_generation`` for a searcher that asks before every search:
    CURRENT is read again only when a stat says it was replaced (a rebuild
    swaps it with os.replace, a new file) or its generation lost its meta
    file.  Reading and checking them through pathlib took some 80 µs, the
    two stats take 5."""

    def __init__(self, index_dir: Path):
        self.index_dir = Path(index_dir)
        self._current = str(self.index_dir / CURRENT)
        self._seen = None  # (CURRENT's inode, mtime and size, the generation it named, its meta file)

    def generation(self) -> Path:
        try:
            st = os.stat(self._current)
            key = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            key = None
        seen = self._seen
        if key is not None and seen is not None and seen[0] == key and os.path.isfile(seen[2]):
            return seen[1]
        gen = require_generation(self.index_dir)
        self._seen = (key, gen, str(gen / META))
        return gen


def read_meta(gen: Path) -> dict:
    return json.loads((gen / META).read_text(encoding="utf-8"))


def read_files(gen: Path) -> dict | None:
    """The file record of a generation (None for one built before records were kept)."""
    try:
        return json.loads((gen / FILES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_files(gen: Path, states: dict) -> None:
    _write_atomically(gen / FILES, json.dumps(states, ensure_ascii=False, separators=(",", ":")))


def new_generation_from(index_dir: Path, gen: Path) -> Path:
    """A new generation holding ``gen``'s index files, hard-linked (copied where
    links are not possible): Whoosh writes a new segment or table of contents
    beside them and never changes one in place, so ``gen`` stays whole."""
    new = new_generation(index_dir)
    try:
        for entry in gen.iterdir():
            if entry.is_file() and entry.name not in (META, FILES) and not entry.name.endswith("WRITELOCK"):
                try:
                    os.link(entry, new / entry.name)
                except OSError:
                    shutil.copy2(entry, new / entry.name)
    except BaseException:
        discard(new)  # half made (a full disk): not left behind
        raise
    return new


def new_generation(index_dir: Path) -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    gen = Path(index_dir) / f"{GEN_PREFIX}{stamp}-{os.getpid()}-{time.monotonic_ns() % 10**6:06d}"
    gen.mkdir(parents=True)
    return gen


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def publish(index_dir: Path, gen: Path, meta: dict) -> None:
    """Make ``gen`` the served index, then drop all but it and its predecessor."""
    _write_atomically(gen / META, json.dumps(meta, ensure_ascii=False, indent=2))
    previous = current_generation(index_dir)
    _write_atomically(Path(index_dir) / CURRENT, gen.name + "\n")
    # The predecessor is kept: a reader that opened it a moment ago may still
    # be loading files from it.
    remove_stale(index_dir, keep={gen.name, previous.name if previous else ""})


def remove_stale(index_dir: Path, keep: set[str]) -> None:
    """Delete generations (and temp files) not in ``keep``: leftovers of old or killed rebuilds."""
    for entry in Path(index_dir).iterdir():
        if entry.name in keep:
            continue
        if entry.is_dir() and entry.name.startswith(GEN_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(CURRENT + ".tmp-"):
            entry.unlink(missing_ok=True)


def discard(gen: Path) -> None:
    shutil.rmtree(gen, ignore_errors=True)


# The rebuild locks this process holds (file descriptors), and its pid when it took them.
_held_locks: set[int] = set()
_holder_pid = 0
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
try:
    # Looked up here, not in a forked child (no loading of libraries there).
    _prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None
except (OSError, AttributeError):
    _prctl = None


def _forked_under_lock() -> None:
    """In a process forked while a rebuild lock is held: a writer process of the
    rebuild (whoosh's multiprocessing writer and the posting columns' pool fork).

    The child shares the lock's open file description, and flock belongs to
    that: a child left running after its parent was killed (kill -9, the OOM
    killer) kept the index locked, and every later rebuild was refused.  So
    the child's copy of the descriptor is pointed at /dev/null (dup2, so the
    number stays valid for the file object that owns it; an unlock here would
    unlock the parent too).  And on Linux the child asks to be killed when its
    parent dies: it has nothing left to do then (the rebuild's generation is
    abandoned), and Python's pools would otherwise wait on their queues for
    ever (Linux sends it when the forking thread ends: the rebuild's, which
    waits for its writers first).  Elsewhere the writer processes notice for
    themselves (segment_writer.py)."""
    if not _held_locks:
        return
    fds, parent = list(_held_locks), _holder_pid
    _held_locks.clear()
    devnull = os.open(os.devnull, os.O_RDONLY)
    for fd in fds:
        os.dup2(devnull, fd)
    os.close(devnull)
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the request
            os._exit(1)


os.register_at_fork(after_in_child=_forked_under_lock)


@contextmanager
def rebuild_lock(index_dir: Path):
    """Only one rebuild per index folder at a time; a second one is refused.
    Processes forked while it is held do not hold it, and die with this one (``_forked_under_lock``)."""
    global _holder_pid
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(index_dir) / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RebuildBusy(f"another rebuild of {index_dir} is running; try again when it ends") from None
        _holder_pid = os.getpid()
        _held_locks.add(handle.fileno())
        try:
            yield
        finally:
            _held_locks.discard(handle.fileno())
            fcntl.flock(handle, fcntl.LOCK_UN)
