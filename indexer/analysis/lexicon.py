"""Arabic words that begin with و, from a maintained dictionary (arramooz).

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
def waw_words() -> tuple[frozenset[str], frozenset[str]]:
    """(nouns, verbs) of the dictionary that begin with و, normalized."""
    with resources.as_file(resources.files("arramooz").joinpath("data/arabicdictionary.sqlite")) as path:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            found = [{normalize_word(word) for (word,) in connection.execute(
                f"SELECT unvocalized FROM {table} WHERE unvocalized LIKE 'و%'")} for table in ("nouns", "verbs")]
        finally:
            connection.close()
    return frozenset(found[0]), frozenset(found[1])


def begins_with_waw(word: str, noun_stems: frozenset[str] = frozenset()) -> bool:
    """Whether the normalized ``word`` (proclitic article already off) is a dictionary word
    that begins with و: a noun as written or by its stem (``noun_stems``), or a verb
    with a past-tense ending."""
    nouns, verbs = waw_words()
    if word in nouns or word in verbs or word in noun_stems:
        return True
    return any(word.endswith(end) and word[: -len(end)] in verbs for end in VERB_ENDINGS)
