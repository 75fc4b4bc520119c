"""python -m webapp: build the index from seeds/ if there is none (or rebuild one
made by an older analysis or damaged, from the folder it was built from), then serve it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer import RebuildBusy, RebuildError, rebuild
from indexer.analysis.chain import AnalysisSettings
from indexer.paths import DEFAULT_INDEX, DEFAULT_SOURCE
from indexer.storage.schema import ANALYSIS_VERSION
from indexer.storage.generations import IndexDamaged, IndexMissing, checked_generation

from . import create_app, parse_origins


def _rebuild_plan(index: Path, default_source: Path):
    """(source, settings, reason) when the index must be built before serving, else None."""
    try:
        _, meta = checked_generation(index)
    except IndexMissing:
        return default_source, AnalysisSettings(), f"No index in {index}"
    except IndexDamaged as exc:
        # Rebuilt as it was built, when its record is readable.
        return *_as_built(exc.meta, default_source), f"The index in {index} is damaged ({exc.problem})"
    if meta.get("analysis_version") == ANALYSIS_VERSION:
        return None
    return *_as_built(meta, default_source), f"The index in {index} was built by an older version of the analysis"


def _as_built(meta: dict, default_source: Path):
    """(source, settings) the index of ``meta`` was built with, as far as they are known and still there."""
    source = meta.get("source")
    source = Path(source) if isinstance(source, str) and source else default_source
    if not source.is_dir():
        source = default_source
    try:
        settings = AnalysisSettings(meta.get("stemmer", "light"), meta.get("stop_list", "function"))
    except (TypeError, ValueError):
        settings = AnalysisSettings()
    return source, settings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp", description="Serve the Arabic search app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="documents to index when the index folder has no index yet")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--cors-origins", default="*", type=parse_origins,
                        help='sites whose pages may call the JSON API: "*" (default), "none", '
                             "or origins separated by commas")
    args = parser.parse_args(argv)

    plan = _rebuild_plan(args.index, args.source)
    if plan is not None:
        source, settings, why = plan
        print(f"{why}; building it from {source} …", flush=True)
        try:
            print(rebuild(source, args.index, settings, progress=True).summary(), flush=True)
        except (RebuildError, RebuildBusy) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    from waitress import serve

    app = create_app({"INDEX_DIR": str(args.index), "CORS_ORIGINS": args.cors_origins})
    print(f"Serving on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="arabic-search")
    return 0


if __name__ == "__main__":
    sys.exit(main())
