"""Indexing speed, index size and memory, each way of indexing in its own process.

(a) plain: Whoosh with RegexTokenizer + LowercaseFilter on the same title and
    body, stored the same way: the reference with no Arabic analysis;
(b) ours, one writer process;
(c) ours, one writer process per core.
Every way reads the files with the engine's own reader, so the difference
between them is analysis and writing.  Peak memory is the process's (and its
writer processes') maximum resident set.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .report import PROJECT


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux; children counts the writer processes (the largest of them).
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) / 1024


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _plain(corpus: Path, out: Path) -> int:
    from whoosh import index as whoosh_index
    from whoosh.analysis import LowercaseFilter, RegexTokenizer
    from whoosh.fields import ID, TEXT, Schema

    from indexer.documents import Document, list_source_files, read_file

    analyzer = RegexTokenizer() | LowercaseFilter()
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                    body=TEXT(analyzer=analyzer, stored=True))
    out.mkdir(parents=True)
    writer = whoosh_index.create_in(str(out), schema).writer(limitmb=256)
    documents = 0
    for file in list_source_files(corpus):
        for item in read_file(file, corpus):
            if isinstance(item, Document):
                writer.add_document(id=item.id, title=item.title, body=item.body)
                documents += 1
    writer.commit()
    return documents


def run_one(way: str, corpus: Path, out: Path) -> dict:
    """Index ``corpus`` into ``out`` one ``way``; its figures (in this process)."""
    started = time.perf_counter()
    if way == "plain":
        documents = _plain(corpus, out)
    else:
        from indexer import rebuild

        documents = rebuild(corpus, out, procs=1 if way == "ours" else os.cpu_count()).documents
    seconds = time.perf_counter() - started
    return {"way": way, "documents": documents, "seconds": seconds, "index_bytes": _dir_bytes(out),
            "peak_rss_mb": _peak_rss_mb()}


def measure(way: str, corpus: Path, scratch: Path, keep_as: Path | None = None) -> dict:
    """``run_one`` in a fresh process, so each way starts cold and its memory is its own.

    With ``keep_as``, the index made is moved there (the other benchmarks use it)."""
    out = scratch / f"index-{way}"
    shutil.rmtree(out, ignore_errors=True)
    code = ("import json, sys; from pathlib import Path; from bench.indexing import run_one; "
            "print(json.dumps(run_one(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))))")
    done = subprocess.run([sys.executable, "-c", code, way, str(corpus), str(out)], cwd=PROJECT,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"indexing ({way}) failed:\n{done.stderr[-3000:]}")
    if keep_as is not None:
        shutil.rmtree(keep_as, ignore_errors=True)
        out.rename(keep_as)
    shutil.rmtree(out, ignore_errors=True)
    return json.loads(done.stdout.strip().splitlines()[-1])
