"""python -m bench: make a corpus of a given size and measure the engine on it.

    python -m bench load --documents 10000 --text DATA [--seconds 60]

Corpora and their indexes are kept under bench/work/ (not committed) and made
again only when missing, so a second run measures without the wait.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from indexer import rebuild
from indexer.store import current_generation

from . import corpus as corpus_mod
from .load import load_test
from .queries import make_queries
from .report import PROJECT, table, write_section

WORK = PROJECT / "bench" / "work"
QUERIES = 500


def prepare_corpus(documents: int, text: list[Path], seed: int) -> Path:
    out = WORK / f"corpus-{documents}-seed{seed}"
    if not (out / corpus_mod.MANIFEST).exists():
        print(f"making {documents} documents in {out} …", flush=True)
        corpus_mod.make_corpus([PROJECT / "seeds", *text], out, documents, seed=seed, progress=True)
    return out


def prepare_index(corpus: Path) -> Path:
    index = WORK / f"index-{corpus.name}"
    if current_generation(index) is None:
        print(f"building the index of {corpus.name} …", flush=True)
        print(rebuild(corpus, index, progress=True).summary(), flush=True)
    return index


def corpus_documents(corpus: Path) -> list[Path]:
    return sorted(corpus.rglob("doc-*.txt"))


def manifest_line(corpus: Path) -> str:
    m = json.loads((corpus / corpus_mod.MANIFEST).read_text(encoding="utf-8"))
    return (f"Corpus: {m['documents']:,} documents, {m['tokens']:,} words, {m['bytes'] / 2**20:.0f} MB, "
            f"{m['vocabulary']:,} distinct written forms; {m['share_with_diacritics']:.1%} of words carry "
            f"diacritics, {m['share_with_proclitic']:.1%} begin with a proclitic letter or ال.\n")


def cmd_load(args) -> int:
    corpus = prepare_corpus(args.documents, args.text, args.seed)
    index = prepare_index(corpus)
    queries = make_queries(corpus_documents(corpus), QUERIES)
    print(f"load test on {args.documents} documents, 2 gunicorn workers …", flush=True)
    sweep, result = load_test(index, queries, args.seconds, workers=args.workers)
    rows = [[r.connections, f"{r.seconds:g}", f"{r.rps:.1f}", r.errors, f"{r.p50_ms:.1f}", f"{r.p95_ms:.1f}",
             f"{r.p99_ms:.1f}"] for r in sweep]
    header = ["connections", "seconds", "requests/s", "errors", "p50 ms", "p95 ms", "p99 ms"]
    body = (
        manifest_line(corpus)
        + f"\n`GET /api/search` with {QUERIES} realistic queries in turn (1 to 4 words, phrases, prefixes, "
          f"diacritics), gunicorn with {args.workers} worker processes (gthread), wrk on the same machine.\n\n"
        + "Finding the highest sustained rate:\n\n" + table(header, rows)
        + f"\nHeld for {result.seconds:g} s at {result.connections} connections:\n\n"
        + table(["requests", "requests/s", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms"],
                [[f"{result.requests:,}", f"{result.rps:.1f}", result.errors, f"{result.p50_ms:.1f}",
                  f"{result.p95_ms:.1f}", f"{result.p99_ms:.1f}", f"{result.max_ms:.1f}"]])
    )
    write_section(f"load-{args.documents}", f"The JSON endpoint under load, {args.documents:,} documents", body)
    print(body)
    return 0 if result.errors == 0 else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def corpus_options(p):
        p.add_argument("--documents", type=int, default=10_000, help="corpus size")
        p.add_argument("--text", type=Path, action="append", default=[],
                       help="more real Arabic text to resample (.txt, .jsonl, or a folder); repeatable")
        p.add_argument("--seed", type=int, default=1)

    p = sub.add_parser("load", help="the JSON endpoint under gunicorn, driven by wrk")
    corpus_options(p)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--workers", type=int, default=2)
    p.set_defaults(run=cmd_load)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
