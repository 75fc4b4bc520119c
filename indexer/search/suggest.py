""""Did you mean": other spellings of a query's words that the index holds.

A word the index knows neither by its exact form nor by its stem found
nothing, or little: relatives through its root, 4-grams or spelling key.
It is worth a suggestion whatever else the query found.  Its closest
indexed words replace it with its proclitics kept, shown as documents
write them (مؤتمر, not the normalized مءتمر): والمؤتمرر -> والمؤتمر.

The close words are the exact fields' words that share the typed word's
first letter, within one or two edits (a swap of two letters counts one, as
in variants.py), read in one pass for both distances; the spelling field
(variants.py) gives each one's most common written form.  Whoosh's
``terms_within`` is not used: on an index of several segments it computes
every distance in pure Python, and it reads the words again per distance,
which made a misspelled query take a second on 10,000 documents.

Only whole words are offered.  An indexed word loses its proclitics before
the typed ones go on, and a reading of them may cut a letter of the word
itself: للافروف read as لل + افروف, إليها (normalized اليها) as ال + يها.
So a reading that cuts anything is offered only when some document writes
it alone (ل + لافروف), or writes it after the typed proclitics
(الأخبار for الأخخبار); an indexed word with no such reading is not offered.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from ..analysis.chain import written_analyzer
from ..analysis.normalize import normalize_word
from ..storage.schema import TEXT_FIELDS
from ..analysis.stemming import light_bases
from ..analysis.variants import SEPARATOR, normalized_key, split_term

MAX_SUGGESTIONS = 3
MIN_WORD = 3  # shorter words have too many neighbours to suggest from


def _known(reader, word: str) -> bool:
    """Whether any document holds ``word`` (normalized) as written or by a stem."""
    for fields in TEXT_FIELDS.values():
        if reader.doc_frequency(fields.exact, word):
            return True
        stems = reader.schema[fields.stem].process_text(word, mode="query")
        if any(reader.doc_frequency(fields.stem, s) for s in stems):
            return True
    return False


def _exact_frequency(reader, word: str) -> int:
    return sum(reader.doc_frequency(fields.exact, word) for fields in TEXT_FIELDS.values())


def _as_written(reader, word: str) -> str:
    """The most frequent written form of ``word`` (normalized, no proclitics), or ``word``."""
    best, best_df = word, 0
    for fields in TEXT_FIELDS.values():
        for term in reader.expand_prefix(fields.spelling, normalized_key(word) + SEPARATOR):
            term = term.decode("utf-8")
            written = split_term(term)[1]
            df = reader.doc_frequency(fields.spelling, term)
            if normalize_word(written) == word and df > best_df:
                best, best_df = written, df
    return best


def _whole_base(reader, indexed: str, proclitics: str) -> str | None:
    """``indexed`` (an exact-field word) without its proclitics, as a whole word, or None.

    Its first reading (light_bases) that cuts nothing, or that some document
    writes alone or after ``proclitics`` (the typed ones, normalized), so
    that the suggestion is a word as documents write it.  Normalized letters
    cannot tell the article from a word's own letters (إلغاء is normalized
    الغاء), so even a cut ال needs that proof.
    """
    for reading in light_bases(indexed):
        if reading == indexed or _exact_frequency(reader, reading):
            return reading
        if proclitics and (proclitics + reading == indexed or _exact_frequency(reader, proclitics + reading)):
            return reading
    return None


def _near(reader, fieldname: str, base: str, maxdist: int):
    """(distance, word) for the field's words within ``maxdist`` edits of ``base``."""
    # Misspellings rarely touch the first letter; sharing it bounds the words read.
    for term in reader.expand_prefix(fieldname, base[:1]):
        word = term.decode("utf-8")
        if abs(len(word) - len(base)) <= maxdist:
            distance = OSA.distance(base, word, score_cutoff=maxdist)
            if 0 < distance <= maxdist:  # not the typed word itself
                yield distance, word


def _candidates(reader, base: str, proclitics: str) -> list[str]:
    """Indexed words near ``base`` (normalized, no proclitics): closest, then most frequent.

    One per word without proclitics, none equal to ``base``; each a whole
    word alone or after ``proclitics`` (see _whole_base).
    """
    maxdist = 1 if len(base) <= 4 else 2
    near = [hit for fields in TEXT_FIELDS.values() for hit in _near(reader, fields.exact, base, maxdist)]
    near.sort(key=lambda hit: hit[0])  # stable: by distance, then field and word order
    best = {}  # word without proclitics -> (distance, -document frequency)
    for distance, other in near:
        other_base = _whole_base(reader, other, proclitics)
        if other_base is None or other_base == base:
            continue
        if other_base in best and best[other_base][0] < distance:
            continue
        rank = (distance, -_exact_frequency(reader, other))
        best[other_base] = min(best.get(other_base, rank), rank)
    return sorted(best, key=best.get)


def _replacements(reader, written: str) -> list[str]:
    """Indexed words to put in place of the typed ``written`` word, its proclitics kept."""
    word = normalize_word(written)
    if len(word) < MIN_WORD or _known(reader, word):
        return []
    # Marks are gone, so the written and normalized words have the same length.
    base = light_bases(word)[0]
    cut = len(word) - len(base)
    closest = _candidates(reader, base, word[:cut])[:MAX_SUGGESTIONS]
    return [written[:cut] + _as_written(reader, other) for other in closest]


def suggestions(reader, query: str, words: list[str]) -> list[str]:
    """Up to three rewrites of ``query`` with its unknown words replaced by indexed words.

    ``words`` are the normalized words the query searched for (not those it
    excluded or ignored as stop words).
    """
    wanted = set(words)
    # Whoosh reuses one Token object, so keep copies of what is needed.
    tokens = [(t.text, t.startchar, t.endchar) for t in written_analyzer()(query, chars=True)]
    options = {}
    for written, _, _ in tokens:
        if written not in options and normalize_word(written) in wanted:
            options[written] = _replacements(reader, written)
    options = {w: c for w, c in options.items() if c}
    if not options:
        return []
    rewrites = []
    for rank in range(MAX_SUGGESTIONS):
        text, changed = query, False
        # Replace from the end so earlier offsets stay valid.
        for written, start, end in reversed(tokens):
            if written in options:
                choices = options[written]
                changed |= rank < len(choices)
                text = text[:start] + choices[min(rank, len(choices) - 1)] + text[end:]
        if changed and text not in rewrites:
            rewrites.append(text)
    return rewrites
