"""python -m bench: make a corpus of a given size and measure the engine on it.

    python -m bench index   --documents N --text DATA   indexing speed, size, memory,
                                                        and the analysis alone
    python -m bench queries --documents N --text DATA   query latency
    python -m bench update  --documents N --text DATA   `update` after 100 changed files
    python -m bench load    --documents N --text DATA   the JSON endpoint under load
    python -m bench all     --documents N --text DATA   all four

With --lucene, `index` and `queries` (and `all`) measure Lucene too, on the
same corpus and queries, as a peer (bench/lucene.py).

Corpora and their indexes are kept under bench/work/ (not committed) and made
again only when missing, so a second run measures without the wait.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
from pathlib import Path

from indexer import update
from indexer.storage.generations import current_generation

from . import corpus as corpus_mod
from . import duplicates, incremental, indexing, latency, lucene
from .load import answered_queries, load_test
from .queries import adversarial_queries, make_queries
from .report import PROJECT, table, write_section

WORK = PROJECT / "bench" / "work"
QUERIES = 500


def prepare_corpus(documents: int, text: list[Path], seed: int) -> Path:
    out = WORK / f"corpus-{documents}-seed{seed}"
    manifest = out / corpus_mod.MANIFEST
    if not manifest.exists() or json.loads(manifest.read_text(encoding="utf-8")).get("format") != corpus_mod.FORMAT:
        print(f"making {documents} documents in {out} …", flush=True)
        shutil.rmtree(out, ignore_errors=True)  # an older corpus, and its index, made anew
        shutil.rmtree(index_path(out), ignore_errors=True)
        corpus_mod.make_corpus([PROJECT / "seeds", *text], out, documents, seed=seed, progress=True)
    return out


def index_path(corpus: Path) -> Path:
    return WORK / f"index-{corpus.name}"


def prepare_index(corpus: Path) -> Path:
    """The corpus's index, built (or brought up to date) by the engine's own `update`."""
    index = index_path(corpus)
    print(f"the index of {corpus.name} …", flush=True)
    print(update(corpus, index, progress=sys.stderr.isatty()).summary().splitlines()[0], flush=True)
    return index


def corpus_documents(corpus: Path) -> list[Path]:
    return sorted(corpus.rglob("doc-*.txt"))


def manifest_line(corpus: Path) -> str:
    m = json.loads((corpus / corpus_mod.MANIFEST).read_text(encoding="utf-8"))
    return (f"Corpus: {m['documents']:,} documents, {m['tokens']:,} words, {m['bytes'] / 2**20:.0f} MB, "
            f"{m['vocabulary']:,} distinct written forms; {m['share_with_diacritics']:.1%} of words carry "
            f"diacritics, {m['share_with_proclitic']:.1%} begin with a proclitic letter or ال.\n")


def _report(key: str, title: str, body: str, status: int = 0) -> int:
    write_section(key, title, body)
    print(body)
    return status


WAYS = {
    "plain": "(a) plain Whoosh: RegexTokenizer + LowercaseFilter, title and body",
    "ours": "(b) Arabic analysis, one writer process",
    "ours-parallel": "(c) Arabic analysis, a writer process per core",
}


def cmd_index(args) -> int:
    corpus = prepare_corpus(args.documents, args.text, args.seed)
    size = json.loads((corpus / corpus_mod.MANIFEST).read_text())["bytes"]
    results = {}
    kept = [way for way in args.ways if way != "plain"][-1:]  # the last Arabic index, for the other benchmarks
    for way in args.ways:
        print(f"indexing {corpus.name}: {WAYS[way]} …", flush=True)
        results[way] = indexing.measure(way, corpus, WORK, keep_as=index_path(corpus) if way in kept else None)
        print(f"  {results[way]}", flush=True)
    peer = None
    if args.lucene:
        print(f"indexing {corpus.name}: Lucene …", flush=True)
        peer = lucene.index_corpus(corpus, WORK)
        print(f"  {peer}", flush=True)
    rows = [_index_row(WAYS[way], r, size) for way, r in results.items()]
    if isinstance(peer, dict):
        rows.append(_index_row(lucene.index_label(peer), peer, size))
    speed = {way: r["documents"] / r["seconds"] for way, r in results.items()}
    ratios = []
    if "plain" in speed and "ours" in speed:
        ratios.append(f"b/a = {speed['ours'] / speed['plain']:.2f} (target ≥ 0.9)")
    if "ours" in speed and "ours-parallel" in speed:
        ratios.append(f"c/b = {speed['ours-parallel'] / speed['ours']:.2f} (target ≥ 1.6)")
    body = (manifest_line(corpus) + "\n"
            + table(["way", "documents/s", "MB/s", "seconds", "index MB", "index / corpus",
                     "peak memory MB (process + largest writer process)"], rows)
            + ("\nRatios of documents/s: " + "; ".join(ratios) + ".\n" if ratios else "")
            + (lucene.index_note(peer, results) if args.lucene else "")
            + (_analysis_alone(corpus) if "plain" in args.ways else ""))
    return _report(f"index-{args.documents}", f"Indexing, {args.documents:,} documents", body)


def _index_row(label: str, r: dict, corpus_bytes: int) -> list:
    return [label, f"{r['documents'] / r['seconds']:.1f}", f"{corpus_bytes / 2**20 / r['seconds']:.2f}",
            f"{r['seconds']:.0f}", _megabytes(r["index_bytes"]), f"{r['index_bytes'] / corpus_bytes:.1f}",
            f"{r['peak_rss_mb']:.0f}"]


def _megabytes(size: int) -> str:
    mb = size / 2**20
    return f"{mb:.1f}" if mb < 10 else f"{mb:.0f}"  # a small index (Lucene's) is not shown as 0


def _analysis_alone(corpus: Path) -> str:
    """What the analysis costs apart from writing: each way's postings made, none written."""
    results = {}
    for analysis in indexing.ANALYSES:
        print(f"analysis alone: {indexing.ANALYSES[analysis]} …", flush=True)
        results[analysis] = indexing.measure_analysis(analysis, corpus)
        print(f"  {results[analysis]}", flush=True)
    plain = results["plain"]
    rows = [[indexing.ANALYSES[a], r["fields"], f"{r['postings']:,}", f"{r['seconds']:.1f}",
             f"{r['postings'] / r['seconds']:,.0f}", f"{r['seconds'] / plain['seconds']:.2f}"]
            for a, r in results.items()]
    exact, ours = results["ours-exact"], results["ours"]
    return ("\nAnalysis alone: every document's postings made as a writer gets them from each field, none "
            "written, each way in a fresh process (the seconds leave out reading the files):\n\n"
            + table(["analysis", "fields", "postings", "seconds", "postings/s", "seconds / plain's"], rows)
            + f"\nOn the same two texts the Arabic analysis takes {exact['seconds'] / plain['seconds']:.2f} times "
              f"the plain analyzer's time; the six indexed fields make {ours['postings'] / plain['postings']:.1f} times "
              f"its postings in {ours['seconds'] / plain['seconds']:.1f} times its time.\n")


def cmd_queries(args) -> int:
    corpus = prepare_corpus(args.documents, args.text, args.seed)
    index = prepare_index(corpus)
    queries = make_queries(corpus_documents(corpus), QUERIES)
    rows, measured = [], {}
    narrowing = latency.archive_filters(queries, list(corpus_mod.SOURCES))
    for label, snippets, filters, explain in (
        ("without snippets", False, None, False),
        ("with snippets for the 10 hits shown", True, None, False),
        ("with snippets, one in two narrowed by source or year, or newest first", True, narrowing, False),
        ("with snippets and each result's reasons (explain, as the results page)", True, None, True),
    ):
        r = latency.measure(index, queries, snippets, filters, explain)
        measured.setdefault(snippets, r)
        print(f"  {label}: {r}", flush=True)
        rows.append([label, r["queries"], r["found"], r["refused"], f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}",
                     f"{r['p99_ms']:.1f}", f"{r['max_ms']:.0f}", f"{r['mean_ms']:.1f}"])
    peer = None
    if args.lucene:
        print(f"{QUERIES} queries on Lucene …", flush=True)
        peer = lucene.run_queries(corpus, queries, WORK)
        print(f"  {peer}", flush=True)
        if isinstance(peer, dict):
            rows.append([lucene.queries_label(peer), peer["queries"], peer["found"], "—", "—", "—", "—", "—",
                         f"{peer['mean_ms']:.2f}"])
    body = (manifest_line(corpus)
            + f"\n{QUERIES} realistic queries (1 to 4 words as they stand in the documents; 10% phrases, 10% "
              "prefixes, 10% with diacritics, 5% with a bare alef), the first page of 10 results each, in one "
              "process with the index opened once, after 20 queries of warm-up. Every search counts its "
              "matches by source and year and folds syndicated copies; the third row also narrows one query in "
              "two (a source, two sources, a year) or sorts it newest first, the fourth says why each result "
              "matched.\n\n"
            + table(["", "queries", "found something", "refused (400)", "median ms", "p95 ms", "p99 ms",
                     "max ms", "mean ms"], rows)
            + (lucene.queries_note(peer, measured[False]) if args.lucene else "")
            + _adversarial(index, queries, measured[True]["refused_by_code"]))
    return _report(f"queries-{args.documents}", f"Query latency, {args.documents:,} documents", body)


def _shorten(query: str, chars: int = 90) -> str:
    return "`" + (query if len(query) <= chars else query[:chars] + " …").replace("|", "\\|") + "`"


def _adversarial(index: Path, queries: list[str], refused_by_code: dict) -> str:
    """The query budget (indexer/search/query_cost.py): what the realistic queries spend of it, and the
    slowest of adversarial queries built to sit just inside it."""
    checker = latency.Checker(index)
    try:
        spent = latency.largest_cost(checker, queries)
        print("building adversarial queries …", flush=True)
        made = adversarial_queries(checker.reader, checker.refusal)
        r = latency.measure_adversarial(index, made, checker)
    finally:
        checker.close()
    refusals = ", ".join(f"{code} {n}" for code, n in sorted(refused_by_code.items())) or "none"
    rows = [[a["kind"], _shorten(a["query"]), f"{a['terms']:,}", f"{a['postings']:,}", f"{a['spent']:.0%}",
             f"{a['ms']:.0f}"] for a in r["accepted"]]
    refused = sum(r["refused"].values())
    by_code = ", ".join(f"{code} {n}" for code, n in sorted(r["refused"].items())) or "none"
    worst = r["accepted"][0] if r["accepted"] else None
    return (f"\nRefused realistic queries, by error code: {refusals}. The costliest accepted one spends "
            f"{spent['spent']:.0%} of the query budget ({_shorten(spent['query'] or '')}); the most terms any "
            f"reads is {spent['terms']:,}, the most postings {spent['postings']:,}.\n\n"
            f"{r['queries']} adversarial queries: for each kind below, the largest the engine accepts (grown "
            "word by word, prefix by prefix, up to 50 words or 1,000 characters) and the next larger. Each "
            "accepted one is run once with snippets on an engine of its own, its postings cache empty; "
            f"{refused} were refused with 400 ({by_code}).\n\n"
            + table(["kind", "accepted query", "terms", "postings", "budget spent", "ms"], rows)
            + (f"\nSlowest accepted adversarial query: {worst['ms']:.0f} ms ({worst['kind']}).\n" if worst else ""))


def cmd_update(args) -> int:
    corpus = prepare_corpus(args.documents, args.text, args.seed)
    index = prepare_index(corpus)
    meta = json.loads((current_generation(index) / "meta.json").read_text())
    r = incremental.measure(corpus, index, args.changed)
    body = (manifest_line(corpus)
            + f"\n`python -m indexer update` after a sentence was added to {r['changed']} files: "
              f"{r['seconds']:.1f} s, against {meta['seconds']:.0f} s for the rebuild that made the index "
              f"({meta['seconds'] / r['seconds']:.0f} times as long).\n")
    return _report(f"update-{args.documents}", f"Incremental update, {args.documents:,} documents", body)


def _seconds(values) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def cmd_duplicates(args) -> int:
    """The near-duplicate rule on labelled pairs of real text, and what signatures add to a rebuild."""
    jsonl = [path for path in args.text if path.suffix == ".jsonl"]
    r = duplicates.measure(jsonl)
    rows = [[kind, f"{hit}/{n}", f"{hit / n:.0%}"] for kind, (hit, n) in r["kinds"].items()]
    corpus = prepare_corpus(args.documents, args.text, args.seed)
    timing = indexing.measure_signatures(corpus, WORK)
    cpu_with, cpu_without = (statistics.median(timing[f"{way}_cpu_seconds"]) for way in ("with", "without"))
    signing = timing["signing"]["cpu_seconds"]
    body = (f"Pairs made from {r['stories']} paragraphs of {', '.join(p.name for p in jsonl)} "
            f"(bench/duplicates.py): {r['pairs']} pairs. The rule: signatures of {r['permutations']} MinHash "
            f"values over three-word shingles, {r['bands']} bands of {r['rows']}, folded at an estimated "
            f"Jaccard similarity of {r['threshold']}.\n\n"
            f"Precision {r['precision']:.3f}, recall {r['recall']:.3f}.\n\n"
            + table(["pair", "folded", "share"], rows)
            + "\n" + manifest_line(corpus)
            + f"\nRebuilds with {timing['procs']} writer processes, with signatures and without "
              f"(`--no-signatures`) in turn, {timing['rounds']} times each. Wall seconds: "
              f"{_seconds(timing['with_seconds'])} with, {_seconds(timing['without_seconds'])} without. "
              f"CPU seconds, all processes: {_seconds(timing['with_cpu_seconds'])} with, "
              f"{_seconds(timing['without_cpu_seconds'])} without; the medians, {cpu_with:.1f} against "
              f"{cpu_without:.1f}: signatures add {cpu_with / cpu_without - 1:.0%}. Signing all "
              f"{timing['signing']['documents']:,} documents alone, in one process, takes {signing:.1f} CPU s, "
              f"{signing / cpu_without:.0%} of a rebuild without them.\n")
    return _report(f"duplicates-{args.documents}", f"Near-duplicates, and their cost at {args.documents:,} documents",
                   body)


def cmd_all(args) -> int:
    status = 0
    for command in (cmd_index, cmd_queries, cmd_update, cmd_load):
        status |= command(args)
    return status


def cmd_load(args) -> int:
    corpus = prepare_corpus(args.documents, args.text, args.seed)
    index = prepare_index(corpus)
    queries = make_queries(corpus_documents(corpus), QUERIES)
    # A query the engine refuses gets its 400 by design (the queries benchmark counts them);
    # here every answer that is not 200 is an error, so those queries are left out.
    answered = answered_queries(index, queries)
    print(f"load test on {args.documents} documents, 2 gunicorn workers …", flush=True)
    sweep, result = load_test(index, answered, args.seconds, workers=args.workers)
    rows = [[r.connections, f"{r.seconds:g}", f"{r.rps:.1f}", r.errors, f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}",
             f"{r.p99_ms:.1f}"] for r in sweep]
    header = ["connections", "seconds", "requests/s", "errors", "p50 ms", "p95 ms", "p99 ms"]
    body = (
        manifest_line(corpus)
        + f"\n`GET /api/search` with {len(answered)} realistic queries in turn (1 to 4 words, phrases, prefixes, "
          f"diacritics; {QUERIES - len(answered)} of the {QUERIES} made are left out because the engine refuses "
          f"them with a 400), gunicorn with {args.workers} worker processes (sync), wrk on the same machine; "
          f"an error is any answer but 200, a timeout (10 s) or a broken connection.\n\n"
        + "Finding the highest sustained rate:\n\n" + table(header, rows)
        + f"\nHeld for {result.seconds:g} s at {result.connections} connections:\n\n"
        + table(["requests", "requests/s", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"],
                [[f"{result.requests:,}", f"{result.rps:.1f}", result.errors, f"{result.p50_ms:.1f}",
                  f"{result.p95_ms:.1f}", f"{result.p99_ms:.1f}", f"{result.max_ms:.1f}"]])
    )
    return _report(f"load-{args.documents}", f"The JSON endpoint under load, {args.documents:,} documents", body,
                   status=0 if result.errors == 0 else 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def corpus_options(p):
        p.add_argument("--documents", type=int, default=10_000, help="corpus size")
        p.add_argument("--text", type=Path, action="append", default=[],
                       help="more real Arabic text to resample (.txt, .jsonl, or a folder); repeatable")
        p.add_argument("--seed", type=int, default=1)

    def index_options(p):
        p.add_argument("--ways", nargs="+", choices=list(WAYS), default=list(WAYS),
                       help="ways of indexing to measure (default: all three)")

    def lucene_options(p):
        p.add_argument("--lucene", action="store_true",
                       help="measure Lucene (Anserini) too, as a peer; fetches Java and Anserini with pip "
                            "on first use into bench/work/lucene/")

    def update_options(p):
        p.add_argument("--changed", type=int, default=100, help="files changed before the update")

    def load_options(p):
        p.add_argument("--seconds", type=float, default=60, help="length of the held load")
        p.add_argument("--workers", type=int, default=2)

    for name, run, helptext, extra in (
        ("index", cmd_index, "indexing speed, index size and memory", [index_options, lucene_options]),
        ("queries", cmd_queries, "query latency without and with snippets", [lucene_options]),
        ("update", cmd_update, "`update` after some files changed", [update_options]),
        ("load", cmd_load, "the JSON endpoint under gunicorn, driven by wrk", [load_options]),
        ("duplicates", cmd_duplicates, "the near-duplicate rule on labelled pairs, and its cost", []),
        ("all", cmd_all, "index, queries, update and load",
         [index_options, lucene_options, update_options, load_options]),
    ):
        p = sub.add_parser(name, help=helptext)
        corpus_options(p)
        for add in extra:
            add(p)
        p.set_defaults(run=run)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
