"""The search page in a real browser: Debian's chromium driven by Playwright."""

import os
import shutil
import subprocess

import pytest
from browser_support import CHROMIUM, launch_chromium, start_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(seed_index):
    proc, url = start_app(seed_index)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(locale="ar")
    page = context.new_page()
    yield page
    context.close()


def test_typing_a_voweled_query_shows_five_highlighted_results(page, live_server):
    page.goto(live_server + "/")
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("#q", "لَافْرُوف")
    page.press("#q", "Enter")
    page.wait_for_selector("ol.results")
    results = page.locator("li.result")
    assert results.count() == 5
    assert page.locator("li.result mark").count() >= 5
    assert page.input_value("#q") == "لَافْرُوف"


def test_opening_a_result_shows_the_highlighted_document_at_its_first_match(page, live_server):
    page.goto(live_server + "/search?q=" + "عرفت")
    page.click("li.result h2 a")
    page.wait_for_selector("article.document")
    assert page.inner_text("mark#m1") == "عُرفت"
    assert page.url.endswith("#m1")
    assert page.get_attribute("html", "dir") == "rtl"
    # The first match is on screen: the link jumped to it.
    top = page.evaluate("document.getElementById('m1').getBoundingClientRect().top")
    assert 0 <= top <= page.viewport_size["height"]


def test_a_result_whose_headline_matches_opens_at_the_headline(page, live_server):
    page.goto(live_server + "/search?q=لافروف")
    assert page.locator("li.result h2 a").first.locator("mark").count() == 1
    page.click("li.result h2 a")
    page.wait_for_selector("article.document")
    top = page.evaluate("document.querySelector('article.document h1').getBoundingClientRect().top")
    assert 0 <= top <= page.viewport_size["height"]


def test_going_to_the_second_page_of_results(page, live_server):
    page.goto(live_server + "/search?q=لافروف&per_page=2")
    assert page.locator("li.result").count() == 2
    page.click("nav.pagination a[rel=next]")
    page.wait_for_selector("nav.pagination [aria-current=page]")
    assert page.inner_text("nav.pagination [aria-current=page]") == "2"
    assert page.locator("li.result").count() == 2
    assert page.get_attribute("ol.results", "start") == "3"
    assert page.locator("li.result mark").count() >= 2


def test_a_misspelling_offers_a_suggestion_that_finds_the_articles(page, live_server):
    page.goto(live_server + "/search?q=سرغي")
    assert page.locator("li.result").count() == 0
    page.click("p.suggestions a")
    page.wait_for_selector("ol.results")
    assert page.input_value("#q") == "سيرغي"
    assert page.locator("li.result").count() == 5


def test_slash_puts_the_cursor_in_the_search_box(page, live_server):
    page.goto(live_server + "/doc/000_333e4f5e5842fc51.txt")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("موسكو")
    assert page.input_value("#q") == "موسكو"  # the slash itself is not typed


def test_the_slash_key_works_with_an_arabic_keyboard_layout(page, live_server):
    # On the Arabic (101) layout the key that types "/" elsewhere types ظ.
    page.goto(live_server + "/search?q=لافروف")
    page.evaluate("document.body.dispatchEvent(new KeyboardEvent('keydown', "
                  "{key: 'ظ', code: 'Slash', bubbles: true, cancelable: true}))")
    assert page.evaluate("document.activeElement.id") == "q"


def test_the_results_fit_a_phone_screen(browser, live_server):
    context = browser.new_context(locale="ar", viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(live_server + "/search?q=لافروف")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.locator("#q").bounding_box()
    assert box["width"] >= 200  # the box takes the width of the screen
    context.close()


def test_a_script_in_the_query_does_not_run(page, live_server):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/")
    page.fill("#q", "<script>alert(1)</script> لافروف")
    page.press("#q", "Enter")
    page.wait_for_load_state()
    assert dialogs == []
    assert page.input_value("#q") == "<script>alert(1)</script> لافروف"


def test_the_page_works_without_javascript(browser, live_server):
    context = browser.new_context(locale="ar", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/")
    page.fill("#q", "زاخاروفا")
    page.select_option("select[name=scope]", "title")
    page.press("#q", "Enter")
    page.wait_for_selector("ol.results")
    assert page.locator("li.result").count() == 1
    assert page.input_value("select[name=scope]") == "title"
    context.close()


def _families(font_family: str) -> list[str]:
    """The family names of a computed CSS font-family, in order, without quotes."""
    return [name.strip().strip("\"'") for name in font_family.split(",") if name.strip()]


def _installed_families() -> set[str]:
    """Every family name fontconfig knows on this machine (a font may carry several)."""
    listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    return {name.strip() for line in listing.splitlines() for name in line.split(",")}


@pytest.mark.parametrize("selector", ["li.result p.snippet", "li.result h2 a"])
def test_arabic_results_are_drawn_in_a_font_the_page_names(page, live_server, selector):
    page.goto(live_server + "/search?q=لافروف")
    stack = _families(page.eval_on_selector(selector, "e => getComputedStyle(e).fontFamily"))
    # The fonts chromium actually drew the element's text with, as DevTools reports them.
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    drawn = max(fonts, key=lambda f: f["glyphCount"])["familyName"]  # the Arabic text is most of the glyphs
    assert drawn in stack, (drawn, stack)
    if shutil.which("fc-list"):
        # Not a fallback that happens to be listed: the first family of the stack this machine has.
        installed = _installed_families()
        assert drawn == next(name for name in stack if name in installed), (drawn, stack)


def test_what_a_reader_sees_of_counts_titles_and_a_page_past_the_last(page, live_server):
    """Counts agree with their nouns, results are named by their headlines (no
    file names), and a page past the last leads back, as drawn in the browser."""
    page.goto(live_server + "/search?q=لافروف")
    page.wait_for_selector("ol.results")
    summary = page.inner_text(".summary")
    assert "5 نتائج" in summary and "5 نتيجة" not in summary
    shown = page.inner_text("ol.results")
    assert ".txt" not in shown
    assert "عالمية" not in [t.strip() for t in page.locator("li.result h2").all_inner_texts()]
    page.goto(live_server + "/search?q=عرفت")
    assert "نتيجة واحدة" in page.inner_text(".summary")
    page.goto(live_server + "/search?q=لافروف&page=5")
    assert "لا توجد صفحة 5" in page.inner_text("main")
    page.click("main .notice a")
    page.wait_for_selector("ol.results")
    assert page.locator("li.result").count() == 5
    document = page.locator("li.result h2 a").first
    document.click()
    page.wait_for_selector("article.document")
    assert "تطابق" in page.inner_text("article.document .meta")


@pytest.fixture(scope="module")
def archive_server(tmp_path_factory):
    """The app over the small news archive of tests/test_archive.py (sources, dates, copies)."""
    from test_archive import build_archive

    _, index = build_archive(tmp_path_factory)
    proc, url = start_app(index)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_filters_stand_beside_the_results_on_a_wide_screen_and_above_them_on_a_phone(browser, archive_server):
    for viewport, beside in (({"width": 1280, "height": 900}, True), ({"width": 360, "height": 740}, False)):
        context = browser.new_context(locale="ar", viewport=viewport, java_script_enabled=False)
        page = context.new_page()
        page.goto(archive_server + "/search?q=لافروف")
        filters = page.locator("aside.filters").bounding_box()
        results = page.locator("ol.results").bounding_box()
        if beside:
            # Right to left: the side column on the right, the results to its left, side by side.
            assert filters["x"] > results["x"] + results["width"] - 1
            assert filters["y"] < results["y"] + results["height"]
        else:
            assert filters["y"] + filters["height"] <= results["y"] + 1
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        context.close()


def test_a_source_link_narrows_the_results_and_a_second_click_widens_them_again(browser, archive_server):
    context = browser.new_context(locale="ar", java_script_enabled=False)
    page = context.new_page()
    page.goto(archive_server + "/search?q=لافروف")
    before = page.locator("li.result").count()
    page.locator("aside.filters a", has_text="سبوتنيك").first.click()
    page.wait_for_selector("ol.results")
    assert page.locator("li.result").count() == 1
    assert "سبوتنيك" in page.inner_text("li.result .meta")
    # The facet still lists the other sources, and its own link now removes the filter.
    assert page.locator("aside.filters a", has_text="الوطن").count() == 1
    page.locator("aside.filters a.chosen").first.click()
    page.wait_for_selector("ol.results")
    assert page.locator("li.result").count() == before
    # Newest first, then a date range typed in the form.
    page.locator("nav.sort a", has_text="الأحدث").click()
    page.wait_for_selector("ol.results")
    assert "sort=newest" in page.url
    page.locator("details.dates summary").click()  # the range opens on demand
    page.fill("input[name=date_from]", "2022-01-01")
    page.fill("input[name=date_to]", "2022-12-31")
    page.locator("details.dates button").click()
    page.wait_for_selector("ol.results")
    assert "sort=newest" in page.url and "date_from=2022-01-01" in page.url
    assert page.locator("li.result").count() == 1
    context.close()


def test_copies_and_the_reasons_open_without_javascript(browser, archive_server):
    context = browser.new_context(locale="ar", java_script_enabled=False)
    page = context.new_page()
    page.goto(archive_server + "/search?q=زاخاروفا")
    copies = page.locator("details.copies").first
    assert copies.locator("summary").inner_text() == "نسختان مشابهتان"
    assert not copies.locator("li").first.is_visible()
    copies.locator("summary").click()
    assert copies.locator("li").count() == 2 and copies.locator("li").first.is_visible()
    why = page.locator("details.why").first
    assert why.locator("summary").inner_text() == "لماذا هذه النتيجة؟"
    why.locator("summary").click()
    assert "يطابق «زاخاروفا»" in why.inner_text()
    context.close()
