"""python -m webapp: build the index from seeds/ if there is none, then serve it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indexer import RebuildBusy, RebuildError, rebuild
from indexer.paths import DEFAULT_INDEX, DEFAULT_SOURCE
from indexer.store import current_generation

from . import create_app


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp", description="Serve the Arabic search app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="index folder")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE,
                        help="documents to index when the index folder has no index yet")
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args(argv)

    if current_generation(args.index) is None:
        print(f"No index in {args.index}; building it from {args.source} …", flush=True)
        try:
            print(rebuild(args.source, args.index, progress=True).summary(), flush=True)
        except (RebuildError, RebuildBusy) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1

    from waitress import serve

    app = create_app({"INDEX_DIR": str(args.index)})
    print(f"Serving on http://{args.host}:{args.port}/  (Ctrl+C to stop)", flush=True)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="arabic-search")
    return 0


if __name__ == "__main__":
    sys.exit(main())
