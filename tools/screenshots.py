#!/usr/bin/env python3
"""Screenshots of `dhtt-docs serve`'s main pages into docs/web-*.png, so the README's pictures stay current.

Runs the app on a copy of samples/bhxh-thanh-hoa-2024 (uvicorn on 127.0.0.1,
a free port) and photographs it with Debian's headless Chromium:

    .venv/bin/python tools/screenshots.py
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "web"))

from browser import chromium, running_server  # noqa: E402

SAMPLE = ROOT / "samples" / "bhxh-thanh-hoa-2024"
DOCS = ROOT / "docs"


def _wait(driver, test, timeout: float = 120.0):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout, poll_frequency=0.2,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(test)


def main() -> None:
    from selenium.webdriver.common.by import By

    from dhtt_docs.web.app import create_app, slot_id

    with tempfile.TemporaryDirectory(prefix="dhtt-shots-") as tmp:
        folder = Path(tmp) / SAMPLE.name
        shutil.copytree(SAMPLE, folder)
        with running_server(create_app(folder)) as url, chromium() as d:
            d.set_window_size(1400, 900)
            d.get(url + "/")
            d.save_screenshot(str(DOCS / "web-overview.png"))

            d.get(url + "/candidates/nguyen-thi-thu-trang")
            _wait(d, lambda d: d.find_element(By.ID, "preview").get_attribute("data-state") in ("ready", "failed"))
            field = d.find_element(By.NAME, "birth_date")
            field.clear()
            field.send_keys("1990-02-30")
            _wait(d, lambda d: "1990-02-30" in d.find_element(By.ID, slot_id("birth_date")).text, 20)
            d.save_screenshot(str(DOCS / "web-candidate.png"))

            d.get(url + "/submission")
            _wait(d, lambda d: d.find_element(By.ID, "preview").get_attribute("data-state") in ("ready", "failed"))
            d.execute_script("document.getElementsByName('council.members[0].name')[0].scrollIntoView()")
            d.save_screenshot(str(DOCS / "web-submission.png"))

            d.get(url + "/build")
            d.find_element(By.ID, "build").click()
            _wait(d, lambda d: d.find_element(By.ID, "progress").get_attribute("data-state") in ("done", "failed"), 600)
            d.get(url + "/downloads")
            d.save_screenshot(str(DOCS / "web-downloads.png"))
    for p in sorted(DOCS.glob("web-*.png")):
        print(p.relative_to(ROOT))


if __name__ == "__main__":
    main()
