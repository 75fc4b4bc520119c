"""Save the screenshots of the results page shown in the README.

    python tests/screenshot.py

Builds the seed index in a temporary folder, serves it with ``python -m
webapp`` and photographs a search in Debian's chromium, on a desktop and on
a phone-sized screen, into docs/.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from browser_support import PROJECT, launch_chromium, start_app

QUERY = "لَافْرُوف"
SHOTS = {
    "screenshot-results.png": {"viewport": {"width": 1100, "height": 900}},
    "screenshot-phone.png": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "device_scale_factor": 2},
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
                for name, options in SHOTS.items():
                    context = browser.new_context(locale="ar", **options)
                    page = context.new_page()
                    page.goto(f"{url}/search?q={QUERY}")
                    page.wait_for_selector("ol.results")
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
