"""Arabic nouns and verbs from a maintained dictionary (arramooz): which words begin
with و, and which letters spell a word of their own.

A light stemmer cannot tell the conjunction و from a first letter: وفاة,
ولد, وادي and ولاية begin with theirs, وقال and والرئيس with the
conjunction.  Arramooz's nouns and verbs (about 44,000 lemmas, with
pyarabic's author as its maintainer) are shipped with the engine as a
package, so every index and every query decide alike: the lexicon is not
the index's own vocabulary, which changes with each update.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from importlib import resources

from .normalize import normalize_word

# Endings of a past-tense verb: ولدت (she was born) is ولد, وصلوا is وصل.
VERB_ENDINGS = ("تما", "تم", "تن", "نا", "وا", "ت", "ن", "ا")


@lru_cache(maxsize=1)
def dictionary_entries() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, verbs) of the dictionary, normalized: verbs in the past, as the dictionary files them."""
    with resources.as_file(resources.files("arramooz").joinpath("data/arabicdictionary.sqlite")) as path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = [frozenset(normalize_word(word) for (word,) in connection.execute(
                f"SELECT unvocalized FROM {table}")) for table in ("nouns", "verbs")]
        finally:
            connection.close()
    return found[0], found[1]


@lru_cache(maxsize=1)
def waw_words() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, verbs) of the dictionary that begin with و, normalized."""
    nouns, verbs = dictionary_entries()
    return frozenset(w for w in nouns if w[:1] == "و"), frozenset(w for w in verbs if w[:1] == "و")


# A past-tense verb's endings that a light stemmer keeps: she (فازت, أعلنت) and
# they (فازوا).  The others (تم, نا, ن...) are rare in prose or are read as pronouns.
PAST_ENDINGS = ("وا", "ت")
# Letters of a verb before its ending: shorter words ending in ت are mostly nouns (بيت).
MIN_PAST_BASE = 3


def past_verb(word: str) -> str | None:
    """The dictionary verb whose past ``word`` (normalized, proclitics off) is, by one of
    PAST_ENDINGS: فازت -> فاز, أعلنت -> اعلن, قالوا -> قال, and with the last letter of a
    weak verb dropped, أعطت -> اعطي, انتهت -> انتهي.  None for a noun of the dictionary
    as written (وقت, ثابت, بنت), whatever verb its letters also spell."""
    nouns, verbs = dictionary_entries()
    if word in nouns:
        return None
    for ending in PAST_ENDINGS:
        base = word[: -len(ending)]
        if not word.endswith(ending) or len(base) < MIN_PAST_BASE:
            continue
        for lemma in (base, base + "ي", base + "ا"):
            if lemma in verbs:
                return lemma
    return None


def begins_with_waw(word: str, noun_stems: frozenset[str] = frozenset()) -> bool:
    """Whether the normalized ``word`` (proclitic article already off) is a dictionary word
    that begins with و: a noun as written or by its stem (``noun_stems``), or a verb
    with a past-tense ending."""
    nouns, verbs = waw_words()
    if word in nouns or word in verbs or word in noun_stems:
        return True
    return any(word.endswith(end) and word[: -len(end)] in verbs for end in VERB_ENDINGS)
