"""Rebuilding the index from a folder of documents."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from . import store
from .documents import Document, Notice, Skipped, list_source_files, read_file
from .analysis import DEFAULT_SETTINGS, AnalysisSettings
from .schema import ANALYSIS_VERSION, build_schema, document_fields


class RebuildError(Exception):
    """The rebuild did not happen; the index that was served is still served."""


@dataclass
class RebuildReport:
    source: str
    index: str
    files: int = 0
    documents: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> str:
        lines = [
            f"Indexed {self.documents} document(s) from {self.files} file(s) in {self.seconds:.2f} s",
            f"  source: {self.source}",
            f"  index:  {self.index}",
        ]
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)}:")
            lines.extend(f"  {s.path}: {s.reason}" for s in self.skipped)
        if self.notices:
            lines.append(f"Indexed with changes {len(self.notices)}:")
            lines.extend(f"  {n.path}: {n.message}" for n in self.notices)
        return "\n".join(lines)


def _progress(files, enabled: bool):
    if not enabled:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="indexing", unit="file", file=sys.stderr, leave=False)


def _index_document(writer, doc: Document) -> None:
    writer.add_document(
        id=doc.id,
        **document_fields(doc.title, doc.body),
        path=doc.path,
        url=doc.url,
        date=doc.date,
        source=doc.source,
    )


# Below this many files, starting writer processes costs more than it saves.
PARALLEL_MIN_FILES = 2000


def default_procs(files: int) -> int:
    """Writer processes for a rebuild of ``files`` files: every core for a large corpus."""
    return max(1, os.cpu_count() or 1) if files >= PARALLEL_MIN_FILES else 1


def rebuild(
    source: Path,
    index_dir: Path,
    settings: AnalysisSettings = DEFAULT_SETTINGS,
    progress: bool = False,
    procs: int | None = None,
) -> RebuildReport:
    """Index every readable document under ``source`` into a new generation of ``index_dir``.

    Unreadable files are listed in the report and skipped.  The new index is
    swapped in only when complete; on any failure the old one keeps serving.
    ``procs`` writer processes analyze the documents (default: ``default_procs``);
    with more than one, each writes its own segment and they are not merged.
    """
    source, index_dir = Path(source), Path(index_dir)
    if not source.is_dir():
        raise RebuildError(f"source folder not found: {source}")
    started = time.perf_counter()
    report = RebuildReport(source=str(source), index=str(index_dir))
    with store.rebuild_lock(index_dir):
        current = store.current_generation(index_dir)
        store.remove_stale(index_dir, keep={current.name} if current else set())
        gen = store.new_generation(index_dir)
        try:
            ix = whoosh_index.create_in(str(gen), build_schema(settings))
            files = list_source_files(source)
            report.files = len(files)
            procs = procs or default_procs(len(files))
            writer = (ix.writer(limitmb=256) if procs == 1
                      else ix.writer(procs=procs, limitmb=256 // procs, multisegment=True))
            seen_ids: set[str] = set()
            try:
                for file in _progress(files, progress):
                    for item in read_file(file, source):
                        if isinstance(item, Skipped):
                            report.skipped.append(item)
                        elif isinstance(item, Notice):
                            report.notices.append(item)
                        elif item.id in seen_ids:
                            report.skipped.append(Skipped(item.path, f"duplicate document id {item.id!r}"))
                        else:
                            seen_ids.add(item.id)
                            _index_document(writer, item)
                            report.documents += 1
                if report.documents == 0:
                    raise RebuildError(f"no readable documents in {source}; the existing index is kept")
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            ix.close()
            report.seconds = time.perf_counter() - started
            store.publish(
                index_dir,
                gen,
                {
                    "analysis_version": ANALYSIS_VERSION,
                    "stemmer": settings.stemmer,
                    "stop_list": settings.stop_list,
                    "documents": report.documents,
                    "skipped": len(report.skipped),
                    "source": str(source),
                    "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "seconds": round(report.seconds, 3),
                },
            )
        except BaseException:
            store.discard(gen)
            raise
    return report
