"""Rebuilding the index from a folder of documents."""

from __future__ import annotations

import errno
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from ..storage import posting_columns
from ..storage import segment_writer
from ..storage import generations
from ..storage.collector import full_collections_held
from .documents import Document, Notice, Skipped, list_source_files, read_file, shown
from ..analysis.chain import DEFAULT_SETTINGS, AnalysisSettings
from ..storage.schema import ANALYSIS_VERSION, build_schema, document_fields


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
    # For an update: files added, changed and removed since the last build,
    # and the documents the index holds now (None after a full rebuild).
    added: int = 0
    changed: int = 0
    removed: int = 0
    total: int | None = None

    def summary(self) -> str:
        if self.total is None:
            first = f"Indexed {self.documents} document(s) from {self.files} file(s) in {self.seconds:.2f} s"
        elif self.added + self.changed + self.removed == 0:
            first = f"Up to date: no file added, changed or removed since the last build ({self.total} document(s))"
        else:
            first = (f"Updated in {self.seconds:.2f} s: {self.added} file(s) added, {self.changed} changed, "
                     f"{self.removed} removed; {self.documents} document(s) indexed, {self.total} in the index")
        lines = [first, f"  source: {self.source}", f"  index:  {self.index}"]
        if self.skipped:
            lines.append(f"Skipped {len(self.skipped)}:")
            lines.extend(f"  {shown(s.path)}: {s.reason}" for s in self.skipped)
        if self.notices:
            lines.append(f"Indexed with changes {len(self.notices)}:")
            lines.extend(f"  {shown(n.path)}: {n.message}" for n in self.notices)
        return "\n".join(lines)


def _progress(files, enabled: bool):
    if not enabled:
        return files
    from tqdm import tqdm

    return tqdm(files, desc="indexing", unit="file", file=sys.stderr, leave=False)


def _index_document(writer, doc: Document, signatures: bool = True) -> None:
    writer.add_document(
        id=doc.id,
        **document_fields(doc.title, doc.body),
        path=doc.path,
        url=doc.url,
        date=doc.date,
        source=doc.source,
        # The story's text, signed in the writer's process (schema.SignatureField); a
        # new headline over the same story is still a copy.
        signature=(doc.body if doc.body.strip() else doc.title) if signatures else None,
    )


# An update that deletes or adds more than this share of the index merges all
# its segments (see _update_locked).
MERGE_SHARE = 0.1
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
    signatures: bool = True,
) -> RebuildReport:
    """Index every readable document under ``source`` into a new generation of ``index_dir``.

    Unreadable files are listed in the report and skipped.  The new index is
    swapped in only when complete; on any failure the old one keeps serving.
    ``procs`` writer processes analyze the documents (default: ``default_procs``);
    with more than one, each writes its own segment and they are not merged.
    ``signatures`` False leaves out the near-duplicate signatures (nothing is
    folded); an update keeps the choice of the rebuild before it.
    """
    source, index_dir = _checked_source(source), Path(index_dir)
    with _failure_reported("rebuild", index_dir), generations.rebuild_lock(index_dir):
        return _rebuild_locked(source, index_dir, settings, progress, procs, signatures)


def update(source: Path, index_dir: Path, progress: bool = False) -> RebuildReport:
    """Index only the files of ``source`` added or changed since the last build
    (by modification time and size) and drop the documents of removed ones.

    The unchanged part of the index is shared with the served generation
    (hard links: Whoosh never rewrites a segment file), the changes go into a
    new generation, swapped in like a rebuild's.  Without a usable record of
    the last build (no index, another source folder, an older analysis) it
    rebuilds.
    """
    source, index_dir = _checked_source(source), Path(index_dir)
    with _failure_reported("update", index_dir), generations.rebuild_lock(index_dir):
        current = generations.current_generation(index_dir)
        meta = generations.read_meta(current) if current else {}
        states = generations.read_files(current) if current else None
        try:
            settings = AnalysisSettings(meta.get("stemmer", DEFAULT_SETTINGS.stemmer),
                                        meta.get("stop_list", DEFAULT_SETTINGS.stop_list))
        except ValueError:
            settings = DEFAULT_SETTINGS
        same_source = meta.get("source") and Path(meta["source"]).resolve() == source.resolve()
        if states is None or not same_source or meta.get("analysis_version") != ANALYSIS_VERSION:
            return _rebuild_locked(source, index_dir, settings, progress, None, meta.get("signatures", True))
        return _update_locked(source, index_dir, current, meta, states, settings, progress)


@contextmanager
def _failure_reported(what: str, index_dir: Path):
    """A rebuild that failed on the system's side (a full disk, a read-only
    folder, a writer process killed) as a RebuildError of one line.  By then
    the code that made the new generation has removed it: the served index is
    untouched."""
    try:
        yield
    except (OSError, segment_writer.WriterProcessFailed) as exc:
        served = generations.current_generation(index_dir) is not None
        after = "the index served before is still served" if served else f"no index was made in {index_dir}"
        raise RebuildError(f"{what} {_what_failed(exc, index_dir)}; {after}") from exc


def _what_failed(exc: Exception, index_dir: Path) -> str:
    """The error with its file; a failed write names none (Python's file objects
    do not say which they are), so where the new index was being written."""
    if not isinstance(exc, OSError):
        return f"failed: {exc}"
    code = f" ({errno.errorcode[exc.errno]})" if exc.errno in errno.errorcode else ""
    if exc.strerror and exc.filename is not None:
        files = f"{exc.filename} -> {exc.filename2}" if exc.filename2 is not None else f"{exc.filename}"
        return f"failed: {exc.strerror}{code}: {files}"
    return f"failed writing the new index in {index_dir}: {exc.strerror or exc}{code}"


def _checked_source(source) -> Path:
    """The source folder, resolved once: what its links may reach is judged against it."""
    source = Path(source)
    if not source.is_dir():
        raise RebuildError(f"source folder not found: {source}")
    return source.resolve()


def _file_state(file: Path) -> dict:
    stat = file.stat()
    return {"mtime_ns": stat.st_mtime_ns, "size": stat.st_size, "ids": []}


def _index_files(writer, files, source: Path, report: RebuildReport, seen_ids: set[str], states: dict,
                 progress: bool, signatures: bool) -> None:
    """Add the documents of ``files``; record each file's state and document ids in ``states``."""
    for file in _progress(files, progress):
        state = states[file.relative_to(source).as_posix()] = _file_state(file)
        for item in read_file(file, source):
            if isinstance(item, Skipped):
                report.skipped.append(item)
            elif isinstance(item, Notice):
                report.notices.append(item)
            elif item.id in seen_ids:
                report.skipped.append(Skipped(item.path, f"duplicate document id {item.id!r}"))
            else:
                seen_ids.add(item.id)
                state["ids"].append(item.id)
                _index_document(writer, item, signatures)
                report.documents += 1


def _publish(source: Path, index_dir: Path, gen: Path, settings: AnalysisSettings, report: RebuildReport,
             states: dict, documents: int, started: float, signatures: bool) -> None:
    report.seconds = time.perf_counter() - started
    generations.write_files(gen, states)
    generations.publish(
        index_dir,
        gen,
        {
            "analysis_version": ANALYSIS_VERSION,
            "stemmer": settings.stemmer,
            "stop_list": settings.stop_list,
            "signatures": signatures,
            "documents": documents,
            "skipped": len(report.skipped),
            "source": str(source.resolve()),  # where `update` and the app find it again
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "seconds": round(report.seconds, 3),
        },
    )


def _write_columns(gen: Path, procs: int, progress: bool, report: RebuildReport) -> None:
    # Segments are written with their columns (columns_codec.py); this gives them to a segment
    # of an older index that lacks them and removes those of segments merged away.
    posting_columns.write_missing(gen, procs, progress)


def _rebuild_locked(source: Path, index_dir: Path, settings: AnalysisSettings, progress: bool,
                    procs: int | None, signatures: bool = True) -> RebuildReport:
    started = time.perf_counter()
    report = RebuildReport(source=str(source), index=str(index_dir))
    current = generations.current_generation(index_dir)
    generations.remove_stale(index_dir, keep={current.name} if current else set())
    gen = generations.new_generation(index_dir)
    try:
        ix = whoosh_index.create_in(str(gen), build_schema(settings))
        files, passed_over = list_source_files(source)
        report.skipped.extend(passed_over)
        report.files = len(files)
        procs = procs or default_procs(len(files))
        states: dict = {}
        with full_collections_held():
            writer = segment_writer.writer(ix, procs)
            try:
                _index_files(writer, files, source, report, set(), states, progress, signatures)
                if report.documents == 0:
                    raise RebuildError(f"no readable documents in {source}; the existing index is kept")
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            ix.close()
            _write_columns(gen, procs, progress, report)
        _publish(source, index_dir, gen, settings, report, states, report.documents, started, signatures)
    except BaseException:
        generations.discard(gen)
        raise
    return report


def _update_locked(source: Path, index_dir: Path, current: Path, meta: dict, states: dict,
                   settings: AnalysisSettings, progress: bool) -> RebuildReport:
    started = time.perf_counter()
    report = RebuildReport(source=str(source), index=str(index_dir))
    files, passed_over = list_source_files(source)
    report.skipped.extend(passed_over)
    report.files = len(files)
    on_disk = {file.relative_to(source).as_posix(): file for file in files}
    removed = [rel for rel in states if rel not in on_disk]
    touched = []
    for rel, file in on_disk.items():
        old = states.get(rel)
        new = _file_state(file)
        if old is None or (old["mtime_ns"], old["size"]) != (new["mtime_ns"], new["size"]):
            touched.append(file)
            report.added += old is None
            report.changed += old is not None
    report.removed = len(removed)
    if not touched and not removed:
        report.total = meta.get("documents", 0)
        report.seconds = time.perf_counter() - started
        return report
    generations.remove_stale(index_dir, keep={current.name})
    gen = generations.new_generation_from(index_dir, current)
    try:
        ix = whoosh_index.open_dir(str(gen))
        with full_collections_held():
            writer = segment_writer.writer(ix)
            try:
                states = dict(states)
                deleted_ids = [states.pop(rel, {"ids": []})["ids"]
                               for rel in removed + [file.relative_to(source).as_posix() for file in touched]]
                for doc_id in (doc_id for ids in deleted_ids for doc_id in ids):
                    writer.delete_by_term("id", doc_id)
                seen_ids = {doc_id for state in states.values() for doc_id in state["ids"]}
                _index_files(writer, touched, source, report, seen_ids, states, progress,
                             meta.get("signatures", True))
                # Deleted documents still count in Whoosh's term statistics until
                # their segment is merged away (as in Lucene); when a change is
                # large enough for that to move scores visibly, merge everything.
                deleted = sum(len(ids) for ids in deleted_ids)
                writer.commit(optimize=deleted + report.documents > MERGE_SHARE * max(1, meta.get("documents", 0)))
            except BaseException:
                writer.cancel()
                raise
            _write_columns(gen, default_procs(len(touched)), progress, report)
        report.total = whoosh_index.open_dir(str(gen)).doc_count()
        if report.total == 0:
            raise RebuildError(f"no readable documents left in {source}; the existing index is kept")
        _publish(source, index_dir, gen, settings, report, states, report.total, started,
                 meta.get("signatures", True))
    except BaseException:
        generations.discard(gen)
        raise
    return report
