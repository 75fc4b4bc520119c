"""Snippets read only the stretches of text around matches, and lose nothing by it.

The highlighter tokenizes and marks the words near each match, not the whole
text, and finds which tokens match by looking for the query's forms among the
text's folded letters (letter_spots.py).  Here every snippet is made again the slow way, from every word of the
text asked of the query one by one, and the two must be the same string.
"""

from __future__ import annotations

import random
import pytest
from whoosh.analysis import Token
from whoosh.highlight import ContextFragmenter

from conftest import SEEDS
from indexer import SearchEngine
from indexer.analysis.chain import DEFAULT_SETTINGS, AnalysisSettings, word_forms
from indexer.snippets.highlight import (
    FRAGMENT_CHARS,
    FRAGMENT_SURROUND,
    context_fragments,
    highlight_all,
    join_phrase_stop_words,
    snippet,
    snippet_from,
)
from indexer.search.parse import QueryError, parse_query
from test_term_at_a_time import SYNTAX

QUERIES = SYNTAX + [
    "عَرَفَت",
    "أمريكي",
    "الاجتماعات",
    "2022",
    "روسيا الهند",
    "الولايات المتحدة",
    "المتحدث",
    "قال",
    '"قال لافروف"',
    "ستوكهو*",
    "مسؤول",
    "الوزير",
    "Lavrov",
    '"في عام"',
    '"على الرغم من ذلك"',
]

SEED_BODIES = [p.read_text(encoding="utf-8").split("\n", 1)[1] for p in sorted(SEEDS.glob("*.txt"))]
TEXTS = [
    *SEED_BODIES,
    # a long archive page: matches far apart and close together
    "\n\n".join(SEED_BODIES),
    # no whitespace for a long stretch, a number glued to a word, a match at each end
    "لافروف" + "،" * 700 + "2022ءلافروف" + "-".join(["بلينكن"] * 40) + " قال",
    "قال " + "كلمة " * 90 + "لافروف",
    # the word before a match far behind it, across punctuation
    "كلمة " * 30 + "؟" * 400 + " لافروف قال" + "!" * 300 + "بلينكن",
    "لافروف",
    "",
    # hamza seats, diacritics, tatweel inside a word and alone, a stem's longer forms
    "المسئولون والمسؤول عُرِفَتْ إسرائيل والـــوزير ـــ وزيرها الوزراء قالت في عام 2022",
    # a tatweel alone is no word: the context before the match starts at كلمة, far behind
    "كلمة" + " " * 70 + "ـــ لافروف",
    # a presentation form (lam-alef) and a letter whose lowercase is two: every token asked
    "\uFEFBفروف قال لافروف",
    "İstanbul LAVROV لافروف قال",
    "LAVROV ΟΔΟΣ لافروف",
]


def _whoosh_fragments(text: str, marked: list[Token]):
    return ContextFragmenter(maxchars=FRAGMENT_CHARS, surround=FRAGMENT_SURROUND, charlimit=None).fragment_tokens(
        text, marked)


def _slow_snippet(text: str, terms, scope: str, settings=DEFAULT_SETTINGS) -> str:
    """The snippet made from every word of the text, each asked of the query
    alone (a phrase's stop words then next to the marked words), and cut into
    fragments by Whoosh's own ContextFragmenter."""
    matches = terms.matcher(scope)
    words = list(word_forms(text, settings))
    spans = [(w.startchar, w.endchar) for w in words]
    marks = {w.startchar: w.exact for w in words if matches(w.exact, w.stems)}
    join_phrase_stop_words(text, spans, marks, terms.joined[scope] - terms.exact[scope])
    marked = [Token(text=w.exact, startchar=w.startchar, endchar=w.endchar, matched=w.startchar in marks)
              for w in words]
    return snippet_from(text, _whoosh_fragments(text, marked))


def _terms(query: str, reader, schema):
    try:
        return parse_query(query, schema, reader=reader).terms
    except QueryError:
        pytest.skip("not a runnable query")


@pytest.fixture(scope="module")
def reader_and_schema(seed_index):
    opened = SearchEngine(seed_index)._opened()
    return opened.searcher.reader(), opened.index.schema


@pytest.mark.parametrize("query", QUERIES)
def test_snippets_from_the_stretches_around_matches_equal_snippets_from_every_word(reader_and_schema, query):
    reader, schema = reader_and_schema
    terms = _terms(query, reader, schema)
    for text in TEXTS:
        for scope in ("body", "title"):
            assert snippet(text, terms, scope) == _slow_snippet(text, terms, scope), (query, scope, text[:80])


@pytest.mark.parametrize("query", ["لافروف", "الوزير", "قال بلينكن"])
def test_snippets_under_a_stemmer_letters_cannot_follow_equal_snippets_from_every_word(reader_and_schema, query):
    reader, schema = reader_and_schema
    terms = _terms(query, reader, schema)
    snowball = AnalysisSettings(stemmer="snowball")  # its stems are not runs of the word's letters
    for text in TEXTS:
        assert snippet(text, terms, "body", snowball) == _slow_snippet(text, terms, "body", snowball), (query, text[:80])


def test_fragments_are_cut_as_whoosh_cuts_them():
    """Word lengths and gaps around and past the fragment's bounds, matches at
    every distance, words longer than the context and than a fragment."""
    rng = random.Random(7)
    for _ in range(400):
        spans, at = [], rng.randrange(3)
        for _ in range(rng.randrange(1, 80)):
            size = rng.choice([1, 2, 5, 9, 30, FRAGMENT_SURROUND + 1, FRAGMENT_CHARS + 5] + [4] * 8)
            spans.append((at, at + size, rng.choice(["w", "x"]) if rng.random() < 0.15 else None))
            at += size + rng.choice([0, 1, 1, 1, 3, 40])
        text = "a" * (at + 1)
        tokens = [Token(text=exact or "", startchar=start, endchar=end, matched=exact is not None)
                  for start, end, exact in spans]
        marks = {start: exact for start, _, exact in spans if exact is not None}
        ours = [(f.startchar, f.endchar, [(w.startchar, w.endchar, w.text) for w in f.matches])
                for f in context_fragments(text, [(start, end) for start, end, _ in spans], marks)]
        whoosh = [(f.startchar, f.endchar, [(t.startchar, t.endchar, t.text) for t in f.matches])
                  for f in _whoosh_fragments(text, tokens)]
        assert ours == whoosh, spans


def test_the_compared_snippets_mark_words(reader_and_schema):
    """Most compared queries mark something, so the comparison above is not of empty snippets."""
    reader, schema = reader_and_schema
    marking = [q for q in QUERIES if "<mark>" in snippet(TEXTS[len(SEED_BODIES)], _terms(q, reader, schema), "body")]
    assert len(marking) >= 0.8 * len(QUERIES), set(QUERIES) - set(marking)


def test_a_whole_text_is_marked_wherever_a_word_matches(reader_and_schema):
    reader, schema = reader_and_schema
    terms = parse_query("عرفت بلينكن", schema, reader=reader).terms
    text = "عُرِفَت القصة، ثم قال بلينكن: عرفت.\n" + "كلام " * 200 + "وبلينكن"
    assert highlight_all(text, terms, "body") == (
        "<mark>عُرِفَت</mark> القصة، ثم قال <mark>بلينكن</mark>: <mark>عرفت</mark>.\n"
        + "كلام " * 200 + "<mark>وبلينكن</mark>"
    )


PHRASE_TEXT = "على الرغم من ذلك قال في عام 2022 إن المدينة في الشمال، من ذلك ما قيل على المنبر"


@pytest.mark.parametrize("query, marked", [
    # a phrase's stop word is marked next to the phrase's other words, not wherever it stands
    ('"في عام"', "على الرغم من ذلك قال <mark>في</mark> <mark>عام</mark> 2022 إن المدينة في الشمال، "
                 "من ذلك ما قيل على المنبر"),
    # and next to a stop word so marked, on either side
    ('"على الرغم من ذلك"', "<mark>على</mark> <mark>الرغم</mark> <mark>من</mark> <mark>ذلك</mark> قال في عام "
                           "2022 إن المدينة في الشمال، من ذلك ما قيل على المنبر"),
    # a phrase of stop words alone has nothing to stand next to: marked where they stand
    ('"من ذلك"', "على الرغم <mark>من</mark> <mark>ذلك</mark> قال في عام 2022 إن المدينة في الشمال، "
                 "<mark>من</mark> <mark>ذلك</mark> ما قيل على المنبر"),
])
def test_the_stop_words_of_a_phrase_are_marked_beside_its_other_words(reader_and_schema, query, marked):
    reader, schema = reader_and_schema
    terms = parse_query(query, schema, reader=reader).terms
    assert highlight_all(PHRASE_TEXT, terms, "body") == marked
    far = "في الشمال قيل كلام كثير. " * 30 + PHRASE_TEXT
    assert snippet(far, terms, "body").count("<mark>") == marked.count("<mark>")
