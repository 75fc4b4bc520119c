"""An archive's questions: which source, which dates, newest first, how many of each,
and one result for a story that several sources printed.

The corpus is the seed articles as a small news archive: one agency story
(seeds/002, Zakharova) printed by three sites with a new headline, words
changed, a sentence cut and one added; two different stories sent out in one
agency's template (the same header and footer); the other seeds as they are.
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import SEEDS, run_cli
from indexer import SearchEngine, rebuild, update
from indexer.archive.filters import check_filters
from indexer.ingest.documents import Document, Notice, read_file
from indexer.search.parse import QueryError
from webapp import create_app

ZAKHAROVA = "002_98b5b275d5bd952f.txt"
TEMPLATE_HEAD = ("عاجل | وكالة الأنباء العربية الموحدة — خدمة الأخبار الدولية. جميع الحقوق محفوظة للوكالة، "
                 "ويحظر النقل أو الاقتباس دون ذكر المصدر. تابعونا على مواقع التواصل الاجتماعي لمزيد من الأخبار "
                 "العاجلة والتقارير الخاصة من مراسلينا في العواصم العربية والعالمية.")
TEMPLATE_FOOT = ("للاشتراك في خدمة الأخبار العاجلة للوكالة أرسلوا رسالة إلى الرقم المخصص، وللإعلان في مواقع "
                 "الوكالة ونشراتها يرجى الاتصال بقسم التسويق والمبيعات. الوكالة غير مسؤولة عن آراء الكتّاب "
                 "والمحللين الواردة في التقارير المنشورة.")


def _body(name: str) -> tuple[str, str]:
    """(title, body) of a seed as the engine reads it."""
    doc = next(d for d in read_file(SEEDS / name, SEEDS) if isinstance(d, Document))
    return doc.title, doc.body


def _records() -> list[dict]:
    title, body = _body(ZAKHAROVA)
    paragraphs = [p for p in body.split("\n") if p.strip()]
    # Words changed, as an editor would: another verb, a name spelt otherwise, a number in letters.
    edited = (body.replace("أعلنت", "قالت").replace("سيرغي", "سيرجي").replace("الثلاثاء", "أمس الثلاثاء")
              .replace("قريباً", "في وقت قريب"))
    cut_and_added = "\n".join(paragraphs[:-1] + ["وأضافت الوكالة أن الجانبين لم يحددا موعد اللقاء بعد."])
    other = {name: _body(name) for name in ("000_333e4f5e5842fc51.txt", "003_8ba34b9270a9936a.txt",
                                            "001_6065c3113359f301.txt", "004_f9df47be515c0267.txt")}
    return [
        {"id": "sputnik", "title": title, "text": body, "source": "سبوتنيك", "date": "2022-01-18"},
        {"id": "watan", "title": "موسكو وواشنطن تحضران للقاء لافروف وبلينكن", "text": edited,
         "source": "الوطن", "date": "2022-01-18T09:30:00+03:00"},
        {"id": "sharq", "title": "زاخاروفا: لقاء قريب بين الوزيرين", "text": cut_and_added,
         "source": "الشرق", "date": "2022-01-19"},
        {"id": "g20", "title": other["000_333e4f5e5842fc51.txt"][0], "text": other["000_333e4f5e5842fc51.txt"][1],
         "source": "الوطن", "date": "2023-03-02"},
        {"id": "stockholm", "title": other["003_8ba34b9270a9936a.txt"][0],
         "text": other["003_8ba34b9270a9936a.txt"][1], "source": "الشرق", "date": "2021-12-02"},
        # Two stories, one agency template around each.
        {"id": "template-1", "title": other["001_6065c3113359f301.txt"][0],
         "text": f"{TEMPLATE_HEAD}\n{other['001_6065c3113359f301.txt'][1][:1500]}\n{TEMPLATE_FOOT}",
         "source": "الوكالة الموحدة", "date": "2023-03-03"},
        {"id": "template-2", "title": other["004_f9df47be515c0267.txt"][0],
         "text": f"{TEMPLATE_HEAD}\n{other['004_f9df47be515c0267.txt'][1][:1500]}\n{TEMPLATE_FOOT}",
         "source": "الوكالة الموحدة", "date": "2021-12-02"},
        {"id": "undated", "title": "لافروف وبلينكن في أرشيف بلا تاريخ",
         "text": "مقال قديم عن لقاءات لافروف وبلينكن لم يذكر ناشره تاريخه ولا مصدره، ويبقى في الأرشيف "
                 "بين المقالات الأخرى التي تتحدث عن العلاقات الروسية الأمريكية والمحادثات بين الوزيرين."},
    ]


def build_archive(tmp_path_factory):
    """(source folder, index) of the archive above (the browser tests serve it too)."""
    source = tmp_path_factory.mktemp("archive-src")
    (source / "news.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records()),
                                       encoding="utf-8")
    index = tmp_path_factory.mktemp("archive-index")
    rebuild(source, index)
    return source, index


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    return build_archive(tmp_path_factory)


@pytest.fixture()
def archive_client(archive):
    return create_app({"INDEX_DIR": str(archive[1]), "TESTING": True}).test_client()


def _api(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _all_ids(data) -> list[str]:
    return [r["id"] for r in data["results"]] + [c["id"] for r in data["results"] for c in r["duplicates"]]


# -- folding ------------------------------------------------------------------

def test_a_story_printed_by_three_sites_is_one_result_with_its_copies(archive_client):
    data = _api(archive_client, q="زاخاروفا")
    heads = [r["id"] for r in data["results"]]
    assert len([h for h in heads if h in ("sputnik", "watan", "sharq")]) == 1
    head = next(r for r in data["results"] if r["id"] in ("sputnik", "watan", "sharq"))
    assert sorted([head["id"]] + [c["id"] for c in head["duplicates"]]) == ["sharq", "sputnik", "watan"]
    assert head["duplicate_count"] == 2
    copy = head["duplicates"][0]
    assert set(copy) == {"id", "title", "source", "date", "url", "source_url"}
    assert archive_client.get(copy["url"]).status_code == 200
    # total counts stories, documents counts every matching document.
    assert data["documents"] == data["total"] + 2


def test_stories_in_one_agency_template_and_the_seed_meetings_are_not_folded(archive_client, client):
    data = _api(archive_client, q="بلينكن", per_page=50)
    heads = [r["id"] for r in data["results"]]
    assert "template-1" in heads and "template-2" in heads
    assert "g20" in heads and "stockholm" in heads
    # The seed articles report different meetings of the same two ministers: five results.
    seeds = _api(client, q="بلينكن")
    assert seeds["total"] == seeds["documents"] == 5
    assert all(r["duplicate_count"] == 0 for r in seeds["results"])


def test_the_head_of_a_group_is_its_first_copy_in_the_order_asked_for(archive_client):
    newest = _api(archive_client, q="زاخاروفا", sort="newest")
    oldest = _api(archive_client, q="زاخاروفا", sort="oldest")
    assert "sharq" in [r["id"] for r in newest["results"]]  # 2022-01-19, the latest copy
    oldest_heads = [r["id"] for r in oldest["results"]]
    assert "sharq" not in oldest_heads and ("sputnik" in oldest_heads or "watan" in oldest_heads)


def test_copies_are_folded_over_all_matches_not_within_a_page(archive_client):
    ids = []
    for page in (1, 2, 3, 4, 5, 6, 7, 8):
        data = _api(archive_client, q="لافروف", per_page=1, page=page)
        ids += [r["id"] for r in data["results"]]
    assert len(ids) == len(set(ids)) == data["total"]
    assert len([i for i in ids if i in ("sputnik", "watan", "sharq")]) == 1


def test_without_signatures_nothing_is_folded(archive, tmp_path):
    source, _ = archive
    run_cli("rebuild", "--source", str(source), "--index", str(tmp_path), "--quiet", "--no-signatures")
    page = SearchEngine(tmp_path).search("زاخاروفا", per_page=50)
    assert page.total == page.documents
    assert {"sputnik", "watan", "sharq"} <= {h.id for h in page.hits}


def test_a_copy_added_by_an_update_folds_with_the_story_it_copies(archive, tmp_path):
    source = tmp_path / "src"
    shutil.copytree(archive[0], source)
    index = tmp_path / "index"
    rebuild(source, index)
    record = dict(_records()[0], id="echo", source="الصدى", title="عنوان آخر للقصة نفسها")
    (source / "later.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    update(source, index)
    page = SearchEngine(index).search("زاخاروفا", per_page=50)
    group = next(h for h in page.hits if h.id in ("sputnik", "watan", "sharq", "echo"))
    assert sorted([group.id] + [c.id for c in group.duplicates]) == ["echo", "sharq", "sputnik", "watan"]


# -- filters, sort and facets ----------------------------------------------------

def test_sources_filter_any_of_those_named(archive_client):
    data = _api(archive_client, q="بلينكن", source=["الشرق", "الوطن"], per_page=50)
    assert data["filters"]["source"] == ["الشرق", "الوطن"]
    assert {r["source"] for r in data["results"]} <= {"الشرق", "الوطن"}
    assert {"g20", "stockholm"} <= set(_all_ids(data))


def test_dates_are_inclusive_and_a_datetime_keeps_its_date(archive_client):
    data = _api(archive_client, q="زاخاروفا", date_from="2022-01-18", date_to="2022-01-18")
    assert sorted(_all_ids(data)) == ["sputnik", "watan"]
    assert {r["date"] for r in data["results"]} == {"2022-01-18"}


def test_date_sorts_put_documents_without_a_date_last(archive_client):
    for sort, reverse in (("newest", True), ("oldest", False)):
        data = _api(archive_client, q="لافروف", sort=sort, per_page=50)
        dates = [r["date"] for r in data["results"]]
        dated = [d for d in dates if d]
        assert dated == sorted(dated, reverse=reverse)
        assert dates[-1] is None and data["results"][-1]["id"] == "undated"


def test_facets_count_every_match_under_the_other_filters(archive_client):
    everything = _api(archive_client, q="لافروف", per_page=50)
    sources = {f["value"]: f["count"] for f in everything["facets"]["source"]}
    # Folded copies are counted: three sources for the one Zakharova story.
    assert sources["سبوتنيك"] == 1 and sources["الوطن"] >= 2 and sources["الشرق"] >= 2
    counts = [f["count"] for f in everything["facets"]["source"]]
    assert counts == sorted(counts, reverse=True)
    years = [f["value"] for f in everything["facets"]["year"]]
    assert years == sorted(years, reverse=True) and "2022" in years
    assert sum(f["count"] for f in everything["facets"]["year"]) == everything["documents"] - 1  # one undated
    # A source filter does not shrink the source facet (the others stay selectable), only the years.
    one = _api(archive_client, q="لافروف", source="سبوتنيك")
    assert one["facets"]["source"] == everything["facets"]["source"]
    assert one["facets"]["year"] == [{"value": "2022", "count": 1}]
    # And a date filter shrinks the sources, not the years.
    dated = _api(archive_client, q="لافروف", date_from="2022-01-01", date_to="2022-12-31")
    assert dated["facets"]["year"] == everything["facets"]["year"]
    assert {f["value"] for f in dated["facets"]["source"]} == {"سبوتنيك", "الوطن", "الشرق"}


@pytest.mark.parametrize("params, code", [
    ({"date_from": "18-01-2022"}, "bad_date"),
    ({"date_to": "2022-02-30"}, "bad_date"),
    ({"date_from": "2022-02-01", "date_to": "2022-01-01"}, "bad_date_range"),
    ({"sort": "date"}, "bad_sort"),
])
def test_malformed_filters_get_400_with_a_code(archive_client, params, code):
    response = archive_client.get("/api/search", query_string={"q": "لافروف", **params})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code
    page = archive_client.get("/search", query_string={"q": "لافروف", **params})
    assert page.status_code == 400 and "notice error" in page.get_data(as_text=True)


def test_the_command_line_takes_the_same_filters(archive):
    result = run_cli("search", "لافروف", "--index", str(archive[1]), "--source", "الشرق", "--source", "الوطن",
                     "--date-from", "2021-01-01", "--sort", "newest", "--json")
    data = json.loads(result.stdout)
    assert data["filters"] == {"source": ["الشرق", "الوطن"], "date_from": "2021-01-01", "date_to": None,
                               "sort": "newest"}
    dates = [r["date"] for r in data["results"]]
    assert dates == sorted(dates, reverse=True)
    text = run_cli("search", "زاخاروفا", "--index", str(archive[1])).stdout
    assert "near-cop" in text and "source:" in text
    bad = run_cli("search", "لافروف", "--index", str(archive[1]), "--date-to", "yesterday", check=False)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr


def test_the_page_shows_facets_sorts_and_copies_as_plain_links(archive_client):
    html = archive_client.get("/search", query_string={"q": "زاخاروفا"}).get_data(as_text=True)
    assert "نسختان مشابهتان" in html and "<details class=\"copies\">" in html
    assert "المصدر" in html and "source=%D8%B3%D8%A8%D9%88%D8%AA%D9%86%D9%8A%D9%83" in html  # سبوتنيك
    assert "sort=newest" in html and "date_from=2022-01-01&amp;date_to=2022-12-31" in html
    chosen = archive_client.get("/search", query_string={"q": "زاخاروفا", "source": "سبوتنيك"}).get_data(as_text=True)
    assert 'aria-current="true" class="chosen"' in chosen
    # The date range is folded away until one is set.
    assert '<details class="dates">' in html
    dated = archive_client.get("/search", query_string={"q": "زاخاروفا", "date_from": "2022-01-01"}).get_data(as_text=True)
    assert '<details class="dates" open>' in dated and 'value="2022-01-01"' in dated
    # A page past the last leads back with its filters.
    past = archive_client.get("/search", query_string={"q": "لافروف", "source": "الشرق", "page": 9})
    assert past.status_code == 404 and "source=%D8%A7%D9%84%D8%B4%D8%B1%D9%82" in past.get_data(as_text=True)


# -- metadata as files keep it ------------------------------------------------------

def _read(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    items = list(read_file(path, tmp_path))
    return [d for d in items if isinstance(d, Document)], [n.message for n in items if isinstance(n, Notice)]


def test_front_matter_gives_date_source_and_title(tmp_path):
    docs, notices = _read(tmp_path, "a.md", "---\ntitle: عنوان من الترويسة\ndate: 2022-01-18\nsource: سبوتنيك\n---\n"
                                            "# سطر أول\n\nنص المقال.")
    assert (docs[0].title, docs[0].date, docs[0].source) == ("عنوان من الترويسة", "2022-01-18", "سبوتنيك")
    assert "---" not in docs[0].body and not notices


def test_without_front_matter_the_folder_is_the_source_and_a_dated_name_the_date(tmp_path):
    docs, _ = _read(tmp_path, "الجزيرة/2022/2022-01-18-lavrov.txt", "لافروف\n\nنص.")
    assert (docs[0].source, docs[0].date) == ("الجزيرة", "2022-01-18")
    docs, _ = _read(tmp_path, "plain.txt", "لافروف\n\nنص.")
    assert (docs[0].source, docs[0].date) == (None, None)


def test_html_meta_tags_give_date_and_source(tmp_path):
    docs, _ = _read(tmp_path, "a.html", '<html><head><title>لافروف</title>'
                    '<meta property="article:published_time" content="2021-12-02T10:00:00Z">'
                    '<meta property="og:site_name" content="سبوتنيك عربي"></head><body><p>نص</p></body></html>')
    assert (docs[0].date, docs[0].source) == ("2021-12-02", "سبوتنيك عربي")
    docs, _ = _read(tmp_path, "b.html", '<html><body><h1>لافروف</h1><time datetime="2020-05-01">أمس</time>'
                    '<p>نص</p></body></html>')
    assert docs[0].date == "2020-05-01"


def test_an_unreadable_date_is_reported_and_the_document_indexed_without_it(tmp_path):
    docs, notices = _read(tmp_path, "a.jsonl", json.dumps({"id": "x", "text": "لافروف", "date": "أمس",
                                                           "source": "  وكالة   ما "}, ensure_ascii=False))
    assert docs[0].date is None and docs[0].source == "وكالة ما"
    assert any("not an ISO date" in n for n in notices)
    docs, notices = _read(tmp_path, "b.md", "---\ndate: [unclosed\n---\nلافروف\n\nنص.")
    assert docs[0].date is None and any("front matter" in n for n in notices)
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.jsonl").write_text(json.dumps({"id": "x", "text": "لافروف", "date": "13/13/2022"}) + "\n",
                                    encoding="utf-8")
    summary = rebuild(source, tmp_path / "index").summary()
    assert "Indexed 1 document" in summary and "13/13/2022" in summary and "indexed without a date" in summary


def test_the_seeds_carry_the_dates_and_sources_their_text_states(client):
    data = _api(client, q="بلينكن")
    meta = {r["id"]: (r["source"], r["date"]) for r in data["results"]}
    assert meta[ZAKHAROVA] == ("سبوتنيك", "2022-01-18")
    assert meta["004_f9df47be515c0267.txt"] == ("سبوتنيك عربي", "2021-12-02")
    assert sum(1 for s, d in meta.values() if s is None and d is None) == 3  # the others name neither


def test_filters_are_checked_before_a_search_runs():
    assert check_filters(["سبوتنيك", " سبوتنيك ", ""], "2022-01-01", None, None).sources == ("سبوتنيك",)
    with pytest.raises(QueryError) as error:
        check_filters(date_from="2022-1-1")
    assert error.value.code == "bad_date"


# -- why a result matched ---------------------------------------------------------

def _reasons(client, query: str) -> dict[str, list[dict]]:
    data = _api(client, q=query, explain="1", per_page=10)
    return {r["id"]: r["explain"] for r in data["results"]}, {r["id"]: r["score"] for r in data["results"]}


def test_a_name_spelt_otherwise_is_explained_as_another_spelling(client):
    reasons, _ = _reasons(client, "بلينكن")
    # seeds/001 writes only بلينكين.
    assert {"word": "بلينكن", "form": "بلينكين", "field": "body", "how": "spelling"} in [
        {k: r[k] for k in ("word", "form", "field", "how")} for r in reasons["001_6065c3113359f301.txt"]]
    # Where the document writes the word itself, it is an exact match, with the و it is written with.
    zakharova = {(r["form"], r["how"]) for r in reasons[ZAKHAROVA] if r["field"] == "title"}
    assert ("وبلينكن", "stem") in zakharova


def test_phrases_prefixes_and_stems_say_how_they_matched(client):
    reasons, _ = _reasons(client, '"وزير الخارجية"')
    assert all(r["how"] == "phrase" and r["form"] == "وزير الخارجية" for rs in reasons.values() for r in rs)
    reasons, _ = _reasons(client, "بلينك*")
    assert all(r["how"] == "prefix" and r["form"].startswith(("بلينك", "وبلينك")) for rs in reasons.values() for r in rs)
    reasons, _ = _reasons(client, "الدبلوماسية")
    forms = {(r["form"], r["how"]) for r in reasons["003_8ba34b9270a9936a.txt"]}
    assert ("الدبلوماسيين", "stem") in forms


def test_the_shares_add_up_to_the_score_before_its_tier_bonuses(client):
    reasons, scores = _reasons(client, "محادثات روسيا")
    for doc, found in reasons.items():
        assert found, doc
        assert sum(r["score"] for r in found) == pytest.approx(scores[doc] % 200, abs=0.01)
        assert [r["score"] for r in found] == sorted((r["score"] for r in found), reverse=True)
    # Without explain=1 there is no explain field.
    assert "explain" not in _api(client, q="روسيا")["results"][0]
    response = client.get("/api/search", query_string={"q": "روسيا", "explain": "maybe"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_parameter"


def test_the_command_line_explains_too(seed_index):
    out = run_cli("search", "بلينكن", "--index", str(seed_index), "--explain").stdout
    assert "why: بلينكن -> بلينكين (body, spelling" in out
