"""Indexing speed, index size and memory, each way of indexing in its own process.

(a) plain: Whoosh with RegexTokenizer + LowercaseFilter on the same title and
    body, stored the same way: the reference with no Arabic analysis;
(b) ours, one writer process;
(c) ours, one writer process per core.
Every way reads the files with the engine's own reader, so the difference
between them is analysis and writing.  Peak memory is the process's (and its
writer processes') maximum resident set.

Analysis alone (``analyze_one``) makes each way's postings for every document
and writes nothing, so the cost of the analysis stands apart from the cost
of writing what it makes: plain's two fields; the engine's exact fields (the
same two texts, tokenized and normalized); and all six indexed fields that (b) and
(c) index.
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


def _cpu_seconds() -> float:
    # This process's and its finished writer processes' CPU time, user and system.
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _documents(corpus: Path):
    from indexer.ingest.documents import Document, list_source_files, read_file

    for file in list_source_files(corpus)[0]:
        for item in read_file(file, corpus):
            if isinstance(item, Document):
                yield item


def _plain_schema():
    from whoosh.analysis import LowercaseFilter, RegexTokenizer
    from whoosh.fields import ID, TEXT, Schema

    analyzer = RegexTokenizer() | LowercaseFilter()
    return Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=analyzer, stored=True),
                  body=TEXT(analyzer=analyzer, stored=True))


def _plain(corpus: Path, out: Path) -> int:
    from whoosh import index as whoosh_index

    out.mkdir(parents=True)
    writer = whoosh_index.create_in(str(out), _plain_schema()).writer(limitmb=256)
    documents = 0
    for doc in _documents(corpus):
        writer.add_document(id=doc.id, title=doc.title, body=doc.body)
        documents += 1
    writer.commit()
    return documents


ANALYSES = {
    "plain": "(a) plain: RegexTokenizer + LowercaseFilter, title and body",
    "ours-exact": "Arabic analysis, exact fields only: title and body tokenized and normalized",
    "ours": "Arabic analysis, all six indexed fields that (b) and (c) index (roots and 4-grams are maps over the exact terms)",
}


def analyze_one(analysis: str, corpus: Path) -> dict:
    """The postings ``analysis`` makes of every document of ``corpus`` (as a writer
    gets them from each field's ``index``), none written; the seconds count
    analysis alone, not reading the files."""
    from indexer.storage.schema import TEXT_FIELDS, build_schema, document_fields

    if analysis == "plain":
        schema, two_fields = _plain_schema(), ("title", "body")
    else:
        schema, two_fields = build_schema(), (TEXT_FIELDS["title"].exact, TEXT_FIELDS["body"].exact)
    seconds, postings, documents, fields = 0.0, 0, 0, 0
    for doc in _documents(corpus):
        started = time.perf_counter()
        texts = (document_fields(doc.title, doc.body) if analysis == "ours"
                 else dict(zip(two_fields, (doc.title, doc.body))))
        texts = {name: text for name, text in texts.items() if name in schema and schema[name].indexed}
        for name, text in texts.items():
            for _posting in schema[name].index(text):
                postings += 1
        seconds += time.perf_counter() - started
        documents, fields = documents + 1, len(texts)
    return {"analysis": analysis, "documents": documents, "fields": fields, "postings": postings,
            "seconds": seconds}


def run_one(way: str, corpus: Path, out: Path) -> dict:
    """Index ``corpus`` into ``out`` one ``way``; its figures (in this process)."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    if way == "plain":
        documents = _plain(corpus, out)
    else:
        from indexer import rebuild

        documents = rebuild(corpus, out, procs=1 if way == "ours" else os.cpu_count(),
                            signatures=way != "unsigned").documents
    seconds = time.perf_counter() - started
    return {"way": way, "documents": documents, "seconds": seconds, "cpu_seconds": _cpu_seconds() - cpu,
            "index_bytes": _dir_bytes(out), "peak_rss_mb": _peak_rss_mb()}


def measure(way: str, corpus: Path, scratch: Path, keep_as: Path | None = None) -> dict:
    """``run_one`` in a fresh process, so each way starts cold and its memory is its own.

    With ``keep_as``, the index made is moved there (the other benchmarks use it)."""
    out = scratch / f"index-{way}"
    shutil.rmtree(out, ignore_errors=True)
    result = _in_fresh_process("run_one", way, str(corpus), str(out))
    if keep_as is not None:
        shutil.rmtree(keep_as, ignore_errors=True)
        out.rename(keep_as)
    shutil.rmtree(out, ignore_errors=True)
    return result


def measure_analysis(analysis: str, corpus: Path) -> dict:
    """``analyze_one`` in a fresh process: every way starts with nothing remembered."""
    return _in_fresh_process("analyze_one", analysis, str(corpus))


def _in_fresh_process(function: str, name: str, *paths: str) -> dict:
    """This module's ``function(name, *paths)`` run in a new interpreter; its dict."""
    code = (f"import json, sys; from pathlib import Path; from bench.indexing import {function}; "
            f"print(json.dumps({function}(sys.argv[1], *map(Path, sys.argv[2:]))))")
    done = subprocess.run([sys.executable, "-c", code, name, *paths], cwd=PROJECT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{function} ({name}) failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_signatures(corpus: Path, scratch: Path, rounds: int = 5) -> dict:
    """Rebuilds with a writer per core, with near-duplicate signatures and without, each in a
    fresh process, taken in turn ``rounds`` times; and every document signed alone.

    The machine is shared, so a rebuild's wall time swings by a quarter from one run
    to the next, more than signatures cost: the comparison is of CPU seconds (all
    processes), the median of each way."""
    runs = {"with": [], "without": []}
    for _ in range(rounds):
        runs["with"].append(measure("ours-parallel", corpus, scratch))
        runs["without"].append(measure("unsigned", corpus, scratch))
    signing = _in_fresh_process("sign_all", "signature", str(corpus))
    return {"procs": os.cpu_count(), "rounds": rounds, "signing": signing,
            **{f"{way}_{key}": [run[key] for run in done] for way, done in runs.items()
               for key in ("seconds", "cpu_seconds")}}


def sign_all(_name: str, corpus: Path) -> dict:
    """CPU seconds to sign every document of ``corpus`` (the text the writer signs), files read beforehand."""
    from indexer.duplicates.signature import signature

    texts = [doc.body if doc.body.strip() else doc.title for doc in _documents(corpus)]
    started = time.process_time()
    for text in texts:
        signature(text)
    return {"documents": len(texts), "cpu_seconds": time.process_time() - started}
