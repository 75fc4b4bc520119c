"""The search page in a real browser: Debian's chromium driven by Playwright."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from conftest import PROJECT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags for a closed network and a root user (see README: CI installs chromium).
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(seed_index):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "webapp", "--port", str(port), "--index", str(seed_index)],
        cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("web app did not start:\n" + (proc.stdout.read() or ""))
            time.sleep(0.2)
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
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
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
    page.fill("input[name=q]", "لَافْرُوف")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.results")
    results = page.locator("li.result")
    assert results.count() == 5
    assert page.locator("li.result mark").count() >= 5
    assert page.input_value("input[name=q]") == "لَافْرُوف"


def test_opening_a_result_shows_the_highlighted_document(page, live_server):
    page.goto(live_server + "/search?q=" + "عرفت")
    page.click("li.result h2 a")
    page.wait_for_selector("article.document")
    assert page.inner_text("mark#m1") == "عُرفت"


def test_a_script_in_the_query_does_not_run(page, live_server):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server + "/")
    page.fill("input[name=q]", "<script>alert(1)</script> لافروف")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert dialogs == []
    assert page.input_value("input[name=q]") == "<script>alert(1)</script> لافروف"
