"""A Whoosh codec whose scored fields' postings are the posting columns alone.

Every scored field's postings used to be written twice: as Whoosh's
blocks (zlib'd pickles of 128 postings, with a term table) and as the
posting columns the searches read (posting_columns.py).  Whoosh's copy was
a third of a rebuild's time and half the index on disk, and only tests and
Whoosh's own searcher read it.  A segment written with ``ColumnsCodec``
keeps Whoosh's files for what the columns do not hold (the ``id`` field's
postings, field lengths, stored fields) and serves its scored fields to
Whoosh from the columns: ``ColumnsTermsReader`` answers what Whoosh's term
reader answers (vocabulary, statistics, matchers with Whoosh's values),
so ``whoosh.index.open_dir`` and Whoosh's searcher read the index as
before (tests/test_segment_writer.py compares every term's statistics and
postings with what Whoosh's own writer makes).

The codec is pickled into each segment, so Whoosh finds it when it opens
the index; an index written before it keeps its W3 segments.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from whoosh.codec import base
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3Codec, W3PerDocReader, _lenfield
from whoosh.matching import ListMatcher
from whoosh.reading import TermInfo, TermNotFound
from whoosh.system import pack_uint

from .posting_columns import SegmentColumns, columns_path
from .relatives import decoded_lengths


def folder_of_storage(storage) -> Path | None:
    """The index folder behind a storage (a compound segment is read through an overlay of its file and the folder)."""
    storage = getattr(storage, "b", storage)
    folder = getattr(storage, "folder", None)
    return None if folder is None else Path(folder)


class MissingColumns(OSError):
    """A segment written with ColumnsCodec whose posting columns file cannot be read as its own."""


class ColumnsCodec(W3Codec):
    """Whoosh 3's codec, but the fields that have columns read from them (the writer writes no blocks for them)."""

    def terms_reader(self, storage, segment):
        folder = folder_of_storage(storage)
        if folder is None:
            raise MissingColumns(f"segment {segment.segment_id()} has its postings in a posting columns file, "
                                 "which only an index folder holds")
        path = columns_path(folder, segment.segment_id())
        try:
            columns = SegmentColumns(path)
        except FileNotFoundError:
            raise  # named as missing, as any other file of the index
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise MissingColumns(f"{folder.name}/{path.name} is not a posting columns file ({error})") from error
        if (columns.segment, columns.documents) != (segment.segment_id(), segment.doc_count_all()):
            raise MissingColumns(f"{folder.name}/{path.name} holds the postings of another segment")
        return ColumnsTermsReader(super().terms_reader(storage, segment), columns, storage, segment)


class ColumnTermInfo(TermInfo):
    """A term's statistics, as Whoosh's term table would hold them (its total and largest weight
    as 32-bit floats, its lengths through the one-byte code), each worked out when asked: most
    callers want only the document frequency (a prefix's words, their cost)."""

    def __init__(self, field, i: int, field_lengths):
        self._field, self._i, self._field_lengths = field, i, field_lengths
        self._read = None

    def _postings(self):
        if self._read is None:
            ids, weights, _ = self._field.read_at(self._i)
            self._read = ids, weights
        return self._read

    def doc_frequency(self):
        return self._field.posting_count(self._i)

    def weight(self):
        return self._field.total_weight(self._i)

    def max_weight(self):
        return float(np.float32(self._postings()[1].max()))

    def min_length(self):
        lengths = self._field_lengths()[self._postings()[0]]
        present = lengths[lengths > 0]
        return float(present.min()) if len(present) else 0

    def max_length(self):
        return float(self._field_lengths()[self._postings()[0]].max())

    # Whoosh's MultiReader moves a segment's term information to its place in the index
    # through these attributes (reading.combine_terminfos).
    @property
    def _minid(self):
        return self.__dict__["minid"] if "minid" in self.__dict__ else int(self._postings()[0][0])

    @_minid.setter
    def _minid(self, value):
        self.__dict__["minid"] = value

    @property
    def _maxid(self):
        return self.__dict__["maxid"] if "maxid" in self.__dict__ else int(self._postings()[0][-1])

    @_maxid.setter
    def _maxid(self, value):
        self.__dict__["maxid"] = value

    def min_id(self):
        return self._minid

    def max_id(self):
        return self._maxid


class ColumnsTermsReader(base.TermsReader):
    """Whoosh's terms reader of a segment, the scored fields' terms read from the posting columns."""

    def __init__(self, whoosh_terms, columns: SegmentColumns, storage, segment):
        self._whoosh = whoosh_terms  # the fields without columns (the document ids)
        self.columns = columns
        self._storage, self._segment = storage, segment
        self._lengths = {}

    # -- the fields and their terms

    def _columns(self, fieldname):
        return self.columns.fields.get(fieldname)

    def indexed_field_names(self):
        return sorted(set(self._whoosh.indexed_field_names()) | set(self.columns.fields))

    def __contains__(self, term):
        fieldname, tbytes = term
        field = self._columns(fieldname)
        if field is None:
            return term in self._whoosh
        return field.term_index(tbytes) is not None

    def _field_terms(self, fieldname, prefix=b""):
        field = self._columns(fieldname)
        if field is None:
            return (term for term in self._whoosh.terms_from(fieldname, prefix) if term[0] == fieldname)
        return ((fieldname, tbytes) for tbytes in field.terms_from(prefix))

    def terms_from(self, fieldname, prefix):
        # Whoosh's readers merge segments' terms in (field, term) order: fields by name.
        later = [name for name in self.indexed_field_names() if name > fieldname]
        first = self._field_terms(fieldname, prefix) if fieldname in self.indexed_field_names() else iter(())
        yield from first
        for name in later:
            yield from self._field_terms(name)

    def terms(self):
        return self.terms_from("", b"")

    def items_from(self, fieldname, prefix):
        for name, tbytes in self.terms_from(fieldname, prefix):
            yield (name, tbytes), self.term_info(name, tbytes)

    def items(self):
        return self.items_from("", b"")

    def cursor(self, fieldname, fieldobj):
        if self._columns(fieldname) is None:
            return self._whoosh.cursor(fieldname, fieldobj)
        return _FieldCursor(self._columns(fieldname), fieldobj)

    # -- one term

    def _term(self, fieldname, tbytes, missing=TermNotFound) -> int:
        # Whoosh's term reader raises TermNotFound for a term's information, KeyError for its statistics.
        i = self._columns(fieldname).term_index(tbytes)
        if i is None or not self._columns(fieldname).posting_count(i):
            raise missing(f"No term {fieldname}:{tbytes!r}")
        return i

    def _field_lengths(self, fieldname) -> np.ndarray:
        """Each document's length in the field, as Whoosh decodes its one-byte code."""
        if fieldname not in self._lengths:
            perdoc = W3PerDocReader(self._storage, self._segment)
            try:
                self._lengths[fieldname] = decoded_lengths(
                    length_codes(perdoc, fieldname, self._segment.doc_count_all()))
            finally:
                perdoc.close()
        return self._lengths[fieldname]

    def _term_info(self, fieldname, i):
        return ColumnTermInfo(self._columns(fieldname), i, lambda: self._field_lengths(fieldname))

    def term_info(self, fieldname, tbytes):
        if self._columns(fieldname) is None:
            return self._whoosh.term_info(fieldname, tbytes)
        return self._term_info(fieldname, self._term(fieldname, tbytes))

    def frequency(self, fieldname, tbytes):
        if self._columns(fieldname) is None:
            return self._whoosh.frequency(fieldname, tbytes)
        return self._columns(fieldname).total_weight(self._term(fieldname, tbytes, KeyError))

    def doc_frequency(self, fieldname, tbytes):
        if self._columns(fieldname) is None:
            return self._whoosh.doc_frequency(fieldname, tbytes)
        return self._columns(fieldname).posting_count(self._term(fieldname, tbytes, KeyError))

    def matcher(self, fieldname, tbytes, format_, scorer=None):
        field = self._columns(fieldname)
        if field is None:
            return self._whoosh.matcher(fieldname, tbytes, format_, scorer=scorer)
        positional = format_.supports("positions")
        found = field.read(tbytes, positions=positional, grouped=True)
        if found is None:
            raise TermNotFound(f"No term {fieldname}:{tbytes!r}")
        ids, weights, positions = found
        if positional:
            values = [format_.encode(p) for p in positions]
        else:
            # Whoosh's Frequency value is the count, which the weight is (every token weighs 1).
            values = [pack_uint(int(w)) for w in weights]
        info = self._term_info(fieldname, field.term_index(tbytes))
        return ListMatcher(ids.tolist(), weights.tolist(), values, format_, scorer=scorer,
                           term=(fieldname, tbytes), terminfo=info)

    def close(self):
        self._whoosh.close()


def length_codes(perdoc, fieldname: str, documents: int) -> np.ndarray:
    """Each document's one-byte length code in ``fieldname``, read from Whoosh's length
    column whole (Whoosh reads it a document at a time); zeros past what it holds."""
    codes = np.zeros(documents, dtype=np.uint8)
    try:
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        raw = np.frombuffer(column._dbfile.get(column._basepos, column._count), dtype=np.uint8)
    except (AttributeError, TypeError):
        from whoosh.util.numeric import length_to_byte

        raw = np.array([length_to_byte(perdoc.doc_field_length(d, fieldname, 0) or 0) for d in range(documents)],
                       dtype=np.uint8)
    codes[: len(raw)] = raw[:documents]
    return codes


class _FieldCursor(base.FieldCursor):
    """Whoosh's cursor over a field's terms (its spelling corrector walks one)."""

    def __init__(self, field, fieldobj):
        self._field, self._fieldobj = field, fieldobj
        self._at = 0

    def first(self):
        self._at = 0
        return self.text()

    def find(self, term):
        if not isinstance(term, bytes):
            term = self._fieldobj.to_bytes(term)
        self._at = self._field.terms_at_or_after(term)
        return self.text()

    def next(self):
        self._at += 1
        return self.text()

    def is_valid(self):
        return self._at < self._field.term_count

    def term(self):
        return self._field.term_at(self._at) if self.is_valid() else None

    def text(self):
        term = self.term()
        return None if term is None else self._fieldobj.from_bytes(term)

