"""`update` after a day's changes: some files of the corpus changed, the index
brought up to date, timed; then the files are put back and the index with them."""

from __future__ import annotations

import random
import time
from pathlib import Path

from indexer import update

ADDED_SENTENCE = "\nوأضاف المتحدث أن الاجتماع المقبل سيعقد في الربيع."


def measure(corpus: Path, index: Path, changed: int, seed: int = 11) -> dict:
    files = sorted(corpus.rglob("doc-*.txt"))
    picked = random.Random(seed).sample(files, min(changed, len(files)))
    originals = {file: file.read_bytes() for file in picked}
    try:
        for file in picked:
            with open(file, "a", encoding="utf-8") as f:
                f.write(ADDED_SENTENCE)
        started = time.perf_counter()
        report = update(corpus, index)
        seconds = time.perf_counter() - started
    finally:
        for file, data in originals.items():
            file.write_bytes(data)
        update(corpus, index)  # the index matches the corpus again
    return {"changed": report.changed, "documents": report.documents, "seconds": seconds}
