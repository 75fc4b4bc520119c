"""Whoosh's posting blocks pickled with the newest protocol instead of protocol 2.

whoosh.codec.whoosh3 pickles each block of postings with ``dumps(data, 2)``.
Under protocol 2 a bytes object (the positions of one posting, in the fields
that serve phrases) is stored as a call to codecs.encode on a latin-1
string: unpickling a block of 128 such postings took about 64 µs, against
8.5 µs under protocol 5, and the block zipped to half the size.  Reading
blocks is most of a search's time at 100,000 documents (docs/benchmarks.md).
Whoosh reads every protocol (pickle.loads), so only writing changes and
indexes written before still open; Whoosh has no setting for it, so the
module's ``dumps`` is replaced when the engine is imported.
"""

from __future__ import annotations

import pickle

from whoosh.codec import whoosh3


def _dumps(obj, protocol=None) -> bytes:
    return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)


def install() -> None:
    whoosh3.dumps = _dumps
