"""The index schema: every text field searched five ways, three of them indexed.

Indexed (Whoosh fields, with postings):
- exact: the normalized word (what a person typed matches best);
- stem: the light stem, without stop words (what decides a match);
- spelling: the word as written without its proclitics, marks removed
  (مدرسة and مدرسه apart), under its spelling key (variants.py): the
  spelling a person typed ranks first among those normalization joins, and
  بلينكن finds بلينكين.

Derived from the exact field's terms (relatives.py: no postings of their own):
- root: the word's root, a low-weight relative (يتدفق ~ تدفق);
- gram: 4-letter pieces of the stem, a low-weight relative for words the
  stemmer cannot join (transliterated names, broken plurals).

Only exact and stem carry positions, for phrases; the others only add
score or match at a low weight (see ranking.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from whoosh.columns import FixedBytesColumn
from whoosh.fields import ID, STORED, TEXT, FieldType, Schema
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from ..analysis.chain import (
    DEFAULT_SETTINGS,
    AnalysisSettings,
    exact_analyzer,
    stem_analyzer,
    spelling_analyzer,
    TokenReplay,
    token_replay,
)
from ..analysis.repeats import blanked, repeated_spans
from ..duplicates import signature as dup_signature


class ArabicText(TEXT):
    """TEXT indexed through its chain's TokenReplay (analysis.py): the same
    terms, each distinct token analyzed once."""

    def index(self, value, **kwargs):
        replay = token_replay(self.analyzer)
        fmt = self.format
        if kwargs or not isinstance(value, str) or not isinstance(replay, TokenReplay) \
                or type(fmt) not in (Positions, Frequency):
            yield from super().index(value, **kwargs)
            return
        # Whoosh's Positions/Frequency.word_values over the replayed terms.
        boost = fmt.field_boost
        positional = type(fmt) is Positions
        for text, (positions, weight) in replay.terms(value).items():
            freq = len(positions)
            yield (text.encode("utf-8"), freq, weight * boost,
                   fmt.encode(positions) if positional else pack_uint(freq))


class SignatureField(FieldType):
    """Neither searched nor stored: a column holding each document's MinHash
    signature (duplicates/signature.py), made from the text it is given, in
    the writer's own process."""

    indexed = False
    stored = False
    scorable = False
    format = None
    vector = None

    def __init__(self):
        self.column_type = FixedBytesColumn(dup_signature.BYTES)

    def to_column_value(self, value):
        return dup_signature.signature(value) if isinstance(value, str) else bytes(value)

    def from_column_value(self, value):
        return value


# Bumped whenever analysis or schema change in a way that needs a rebuild.
# 11: function words with clitics are stop words (فيها, عليه, لأنه, والتي), and a
# verb's past with ت or وا is also read as the verb (أعلنت, فازوا meet أعلن, فاز).
# 10: a word too short for a spelling key is filed under itself with doubled letters
# written once (طاووس under طاوس).
# 9: stop words are decided on the written form (علي is a word, على is not), and ت
# before an attached pronoun is also read as ة (مساحتها meets مساحة).
# 8: near-duplicate signatures hash shingles from rensa's word hashes (cheaper;
# the values differ from version 7's, so the two cannot be compared).
# 7: a body's repeated passages are found word by word as whitespace cuts them.
# 6: source and date are indexed (filters and facets), documents carry a
# signature column (near-duplicates), and a body's repeated passages are
# indexed once.
# 5: roots and 4-grams are no longer indexed fields but maps over the exact
# terms, kept in the posting columns (relatives.py).
# 4: the analysis classes moved into packages by stage (indexer/analysis/,
# indexer/storage/): an index pickles them by module, so older ones must be
# rebuilt (the engine checks the version before Whoosh opens an index).
ANALYSIS_VERSION = 11


@dataclass(frozen=True)
class FieldSet:
    """The indexed fields of one user-facing field."""

    exact: str
    stem: str
    root: str
    gram: str
    spelling: str

    def by_kind(self):
        return {kind: getattr(self, kind) for kind in FIELD_KINDS}

    def indexed(self):
        """The indexed fields by kind (the derived ones are not in the schema)."""
        return {kind: getattr(self, kind) for kind in INDEXED_KINDS}


FIELD_KINDS = ("exact", "stem", "root", "gram", "spelling")
# The kinds found through the exact terms at query time, and those indexed.
DERIVED_KINDS = ("root", "gram")
INDEXED_KINDS = tuple(kind for kind in FIELD_KINDS if kind not in DERIVED_KINDS)
# User-facing field name -> its indexed fields.
TEXT_FIELDS = {
    scope: FieldSet(scope, *(f"{scope}_{kind}" for kind in FIELD_KINDS[1:])) for scope in ("title", "body")
}


def build_schema(settings: AnalysisSettings = DEFAULT_SETTINGS) -> Schema:
    analyzers = {
        "exact": exact_analyzer(),
        "stem": stem_analyzer(settings),
        "spelling": spelling_analyzer(),
    }
    fields = {"id": ID(stored=True, unique=True)}
    for scope, names in TEXT_FIELDS.items():
        for kind, name in names.indexed().items():
            positions = kind in ("exact", "stem")
            fields[name] = ArabicText(analyzer=analyzers[kind], stored=kind == "exact", phrase=positions)
    # "repeats": the spans of the passages a body repeats (analysis/repeats.py), left out
    # of its postings and its snippets.
    for name in ("path", "url", "repeats"):
        fields[name] = STORED()
    # Indexed whole, for filters and facets (archive/attributes.py).
    fields["date"] = ID(stored=True)
    fields["source"] = ID(stored=True)
    fields["signature"] = SignatureField()
    return Schema(**fields)


def document_fields(title: str, body: str) -> dict:
    """The text of every indexed field of a document, and what is stored beside it.

    A passage the body repeats (analysis/repeats.py) is indexed once: the body
    fields read the text with its repeats blanked out, the stored body keeps
    them, and their spans are stored for the snippets (found once here, not
    again for every page of results that shows the document)."""
    spans = repeated_spans(body)
    text = {"title": title, "body": blanked(body, spans)}
    fields = {name: text[scope] for scope, names in TEXT_FIELDS.items() for name in names.indexed().values()}
    if spans:
        fields["_stored_" + TEXT_FIELDS["body"].exact] = body
        fields["repeats"] = [edge for span in spans for edge in span]
    return fields


def shown_body(stored: dict) -> str:
    """A stored document's body as its fields were analysed and its snippets read it: each passage once."""
    body = stored.get(TEXT_FIELDS["body"].exact, "")
    edges = stored.get("repeats") or ()
    return blanked(body, list(zip(edges[::2], edges[1::2])))
