"""Save the screenshots of the pages (the README shows the results).

    python tests/screenshot.py

Builds the seed index in a temporary folder, serves it with ``python -m
webapp`` and photographs the home page, a search and a document opened from
it in Debian's chromium, on a desktop and on a phone-sized screen, into docs/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from browser_support import PROJECT, launch_chromium, start_app

QUERY = "لَافْرُوف"
DESKTOP = {"viewport": {"width": 1100, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2}
# docs/ file -> (screen, address, what to wait for)
SHOTS = {
    "screenshot-home.png": (DESKTOP, "/", "form[role=search]"),
    "screenshot-home-phone.png": (PHONE, "/", "form[role=search]"),
    "screenshot-results.png": (DESKTOP, f"/search?q={QUERY}", "ol.results"),
    "screenshot-phone.png": (PHONE, f"/search?q={QUERY}", "ol.results"),
    # From its top, headline and count of matches (a result's link jumps to the first match).
    "screenshot-document.png": (DESKTOP, f"/doc/000_333e4f5e5842fc51.txt?q={QUERY}", "article.document"),
    "screenshot-document-phone.png": (PHONE, f"/doc/000_333e4f5e5842fc51.txt?q={QUERY}", "article.document"),
}


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        index = Path(tmp) / "index"
        subprocess.run([sys.executable, "-m", "indexer", "rebuild", "--index", str(index), "--quiet"],
                       cwd=PROJECT, check=True)
        proc, url = start_app(index)
        try:
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                for name, (options, address, ready) in SHOTS.items():
                    context = browser.new_context(locale="ar", **options)
                    page = context.new_page()
                    page.goto(url + address)
                    page.wait_for_selector(ready)
                    page.screenshot(path=str(PROJECT / "docs" / name))
                    context.close()
                    print(f"docs/{name}")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
