"""The index schema: every text field twice, exact (normalized) and stemmed.

A word that matches in the exact field also matches its stem, so a document
holding the form the user typed outscores one that holds only a relative of it.
"""

from whoosh.fields import ID, STORED, TEXT, Schema

from .analysis import exact_analyzer, stem_analyzer
from .stemming import DEFAULT_STEMMER

# Bumped whenever analysis or schema change in a way that needs a rebuild.
ANALYSIS_VERSION = 1

# User-facing field name -> (exact field, stemmed field).
TEXT_FIELDS = {
    "title": ("title", "title_stem"),
    "body": ("body", "body_stem"),
}

# Relative weights of each indexed field in ranking.
FIELD_BOOSTS = {
    "title": 3.0,
    "title_stem": 1.5,
    "body": 2.0,
    "body_stem": 1.0,
}


def build_schema(stemmer: str = DEFAULT_STEMMER) -> Schema:
    exact = exact_analyzer()
    stemmed = stem_analyzer(stemmer)
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=exact, stored=True, phrase=True),
        title_stem=TEXT(analyzer=stemmed, phrase=True),
        body=TEXT(analyzer=exact, stored=True, phrase=True),
        body_stem=TEXT(analyzer=stemmed, phrase=True),
        path=STORED(),
        url=STORED(),
        date=STORED(),
        source=STORED(),
    )
