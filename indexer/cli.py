"""Command line: python -m indexer {rebuild,update,search,stats,evaluate}."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path
from html import unescape

from .analysis.chain import AnalysisSettings
from .archive.filters import SORTS, check_filters
from .ingest.build import RebuildError, rebuild, update
from .quality.evaluate import CONFIGS, HALVES, DatasetError, evaluate
from .paths import DEFAULT_INDEX, DEFAULT_SOURCE
from .search.parse import QueryError
from .engine import DEFAULT_PER_PAGE, SearchEngine
from .analysis.stemming import DEFAULT_STEMMER, STEMMERS
from .analysis.stopwords import DEFAULT_STOP_LIST, STOP_LISTS
from .storage.generations import IndexUnavailable, RebuildBusy

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


def _terminal_text(html: str, color: bool) -> str:
    """Snippet HTML for a terminal: matches in bold (or [brackets]), entities decoded."""
    marked = _MARK.sub((lambda m: f"\033[1;33m{m.group(1)}\033[0m") if color else r"[\1]", html)
    return unescape(marked)


def cmd_rebuild(args) -> int:
    settings = AnalysisSettings(stemmer=args.stemmer, stop_list=args.stop_list)
    report = rebuild(args.source, args.index, settings, progress=not args.quiet, procs=args.procs,
                     signatures=args.signatures)
    print(report.summary())
    return 0


def cmd_update(args) -> int:
    print(update(args.source, args.index, progress=not args.quiet).summary())
    return 0


def cmd_search(args) -> int:
    engine = SearchEngine(args.index)
    filters = check_filters(args.source or (), args.date_from, args.date_to, args.sort)
    page = engine.search(args.query, page=args.page, per_page=args.limit, filters=filters, explain=args.explain)
    if args.json:
        print(json.dumps(page.to_json(), ensure_ascii=False, indent=2))
        return 0
    color = sys.stdout.isatty()
    note = " (no document has every word; showing documents with any of them)" if page.relaxed else ""
    copies = f" ({page.documents} documents with copies)" if page.documents != page.total else ""
    print(f"{page.total} result(s){copies} for {args.query!r} in {page.took_ms:.1f} ms{note}")
    for repair in page.repairs:
        print(f"note: {repair.message}")
    if page.suggestions:
        print("did you mean: " + " | ".join(page.suggestions))
    for name in ("source", "year"):
        if page.facets[name]:
            print(f"{name}: " + ", ".join(f"{f['value']} ({f['count']})" for f in page.facets[name]))
    first = (page.page - 1) * page.per_page
    for rank, hit in enumerate(page.hits, first + 1):
        about = "  ".join(x for x in (hit.source, hit.date) if x)
        print(f"\n{rank}. {_terminal_text(hit.title_html, color)}  [{hit.id}]  score {hit.score:.3f}"
              + (f"  {about}" if about else ""))
        print("   " + _terminal_text(hit.snippet, color))
        for reason in hit.explain or ():
            print(f"   why: {reason.word} -> {reason.form} ({reason.field}, {reason.how}, {reason.score:.3f})")
        if hit.duplicate_count:
            print(f"   {hit.duplicate_count} near-cop{'y' if hit.duplicate_count == 1 else 'ies'}: "
                  + ", ".join(c.id for c in hit.duplicates))
    return 0


def cmd_stats(args) -> int:
    stats = SearchEngine(args.index).stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"index:     {stats['index']}")
    print(f"documents: {stats['documents']}")
    print(f"size:      {stats['size_bytes'] / 1024:.1f} KiB")
    print(f"built:     {stats['built'].get('built_at')} from {stats['built'].get('source')}")
    for name, info in stats["fields"].items():
        print(f"  {name:<12} {info['unique_terms']:>8} unique terms {info['tokens']:>10} tokens")
    return 0


def cmd_evaluate(args) -> int:
    result = evaluate(args.dataset, run_file=args.run, config=args.config, half=args.half)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    half = f"  half={result['half']}" if result["half"] else ""
    print(f"{result['dataset']}  config={result['config']}{half}  documents={result['documents']}  "
          f"queries={result['queries']}  failed={len(result['failed_queries'])}  "
          f"empty={result['empty_results']}  ({result['query_seconds']} s of queries)")
    for name, value in result["metrics"].items():
        print(f"  {name:<12} {value:.4f}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m indexer", description="Arabic full-text search engine")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("rebuild", help="build the index from a folder of documents")
    p.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                   help=f"folder of .txt/.md/.json/.jsonl/.html files (default: {DEFAULT_SOURCE})")
    p.add_argument("--stemmer", choices=sorted(STEMMERS), default=DEFAULT_STEMMER,
                   help="stemmer of the stemmed fields (see docs/quality.md)")
    p.add_argument("--stop-list", choices=STOP_LISTS, default=DEFAULT_STOP_LIST,
                   help="Arabic stop list left out of the stemmed fields")
    p.add_argument("--procs", type=int, default=None,
                   help="writer processes (default: every core from 2,000 files, else one)")
    p.add_argument("--no-signatures", dest="signatures", action="store_false",
                   help="leave out near-duplicate signatures: copies of a story are not folded")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("update", help="index only the files added or changed since the last build")
    p.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                   help=f"the folder the index was built from (default: {DEFAULT_SOURCE})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("search", help="search the index and print ranked results")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=DEFAULT_PER_PAGE, help="results per page")
    p.add_argument("--page", type=int, default=1)
    p.add_argument("--source", action="append", metavar="NAME",
                   help="only documents from this source (repeat for several)")
    p.add_argument("--date-from", metavar="YYYY-MM-DD", help="only documents dated on or after this day")
    p.add_argument("--date-to", metavar="YYYY-MM-DD", help="only documents dated on or before this day")
    p.add_argument("--sort", choices=SORTS, default="relevance",
                   help="relevance, newest or oldest (documents without a date last)")
    p.add_argument("--explain", action="store_true", help="say why each result matched")
    p.add_argument("--json", action="store_true", help="print the JSON the web API returns")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("stats", help="print document and term counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("evaluate", help="measure retrieval quality on a test collection")
    p.add_argument("dataset", type=Path, help="folder with corpus.jsonl, queries.jsonl and qrels.tsv")
    p.add_argument("--run", type=Path, help="write the top 100 hits per query here as a TREC run file")
    p.add_argument("--config", choices=sorted(CONFIGS), default="default",
                   help="named configuration (see indexer/quality/evaluate.py)")
    p.add_argument("--half", choices=HALVES, default=None,
                   help="every other query only, from the first (even) or the second (odd): tune on one, "
                        "report the other")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_evaluate)

    for p in [sub.choices[name] for name in ("rebuild", "update", "search", "stats")]:
        p.add_argument("--index", type=Path, default=DEFAULT_INDEX,
                       help=f"index folder (default: {DEFAULT_INDEX})")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except QueryError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except (RebuildError, RebuildBusy, IndexUnavailable, DatasetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (`search ... | head`): stop quietly, as other
        # command-line tools do, instead of a traceback.  Python would report
        # the pipe again when flushing stdout at exit, so stdout goes nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
