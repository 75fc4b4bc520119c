"""Reading a folder of documents: text, Markdown, JSON, JSON Lines and HTML.

Every file yields either documents or a ``Skipped`` record with a reason a
person can act on; one bad file never stops the others from being read.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from . import metadata
from .metadata import BadMetadata

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
JSON_SUFFIXES = {".json", ".jsonl"}
HTML_SUFFIXES = {".html", ".htm"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | HTML_SUFFIXES

MAX_FILE_BYTES = 64 * 1024 * 1024
# One document's text: beyond this it is a data dump rather than a document,
# and indexing it would hold hundreds of MB in memory for one search result.
MAX_DOCUMENT_CHARS = 10_000_000

# Bidirectional embeddings, overrides and isolates: invisible, and able to
# show text in another order than it is stored (U+202E turns "fdp.exe" into
# "exe.pdf").  Arabic text needs none of them to display right.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# C0 and C1 control characters other than tab and line breaks.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What an id, a file name or another one-line field shown to a reader may not
# hold: every control character (line breaks too), the bidirectional controls
# and the direction marks (LRM, RLM, ALM), which can make a name read as
# another ("rtl\u202eexe.txt" shows as "rtltxt.exe").
_UNSAFE_IN_NAMES = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SEARCHABLE = re.compile(r"[^\W_]")
# Windows-1256 is read when UTF-8 fails and most letters come out Arabic.
MIN_ARABIC_SHARE = 0.5
MIN_BROKEN_SHARE = 0.25  # of non-ASCII bytes that are not valid UTF-8
# Python's JSON reader recurses once per nesting level ("[" * 100000 exhausts it).
_TOO_DEEP = "nested too deeply to read (arrays or objects inside each other thousands of levels deep)"


@dataclass
class Document:
    id: str
    title: str
    body: str
    path: str
    url: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass
class Skipped:
    path: str
    reason: str


@dataclass
class Notice:
    """A file that was indexed, but not exactly as it stands (read as Windows-1256, controls removed)."""

    path: str
    message: str


class UnreadableFile(Exception):
    """A file (or a record in it) that cannot become a document; the message says why."""


@dataclass
class SourceReport:
    documents: int = 0
    files: int = 0
    skipped: list[Skipped] = field(default_factory=list)


def shown(name: str) -> str:
    """``name`` as a summary prints it: invisible and control characters as \\u escapes."""
    return _UNSAFE_IN_NAMES.sub(lambda m: f"\\u{ord(m.group()):04x}", name)


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether ``path``, its links resolved, lies inside the folder ``root`` (itself resolved)."""
    real = os.path.realpath(path)
    root = os.path.realpath(root)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def list_source_files(source: Path) -> tuple[list[Path], list[Skipped]]:
    """Every non-hidden regular file below ``source`` in a stable order, and what was passed over.

    A link is read only while it leads to a file inside the source folder:
    one leading out of it would put any file the indexer can read (say
    /etc/passwd) into the index, and so on a page.  Links to folders are
    never followed: inside the source they would index a folder twice (or
    loop), outside it they leave it.
    """
    found, skipped = [], []
    for root, dirs, files in os.walk(source):
        kept = []
        for name in sorted(dirs):
            if name.startswith("."):
                continue
            path = Path(root) / name
            if path.is_symlink():
                where = "inside" if inside(path, source) else "outside"
                skipped.append(Skipped(_relative(path, source), f"link to a folder {where} the source folder: not followed"))
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith("."):
                continue
            path = Path(root) / name
            reason = _unreadable_entry(path, source)
            if reason:
                skipped.append(Skipped(_relative(path, source), reason))
            else:
                found.append(path)
    return found, skipped


def _relative(path: Path, source: Path) -> str:
    return path.relative_to(source).as_posix()


def _unreadable_entry(path: Path, source: Path) -> str | None:
    """Why the directory entry ``path`` is not a file to read, or None."""
    if path.is_symlink() and not inside(path, source):
        return "link leading outside the source folder: not followed"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"  # a dangling link among them
    if not stat.S_ISREG(mode):
        # A named pipe or a device would block the reader, or never end.
        return "not a regular file"
    return None


def _arabic_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u0600" <= ch <= "\u06ff" for ch in letters) / len(letters) if letters else 0.0


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes -> (text, notice): UTF-8 (with or without BOM), UTF-16 with a BOM, or Windows-1256.

    Windows-1256, the legacy Arabic code page, decodes any byte, so it is
    only taken when UTF-8 fails and most of the letters it gives are Arabic.
    General encoding detectors guess among dozens of code pages and are
    unreliable on short texts; here the only candidate is the one Arabic
    archives actually hold, and anything else is reported.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"broken UTF-16 at byte {exc.start}") from None
    if b"\x00" in data:
        raise UnreadableFile("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        error = exc
    # UTF-8 with a few broken bytes is damaged UTF-8, not Windows-1256: in
    # Windows-1256 Arabic almost every non-ASCII byte breaks UTF-8.
    non_ascii = sum(byte >= 0x80 for byte in data)
    broken = data.decode("utf-8", errors="replace").count("\ufffd")
    try:
        text = data.decode("cp1256") if broken >= MIN_BROKEN_SHARE * non_ascii else ""
    except UnicodeDecodeError:
        text = ""
    if text and _arabic_share(text) >= MIN_ARABIC_SHARE:
        return text, "not UTF-8; read as Windows-1256 (Arabic)"
    raise UnreadableFile(
        f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} "
        "(convert the file to UTF-8)"
    )


def clean(text: str) -> tuple[str, int]:
    """``text`` without bidirectional and other control characters, and how many were removed."""
    text, bidi = _BIDI_CONTROLS.subn("", text)
    text, controls = _CONTROL_CHARS.subn("", text)
    return text, bidi + controls


def split_title(text: str, markdown: bool = False) -> tuple[str, str]:
    """Title = first non-empty line, body = the rest."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip():
            title = line.strip()
            if markdown:
                title = title.lstrip("#").strip()
            return title, "\n".join(lines[i + 1:]).strip("\n")
    return "", ""


def _read_text(doc_id: str, text: str, markdown: bool) -> list[Document | Notice]:
    """One document; its source and date from its front matter, else from where it lies (metadata.py)."""
    notices = []
    try:
        fields, rest = metadata.front_matter(text)
    except BadMetadata as exc:
        notices.append(Notice(doc_id, f"{exc}: indexed without its metadata"))
        fields, rest = {}, exc.rest
    if not fields and rest is text:
        fields = metadata.from_path(doc_id)
    title = fields.get("title")
    if isinstance(title, str) and title.strip():
        title, body = title.strip(), rest.strip("\n")
    else:
        title, body = split_title(rest, markdown)
    doc = Document(id=doc_id, title=title, body=body, path=doc_id, url=_optional_str(fields, "url"),
                   date=fields.get("date"), source=fields.get("source"))
    return [*notices, doc]


def _read_html(doc_id: str, text: str) -> list[Document]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")
    title_tag = soup.find("title") or soup.find("h1")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    found = metadata.from_html(soup)  # before the head goes
    for hidden in soup(["script", "style", "noscript", "template", "head"]):
        hidden.decompose()
    root = soup.body or soup
    lines = [line.strip() for line in root.get_text("\n").splitlines()]
    body = "\n".join(line for line in lines if line)
    if not title:
        title, body = split_title(body)
    return [Document(id=doc_id, title=title, body=body, path=doc_id, date=found.get("date"),
                     source=found.get("source"))]


def _optional_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    return None if value is None else str(value)


def _record_to_document(record, path: str) -> Document:
    if not isinstance(record, dict):
        raise UnreadableFile(f"expected an object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise UnreadableFile('missing or empty "text"')
    doc_id = record.get("id")
    if doc_id is None or str(doc_id).strip() == "":
        raise UnreadableFile('missing "id"')
    title = record.get("title")
    return Document(
        id=str(doc_id),
        title=str(title).strip() if title is not None else "",
        body=text,
        path=path,
        url=_optional_str(record, "url"),
        date=record.get("date"),
        source=record.get("source"),
    )


def _read_json_records(path: str, text: str, lines: bool) -> Iterator[Document | Skipped]:
    if lines:
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield _record_to_document(json.loads(line), path)
            except json.JSONDecodeError as exc:
                yield Skipped(f"{path}:{number}", f"invalid JSON: {exc.msg}")
            except RecursionError:
                yield Skipped(f"{path}:{number}", _TOO_DEEP)
            except UnreadableFile as exc:
                yield Skipped(f"{path}:{number}", str(exc))
        return
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise UnreadableFile(_TOO_DEEP) from None
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        data = data["documents"]
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, 1):
        try:
            yield _record_to_document(record, path)
        except UnreadableFile as exc:
            yield Skipped(f"{path}#{number}", str(exc))


def clean_name(name: str) -> tuple[str, int]:
    """An id, path or other one-line field without control characters and
    direction marks (``_UNSAFE_IN_NAMES``), and how many were removed."""
    return _UNSAFE_IN_NAMES.subn("", name)


def _checked(doc: Document) -> tuple[Document, int, list[str]]:
    """The document with control characters removed, how many, and what was wrong with
    its metadata (it is indexed without what cannot be read); UnreadableFile if unusable.

    Ids and paths are cleaned rather than refused: the document stays
    searchable, and its link (``/doc/<id>``) is made from the cleaned id.
    """
    problems = []
    try:
        doc.date = metadata.iso_date(doc.date)
    except BadMetadata as exc:
        doc.date = None
        problems.append(f"{exc}: indexed without a date")
    doc.source = metadata.clean_source(doc.source)
    doc.title, removed_title = clean(doc.title)
    doc.body, removed_body = clean(doc.body)
    removed_names = 0
    for name in ("id", "path", "url", "date", "source"):
        value = getattr(doc, name)
        if value is not None:
            value, removed = clean_name(value)
            setattr(doc, name, value)
            removed_names += removed
    if not doc.id.strip():
        raise UnreadableFile("the id has no visible character")
    if len(doc.title) + len(doc.body) > MAX_DOCUMENT_CHARS:
        raise UnreadableFile(
            f"document too long ({len(doc.title) + len(doc.body):,} characters; "
            f"limit {MAX_DOCUMENT_CHARS:,}): split it into several documents"
        )
    if not (_SEARCHABLE.search(doc.title) or _SEARCHABLE.search(doc.body)):
        raise UnreadableFile("no searchable text (only marks, punctuation or symbols)")
    return doc, removed_title + removed_body + removed_names, problems


def read_file(file: Path, source: Path) -> Iterator[Document | Skipped | Notice]:
    """The documents in one file, the reasons it (or a record in it) was skipped,
    and notices of what was changed to index it."""
    notices = []
    for item in _read_file(file, source):
        if isinstance(item, Document):
            # Named as the file and the record stand, so that the user can find them.
            path, old_id = item.path, item.id
            record = "" if old_id == path else f" (id {shown(old_id)})"
            try:
                item, removed, problems = _checked(item)
            except UnreadableFile as exc:
                item = Skipped(path + record, str(exc))
            else:
                notices.extend(Notice(path, f"{problem}{record}") for problem in problems)
                if removed:
                    renamed = "" if item.id == old_id else f"; indexed as {item.id}"
                    notices.append(Notice(path, f"{removed} invisible control character(s) removed{record}{renamed}"))
        elif isinstance(item, Notice):
            notices.append(item)
            continue
        yield item
    yield from notices


def _read_file(file: Path, source: Path) -> Iterator[Document | Skipped | Notice]:
    rel = _relative(file, source)
    suffix = file.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield Skipped(rel, f"unsupported file type {suffix or '(none)'}")
        return
    # Asked again as the file is read: it may have become a link since it was listed.
    reason = _unreadable_entry(file, source)
    if reason:
        yield Skipped(rel, reason)
        return
    try:
        size = file.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(f"too large ({size // (1024 * 1024)} MiB; limit {MAX_FILE_BYTES // (1024 * 1024)} MiB)")
        data = file.read_bytes()
        if not data.strip():
            raise UnreadableFile("empty file")
        text, notice = decode(data)
        if notice:
            yield Notice(rel, notice)
        if not text.strip():
            raise UnreadableFile("empty file")
        if suffix in JSON_SUFFIXES:
            yield from _read_json_records(rel, text, lines=suffix == ".jsonl")
            return
        if suffix in HTML_SUFFIXES:
            docs = _read_html(rel, text)
        else:
            docs = _read_text(rel, text, markdown=suffix != ".txt")
        for doc in docs:
            if isinstance(doc, Document) and not (doc.title.strip() or doc.body.strip()):
                raise UnreadableFile("no text in the file")
        yield from docs
    except UnreadableFile as exc:
        yield Skipped(rel, str(exc))
    except OSError as exc:
        yield Skipped(rel, f"cannot read: {exc.strerror or exc}")
    except RecursionError:
        yield Skipped(rel, _TOO_DEEP)
    except Exception as exc:  # noqa: BLE001 - one file's surprise must not stop the others
        yield Skipped(rel, f"cannot be read ({type(exc).__name__}: {exc})")
