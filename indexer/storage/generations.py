"""Where indexes live on disk, and how a new one replaces the old atomically.

    index/
      CURRENT          name of the generation being served (replaced atomically)
      gen-<stamp>/     one complete Whoosh index + meta.json (which lists the index's files and their sizes)
      .rebuild.lock    held while a rebuild runs

A rebuild writes a new generation beside the served one and only then swaps
CURRENT with ``os.replace``; readers notice the new name and reopen.  A failed
or killed rebuild leaves CURRENT (and so the served index) untouched.

An index that cannot be served raises IndexUnavailable, saying why: IndexMissing
(none built, or the generation CURRENT names is gone) or IndexDamaged (CURRENT
or meta.json unreadable, a file of the index missing or not the size it was
written at).  A file cut short is found by its size when the generation is
opened, as Lucene checks a segment's files, instead of failing deep inside a
search with whatever error the reader raises.
"""

from __future__ import annotations

import ctypes
import fcntl
import json
import os
import re
import shlex
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
# What CURRENT may name: a folder of the index folder, nothing with a slash.
_GENERATION_NAME = re.compile(re.escape(GEN_PREFIX) + r"[0-9A-Za-z_.-]+")
# meta.json's record of the index files and their sizes (check_files).
INDEX_FILES = "index_files"


class IndexUnavailable(Exception):
    """No index can be served from the folder; the message says why and how to rebuild it."""


class IndexMissing(IndexUnavailable):
    """No index was built in the folder, or the generation CURRENT names is gone."""


class IndexDamaged(IndexUnavailable):
    """The index is there but cannot be read: ``problem`` says which file and what is wrong with it.

    ``meta`` is its build record when that was readable (the app rebuilds from its source)."""

    def __init__(self, index_dir: Path, problem: str, meta: dict | None = None):
        self.problem, self.meta = problem, meta or {}
        super().__init__(f"the index in {index_dir} is damaged: {problem}; "
                         f"rebuild it with `{rebuild_command(index_dir, self.meta)}`")


def rebuild_command(index_dir: Path, meta: dict | None = None) -> str:
    """The command that rebuilds ``index_dir`` (from the folder it was built from, when known)."""
    source = (meta or {}).get("source")
    source_arg = f" --source {shlex.quote(source)}" if isinstance(source, str) and source else ""
    return f"python -m indexer rebuild{source_arg} --index {shlex.quote(str(index_dir))}"


class RebuildBusy(Exception):
    pass


def current_generation(index_dir: Path) -> Path | None:
    """The generation folder CURRENT names, or None when there is no usable index
    (none, or a damaged one: a rebuild or an update then starts afresh)."""
    try:
        return checked_generation(index_dir)[0]
    except IndexUnavailable:
        return None


def checked_generation(index_dir: Path) -> tuple[Path, dict]:
    """The generation CURRENT names and its build record, its files checked
    against that record; IndexMissing or IndexDamaged says why there is none."""
    gen = require_generation(index_dir)
    meta = read_meta(gen)
    check_files(gen, meta)
    return gen, meta


def require_generation(index_dir: Path) -> Path:
    """The generation folder CURRENT names; IndexMissing or IndexDamaged says why there is none."""
    index_dir = Path(index_dir)
    try:
        raw = (index_dir / CURRENT).read_bytes()
    except FileNotFoundError:
        raise IndexMissing(
            f"no index in {index_dir}: build one with `{rebuild_command(index_dir)}`"
        ) from None
    except OSError as exc:
        raise IndexDamaged(index_dir, f"its {CURRENT} file cannot be read ({exc.strerror})") from None
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise IndexDamaged(index_dir, f"its {CURRENT} file is not UTF-8 text (it holds {raw[:40]!r})") from None
    if not name:
        raise IndexDamaged(index_dir, f"its {CURRENT} file is empty")
    if not _GENERATION_NAME.fullmatch(name):
        raise IndexDamaged(index_dir, f"its {CURRENT} file names {name[:80]!r}, not a generation folder "
                                      f"({GEN_PREFIX}…)")
    gen = index_dir / name
    if not (gen / META).is_file():
        raise IndexMissing(
            f"no index in {index_dir}: the generation {name} that {CURRENT} names is gone; "
            f"build one with `{rebuild_command(index_dir)}`"
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
    """The build record of a generation; IndexDamaged when it is not a JSON object (IndexMissing when gone)."""
    gen = Path(gen)
    where = f"{gen.name}/{META}"
    try:
        meta = json.loads((gen / META).read_bytes())
    except FileNotFoundError:
        raise IndexMissing(f"no index in {gen.parent}: {where} is gone; "
                           f"build one with `{rebuild_command(gen.parent)}`") from None
    except OSError as exc:
        raise IndexDamaged(gen.parent, f"{where} cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise IndexDamaged(gen.parent, f"{where} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise IndexDamaged(gen.parent, f"{where} is not JSON ({exc.msg}: line {exc.lineno} column {exc.colno})") \
            from None
    if not isinstance(meta, dict):
        raise IndexDamaged(gen.parent, f"{where} holds a JSON {type(meta).__name__}, not an object")
    return meta


def index_files(gen: Path) -> dict[str, int]:
    """The files a generation's index cannot do without, with their sizes: Whoosh's table of contents
    and segments, and each segment's posting columns (they alone hold its roots and 4-grams,
    relatives.py)."""
    return {entry.name: entry.stat().st_size for entry in sorted(Path(gen).iterdir())
            if entry.is_file() and entry.name not in (META, FILES)
            and not entry.name.endswith("WRITELOCK") and ".tmp" not in entry.name}


def check_files(gen: Path, meta: dict) -> None:
    """IndexDamaged naming the first file of ``meta``'s record that is missing or not the size it
    was written at.  A few stats; a generation published without a record is not checked."""
    gen = Path(gen)
    recorded = meta.get(INDEX_FILES)
    if recorded is None:
        return
    if not isinstance(recorded, dict) or not all(isinstance(size, int) for size in recorded.values()):
        raise IndexDamaged(gen.parent, f"{gen.name}/{META} has a malformed {INDEX_FILES!r} record", meta)
    for name, size in recorded.items():
        where = f"{gen.name}/{name}"
        try:
            actual = os.stat(gen / name).st_size
        except FileNotFoundError:
            raise IndexDamaged(gen.parent, f"{where} is missing", meta) from None
        except OSError as exc:
            raise IndexDamaged(gen.parent, f"{where} cannot be read ({exc.strerror})", meta) from None
        if actual != size:
            how = "truncated" if actual < size else "changed"
            raise IndexDamaged(gen.parent, f"{where} is {how}: {actual:,} bytes, written as {size:,}", meta)


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
    """Make ``gen`` the served index, then drop all but it and its predecessor.

    ``meta`` is written with the record of the index's files (index_files), checked when it is opened."""
    meta = {**meta, INDEX_FILES: index_files(gen)}
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
