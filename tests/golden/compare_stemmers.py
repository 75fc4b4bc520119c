"""How many rows of the golden search table each stemmer passes.

    python tests/golden/compare_stemmers.py

Builds the seed corpus and the golden corpus once per stemmer (in a
temporary folder) and runs every row of queries.tsv through the engine, as
tests/test_golden.py does through the JSON API.  The table it prints is in
docs/quality.md.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from indexer.analysis.chain import AnalysisSettings
from indexer.ingest.build import rebuild
from indexer.search.parse import QueryError
from indexer.engine import SearchEngine
from indexer.analysis.stemming import STEMMERS

GOLDEN = Path(__file__).resolve().parent
CORPORA = {"seeds": GOLDEN.parent.parent / "seeds", "golden": GOLDEN / "corpus"}


def rows():
    for line in (GOLDEN / "queries.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def passes(engine: SearchEngine, query: str, expected: str) -> bool:
    try:
        found = [h.id.split("_")[0].removesuffix(".txt") for h in engine.search(query, per_page=50, snippets=False).hits]
    except QueryError:
        return False
    groups = [] if expected == "none" else [g.split() for g in expected.split(">")]
    if sorted(found) != sorted(d for g in groups for d in g):
        return False
    rank = {doc: i for i, doc in enumerate(found)}
    return all(max(rank[d] for d in a) < min(rank[d] for d in b) for a, b in zip(groups, groups[1:]))


def main() -> int:
    table = list(rows())
    print(f"| stemmer | rows passed (of {len(table)}) | rows failed |")
    print("|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for stemmer in STEMMERS:
            engines = {}
            for corpus, source in CORPORA.items():
                index = Path(tmp) / f"{stemmer}-{corpus}"
                rebuild(source, index, AnalysisSettings(stemmer=stemmer), progress=False)
                engines[corpus] = SearchEngine(index)
            failed = [q for q, corpus, expected, _ in table if not passes(engines[corpus], q, expected)]
            print(f"| `{stemmer}` | {len(table) - len(failed)} | {'، '.join(failed)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
