"""The round in a real browser (headless Chromium driven by Selenium), against a real uvicorn server."""

from __future__ import annotations

import io
import shutil
import urllib.request
import zipfile
from pathlib import Path

import pytest
from conftest import QUANG_BINH

from browser import chromium, have_browser, running_server
from dhtt_docs.web.app import create_app, slot_id

pytestmark = [pytest.mark.slow, pytest.mark.skipif(have_browser() is not None, reason=str(have_browser()))]


@pytest.fixture
def site(tmp_path: Path):
    folder = tmp_path / "bhxh-quang-binh-2024"
    shutil.copytree(QUANG_BINH, folder)
    with running_server(create_app(folder)) as url:
        yield url, folder


def _wait(driver, test, timeout: float = 20.0):
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)).until(test)


def _type(driver, name: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    field = driver.find_element(By.NAME, name)
    field.clear()
    field.send_keys(text)


def test_fill_check_fix_preview_build_download(site) -> None:
    from selenium.webdriver.common.by import By

    url, folder = site
    cid = "dang-thi-thu-ha"
    path = folder / "candidates" / f"{cid}.yaml"
    with chromium() as d:
        d.get(f"{url}/candidates/{cid}")
        assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"
        slot = slot_id("initiatives[0].recognition.date")
        # a wrong date: its finding appears beside the field while typing, nothing is saved
        before = path.read_text(encoding="utf-8")
        _type(d, "initiatives[0].recognition.date", "2022-02-30")
        _wait(d, lambda d: "2022-02-30" in d.find_element(By.ID, slot).text)
        assert "LỖI" in d.find_element(By.ID, slot).text
        assert path.read_text(encoding="utf-8") == before
        # fixed: the finding goes away
        _type(d, "initiatives[0].recognition.date", "2022-10-14")
        _wait(d, lambda d: d.find_element(By.ID, slot).text.strip() == "")
        # the verdict follows the ratings
        assert "ĐẠT" in d.find_element(By.ID, "verdict").text
        _type(d, "ratings.2022", "hoàn thành nhiệm vụ")
        _type(d, "ratings.2023", "hoàn thành nhiệm vụ")
        _wait(d, lambda d: "KHÔNG ĐẠT" in d.find_element(By.ID, "verdict").text)
        _type(d, "ratings.2022", "hoàn thành xuất sắc nhiệm vụ")
        _type(d, "ratings.2023", "hoàn thành xuất sắc nhiệm vụ")
        _wait(d, lambda d: "KHÔNG" not in d.find_element(By.ID, "verdict").text)

        # unsaved edits survive a closed tab: offered back when the page is opened again
        _type(d, "education", "Thạc sĩ Kinh tế")
        _wait(d, lambda d: "Thạc sĩ" in (d.execute_script(f"return localStorage.getItem('dhtt-draft:/candidates/{cid}')")
                                         or ""))
        d.get(f"{url}/candidates/{cid}")
        assert d.find_element(By.NAME, "education").get_attribute("value") == "Cử nhân Kinh tế"
        _wait(d, lambda d: d.find_element(By.ID, "draft").is_displayed())
        d.find_element(By.CSS_SELECTOR, "#draft button.restore").click()
        assert d.find_element(By.NAME, "education").get_attribute("value") == "Thạc sĩ Kinh tế"

        # the preview: pages drawn, then redrawn after a save that changes the report
        _wait(d, lambda d: d.find_element(By.ID, "preview").get_attribute("data-state") == "ready", 120)
        first_key = d.find_element(By.ID, "preview").get_attribute("data-key")
        first_img = d.find_element(By.CSS_SELECTOR, "#preview img").get_attribute("src")
        _type(d, "position", "Phó Trưởng phòng Chế độ bảo hiểm xã hội")
        d.find_element(By.ID, "save").click()
        _wait(d, lambda d: "Đã lưu" in d.find_element(By.ID, "message").text)
        saved = path.read_text(encoding="utf-8")
        assert "position: Phó Trưởng phòng Chế độ bảo hiểm xã hội" in saved and "education: Thạc sĩ Kinh tế" in saved
        assert d.execute_script(f"return localStorage.getItem('dhtt-draft:/candidates/{cid}')") is None
        _wait(d, lambda d: d.find_element(By.ID, "preview").get_attribute("data-state") == "ready"
              and d.find_element(By.ID, "preview").get_attribute("data-key") != first_key, 120)
        img = d.find_element(By.CSS_SELECTOR, "#preview img")
        assert img.get_attribute("src") != first_img
        assert d.execute_script("return arguments[0].naturalWidth", img) > 100

        # the overview, then build and download the bundle
        d.get(url + "/")
        row = d.find_element(By.CSS_SELECTOR, f'tr[data-id="{cid}"]')
        assert "ĐẠT" in row.text
        d.get(url + "/build")
        d.find_element(By.ID, "build").click()
        _wait(d, lambda d: d.find_element(By.ID, "progress").get_attribute("data-state") in ("done", "failed"), 300)
        assert d.find_element(By.ID, "progress").get_attribute("data-state") == "done", \
            d.find_element(By.ID, "progress").text
        d.get(url + "/downloads")
        link = d.find_element(By.LINK_TEXT, f"{folder.name}.zip").get_attribute("href")
    with urllib.request.urlopen(link) as r:
        assert r.headers["Content-Type"] == "application/zip"
        data = r.read()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    root = names[0].split("/")[0]
    assert f"{root}/bagit.txt" in names
    assert f"{root}/data/candidates/{cid}.yaml" in names
    assert any(n.endswith(f"bao-cao-thanh-tich-{cid}.pdf") for n in names)
    report = zipfile.ZipFile(io.BytesIO(data)).read(f"{root}/data/candidates/{cid}.yaml").decode()
    assert "Phó Trưởng phòng Chế độ bảo hiểm xã hội" in report
