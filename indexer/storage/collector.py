"""Python's full garbage collections held back while segments are written.

A writer keeps millions of small lists alive until its segment is written
(the pooled postings, segment_writer.py), and they hold no reference
cycles.  Python's collector walks every tracked object of the process in
each full collection, and it runs one whenever the objects that survived
the young generations grow by a quarter: the pool grows all the time, so it
walked it again and again.  Measured on 3,000 bench documents
(``bench.corpus.make_corpus([seeds, xquad-ar corpus.jsonl], out, 3000, seed=3)``),
``rebuild(out, index, procs=1)`` with each full collection timed by a
``gc.callbacks`` hook: without the hold, 73 full collections took 11.4 s of a
47.2 s rebuild and freed nothing; with it, one took 0.1 s of 35.3 s.

The young generations are still collected as usual: what cyclic garbage
indexing makes (the frames of an exception, a skipped file) dies young.
"""

from __future__ import annotations

import gc
import threading
from contextlib import contextmanager

# A full collection also waits for this many collections of the middle
# generation: never, while held (the threshold is a C int).
_HELD = 2**31 - 1

_lock = threading.Lock()
_holders = 0
_saved: tuple[int, ...] = ()


@contextmanager
def full_collections_held():
    """No automatic full collection inside the block (nor in any other thread
    until every block entered has been left); the thresholds are then as they were."""
    global _holders, _saved
    with _lock:
        if _holders == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], _HELD)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                gc.set_threshold(*_saved)
