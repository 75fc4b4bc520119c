"""A passage a document repeats counts once in ranking and shows once in a snippet.

seeds/001 holds its last paragraphs twice; seeds/000 holds its whole text twice,
once run together without line breaks; seeds/004 repeats its headline."""

from __future__ import annotations

import json
import re

from conftest import SEEDS
from indexer import SearchEngine, rebuild
from indexer.analysis.repeats import MIN_WORDS, blanked, repeated_spans
from indexer.ingest.documents import Document, read_file

PARAGRAPH = ("وقال المتحدث باسم الوزارة إن المحادثات بين الجانبين تناولت ملف الطاقة النووية والعقوبات "
             "المفروضة على الشركات، وإن الجولة المقبلة ستعقد في فيينا خلال الشهر المقبل.")
OTHER = ("وفي سياق آخر أعلنت الحكومة عن خطة لإصلاح قطاع التعليم تشمل بناء مدارس جديدة في المناطق الريفية "
         "وتدريب المعلمين على المناهج الحديثة، على أن يبدأ تنفيذها مطلع العام الدراسي.")


def _body(name: str) -> str:
    return next(d for d in read_file(SEEDS / name, SEEDS) if isinstance(d, Document)).body


def test_the_seeds_repeats_are_found_and_only_they():
    once = " ".join(blanked(_body("000_333e4f5e5842fc51.txt"), repeated_spans(_body("000_333e4f5e5842fc51.txt"))).split())
    # The text run together stays once; the copy with line breaks is left out.
    assert once.count("معاهدة ستارت النووية الجديدة") == 1
    assert repeated_spans(_body("002_98b5b275d5bd952f.txt")) == []
    body = _body("004_f9df47be515c0267.txt")
    [(start, end)] = repeated_spans(body)  # the headline, written again in the body
    assert start < 300 and "سيجريان اتصالات مباشرة" in body[start:end]


def test_a_repeat_shorter_than_a_run_of_words_is_kept():
    text = "في المستقبل القريب جدا " + OTHER + " في المستقبل القريب جدا"
    assert len("في المستقبل القريب جدا".split()) < MIN_WORDS
    assert repeated_spans(text) == []


def test_a_snippet_shows_a_repeated_passage_once(client):
    data = client.get("/api/search", query_string={"q": "ستارت"}).get_json()
    snippet = next(r["snippet"] for r in data["results"] if r["id"] == "001_6065c3113359f301.txt")
    fragments = [re.sub("<[^>]+>", "", f).strip() for f in snippet.split("…")]
    assert len(fragments) == len(set(fragments))
    assert snippet.count("الجديدة لنزع السلاح النووي") <= 1
    # The document page still shows the whole text as written, both copies marked.
    page = client.get("/doc/001_6065c3113359f301.txt", query_string={"q": "ستارت"}).get_data(as_text=True)
    assert page.count("<mark") >= 3


def test_a_repeated_paragraph_weighs_once(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    records = [
        {"id": "once", "title": "خبر", "text": f"{PARAGRAPH}\n{OTHER}"},
        {"id": "thrice", "title": "خبر", "text": f"{PARAGRAPH}\n{OTHER}\n{PARAGRAPH}\n{PARAGRAPH}"},
    ]
    (source / "a.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    rebuild(source, tmp_path / "index", signatures=False)
    scores = dict(SearchEngine(tmp_path / "index").ranked("فيينا"))
    assert scores["once"] == scores["thrice"]
