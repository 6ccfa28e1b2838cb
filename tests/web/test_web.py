"""`dhtt-docs serve`'s app, through its HTTP interface: forms, round-trip saves, live checks, security."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import QUANG_BINH, SAMPLE_ROUND
from starlette.testclient import TestClient

from dhtt_docs.web import app as webapp
from dhtt_docs.web.app import create_app, slot_id
from webutil import form_fields, slot_findings

COMMENTED = """\
# Hồ sơ của chị Hà: ghi chú của thư ký, phải còn nguyên sau khi sửa trên trình duyệt.
kind: cá nhân
full_name: Đặng Thị Thu Hà   # tên trên quyết định
gender: Nữ
"""


@pytest.fixture
def rnd(tmp_path: Path) -> Path:
    folder = tmp_path / "bhxh-quang-binh-2024"
    shutil.copytree(QUANG_BINH, folder)
    path = folder / "candidates" / "dang-thi-thu-ha.yaml"
    text = path.read_text(encoding="utf-8")
    head = "kind: cá nhân\nfull_name: Đặng Thị Thu Hà\ngender: Nữ\n"
    assert text.startswith(head)
    path.write_text(COMMENTED + text[len(head):].replace("ratings:\n", "ratings:   # theo quyết định xếp loại\n"),
                    encoding="utf-8")
    return folder


@pytest.fixture
def client(rnd: Path):
    app = create_app(rnd)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.csrf = app.state.site.guard.csrf
        yield c


CAND = "/candidates/dang-thi-thu-ha"


def test_every_page_answers(client) -> None:
    for url in ("/", "/submission", CAND, "/attachments", "/excel", "/build", "/downloads", "/api/validation"):
        r = client.get(url)
        assert r.status_code == 200, url
        if url != "/api/validation":
            assert '<html lang="vi">' in r.text and "/static/htmx.min.js" in r.text
    assert "htmx" in client.get("/static/htmx.min.js").text


def test_inputs_are_named_by_key_paths(client) -> None:
    names = form_fields(client.get(CAND).text)
    for key in ("full_name", "ratings.2023", "initiatives[1].recognition.date", "activities[0]"):
        assert key in names
    assert names["ratings.2023"] == "hoàn thành xuất sắc nhiệm vụ"
    sub = form_fields(client.get("/submission").text)
    for key in ("council.votes.dang-thi-thu-ha", "council.members[4].present", "council.ballots.valid",
                "submission.date", "council.meeting.start"):
        assert key in sub
    assert sub["council.meeting.start"] == "2024-12-05 08:30"
    awards = form_fields(client.get("/candidates/vo-van-thanh").text)
    assert awards["awards[0].decision.date"] == "2022-12-20"


def test_save_keeps_comments_order_and_layout(client, rnd: Path) -> None:
    path = rnd / "candidates" / "dang-thi-thu-ha.yaml"
    before = path.read_text(encoding="utf-8")
    fields = form_fields(client.get(CAND).text)
    r = client.post(CAND, data=fields, follow_redirects=False)
    assert r.status_code == 303
    assert path.read_text(encoding="utf-8") == before        # nothing changed: not a byte moved
    fields = form_fields(client.get(CAND).text)
    fields["position"] = "Phó Trưởng phòng"
    fields["ratings.2023"] = "HTTNV"
    client.post(CAND, data=fields, follow_redirects=False)
    after = path.read_text(encoding="utf-8")
    assert after == (before.replace("position: Chuyên viên", "position: Phó Trưởng phòng")
                     .replace("  2023: hoàn thành xuất sắc nhiệm vụ", "  2023: HTTNV"))
    assert "# tên trên quyết định" in after and "# theo quyết định xếp loại" in after


def test_rows_are_added_and_removed(client, rnd: Path) -> None:
    path = rnd / "candidates" / "dang-thi-thu-ha.yaml"
    fields = dict(form_fields(client.get(CAND).text), _op="add:awards")
    page = client.post(f"{CAND}/form", data=fields).text
    assert (rnd / "candidates" / "dang-thi-thu-ha.yaml").read_text(encoding="utf-8").count("awards") == \
        path.read_text(encoding="utf-8").count("awards")          # not saved by adding a row
    fields = form_fields(page)
    assert "awards[0].decision.date" in fields
    fields.update({"awards[0].year": "2023", "awards[0].title": "Bằng khen của Tổng Giám đốc Bảo hiểm xã hội Việt Nam",
                   "awards[0].decision.number": "88/QĐ-BHXH", "awards[0].decision.date": "2023-06-01",
                   "awards[0].decision.issuer": "Tổng Giám đốc Bảo hiểm xã hội Việt Nam"})
    client.post(CAND, data=fields, follow_redirects=False)
    text = path.read_text(encoding="utf-8")
    assert "88/QĐ-BHXH" in text and "date: 2023-06-01" in text
    fields = dict(form_fields(client.get(CAND).text), _op="remove:initiatives:0")
    fields = form_fields(client.post(f"{CAND}/form", data=fields).text)
    client.post(CAND, data=fields, follow_redirects=False)
    text = path.read_text(encoding="utf-8")
    assert "298/QĐ-BHXH" not in text and "305/QĐ-BHXH" in text and "# tên trên quyết định" in text


def test_live_check_puts_findings_beside_fields_without_saving(client, rnd: Path) -> None:
    path = rnd / "candidates" / "dang-thi-thu-ha.yaml"
    before = path.read_text(encoding="utf-8")
    fields = form_fields(client.get(CAND).text)
    fields["initiatives[0].recognition.date"] = "2023-02-30"
    r = client.post(f"{CAND}/check", data=fields)
    assert r.status_code == 200
    slot = slot_findings(r.text, slot_id("initiatives[0].recognition.date"))
    assert "2023-02-30" in slot and "LỖI" in slot
    assert slot_findings(r.text, slot_id("full_name")) == ""
    assert 'id="verdict" hx-swap-oob="true"' in r.text
    assert path.read_text(encoding="utf-8") == before


def test_live_check_verdict_follows(client) -> None:
    fields = form_fields(client.get(CAND).text)
    ok = client.post(f"{CAND}/check", data=fields).text
    assert "ĐẠT" in re.search(r'<div id="verdict".*?</div>', ok, re.S).group(0)
    fields.update({"ratings.2022": "hoàn thành nhiệm vụ", "ratings.2023": "hoàn thành nhiệm vụ"})
    bad = client.post(f"{CAND}/check", data=fields).text
    assert "KHÔNG ĐẠT" in re.search(r'<div id="verdict".*?</div>', bad, re.S).group(0)


def test_a_file_changed_on_disk_is_never_overwritten(client, rnd: Path) -> None:
    path = rnd / "candidates" / "dang-thi-thu-ha.yaml"
    fields = form_fields(client.get(CAND).text)
    changed = path.read_text(encoding="utf-8").replace("position: Chuyên viên", "position: Chuyên viên chính")
    path.write_text(changed, encoding="utf-8")              # the user's text editor, meanwhile
    fields["education"] = "Thạc sĩ"
    r = client.post(CAND, data=fields, follow_redirects=False)
    assert r.status_code == 409
    assert path.read_text(encoding="utf-8") == changed
    assert "KHÔNG LƯU" in r.text and form_fields(r.text)["position"] == "Chuyên viên chính"


def test_api_validation_is_validate_json(client, rnd: Path, run_cli) -> None:
    cli = run_cli("validate", rnd, "--format", "json")
    assert client.get("/api/validation").json() == json.loads(cli.stdout)
    (rnd / "candidates" / "dang-thi-thu-ha.yaml").write_text("kind: individual\nfull_name: [\n", encoding="utf-8")
    cli = run_cli("validate", rnd, "--format", "json")
    assert client.get("/api/validation").json() == json.loads(cli.stdout)


def test_api_validation_in_english(rnd: Path, run_cli) -> None:
    (rnd / "candidates" / "dang-thi-thu-ha.yaml").write_text("kind: individual\nfull_name: An\n", encoding="utf-8")
    cli = json.loads(run_cli("--lang", "en", "validate", rnd, "--format", "json").stdout)
    app = create_app(rnd, lang="en")
    try:
        with TestClient(app, base_url="http://127.0.0.1") as c:
            assert c.get("/api/validation").json() == cli
            assert '<html lang="en">' in c.get("/").text
    finally:
        from dhtt_docs.i18n import set_lang
        set_lang("vi")


def test_overview_shows_verdicts_and_saved_changes(client) -> None:
    page = client.get("/").text
    assert "Đặng Thị Thu Hà" in page and "ĐẠT" in page
    fields = form_fields(client.get(CAND).text)
    fields.update({"ratings.2022": "hoàn thành nhiệm vụ", "ratings.2023": "hoàn thành nhiệm vụ"})
    client.post(CAND, data=fields, follow_redirects=False)
    row = re.search(r'<tr data-id="dang-thi-thu-ha">.*?</tr>', client.get("/").text, re.S).group(0)
    assert "KHÔNG ĐẠT" in row


# --------------------------------------------------------------------------- security


def _post_routes(app) -> list[str]:
    from starlette.routing import Mount
    out = []
    for r in app.routes:
        for sub in (r.routes if isinstance(r, Mount) else [r]):
            if "POST" in (getattr(sub, "methods", None) or ()) and sub.path != "/login":
                out.append(sub.path.replace("{cid}", "dang-thi-thu-ha"))
    return out


def test_every_state_changing_request_needs_the_csrf_token(client, rnd: Path) -> None:
    paths = _post_routes(client.app)
    assert {"/submission", CAND, "/attachments", "/excel", "/build", "/candidates/new"} <= set(paths)
    before = {p: p.read_bytes() for p in rnd.rglob("*.yaml")}
    for path in paths:
        r = client.post(path, data={"full_name": "X", "id": "moi", "kind": "individual"}, follow_redirects=False)
        assert r.status_code == 403, path
        r = client.post(path, data={"_csrf": "wrong", "id": "moi"}, follow_redirects=False)
        assert r.status_code == 403, path
    assert {p: p.read_bytes() for p in rnd.rglob("*.yaml")} == before


def test_jinja_autoescapes(client, rnd: Path) -> None:
    path = rnd / "candidates" / "dang-thi-thu-ha.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Đặng Thị Thu Hà", '<script>alert(1)</script>'),
                    encoding="utf-8")
    for url in ("/", CAND):
        page = client.get(url).text
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_paths_stay_inside_the_round(client, rnd: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-1.4 secret")
    (rnd / "attachments").mkdir(exist_ok=True)
    os.symlink(secret, rnd / "attachments" / "link.pdf")
    (rnd / "build" / "documents").mkdir(parents=True)
    os.symlink(secret, rnd / "build" / "documents" / "x.pdf")
    for url in ("/attachments/..%2F..%2Fsecret.pdf", "/attachments/link.pdf", "/documents/x.pdf",
                "/documents/..%2F..%2Fsubmission.yaml", "/attachments/%2Fetc%2Fpasswd",
                "/candidates/..%2Fsubmission", "/preview/x/..%2F..%2F..%2Fsubmission/1.png"):
        r = client.get(url)
        assert r.status_code == 404, url
        assert b"secret" not in r.content


def test_uploads_are_checked_for_type_and_size(client, rnd: Path, monkeypatch) -> None:
    r = client.post("/attachments", data={"_csrf": client.csrf},
                    files={"file": ("qd.pdf", b"MZ not a pdf", "application/pdf")}, follow_redirects=False)
    assert r.status_code == 303 and "s=415" in r.headers["location"]
    r = client.post("/attachments", data={"_csrf": client.csrf},
                    files={"file": ("../../evil.exe", b"%PDF-1.4", "application/pdf")}, follow_redirects=False)
    assert "s=415" in r.headers["location"]
    assert not (rnd / "attachments" / "evil.exe").exists() and not (rnd.parent / "evil.exe").exists()
    monkeypatch.setattr(webapp, "MAX_UPLOAD", 1000)
    r = client.post("/attachments", data={"_csrf": client.csrf},
                    files={"file": ("big.pdf", b"%PDF-1.4" + b"0" * 5000, "application/pdf")})
    assert r.status_code == 413
    assert not (rnd / "attachments" / "big.pdf").exists()


def test_attachment_upload_is_checked_and_served_safely(client, rnd: Path) -> None:
    pdf = (SAMPLE_ROUND / "attachments" / "qd-187-2023.pdf").read_bytes()
    r = client.post("/attachments", data={"_csrf": client.csrf},
                    files={"file": ("QĐ 187 năm 2023.pdf", pdf, "application/pdf")})
    assert r.status_code == 200 and "PDF đọc được" in r.text
    assert (rnd / "attachments" / "qd-187-nam-2023.pdf").read_bytes() == pdf
    r = client.get("/attachments/qd-187-nam-2023.pdf")
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("attachment")
    broken = pdf[:300]
    r = client.post("/attachments", data={"_csrf": client.csrf},
                    files={"file": ("hong.pdf", broken, "application/pdf")})
    assert "hỏng" in r.text


def test_non_loopback_needs_the_secret_and_sessions_expire(rnd: Path) -> None:
    app = create_app(rnd, secret="s3cret-token", host="10.0.0.5", session_ttl=60)
    with TestClient(app, base_url="http://10.0.0.5") as c:
        assert c.get("/api/validation").status_code == 401
        assert c.get("/", follow_redirects=False).headers["location"] == "/login"
        assert c.get("/?token=wrong", follow_redirects=False).headers["location"] == "/login"
        assert c.post("/login", data={"secret": "nope"}).status_code == 403
        r = c.get("/?token=s3cret-token", follow_redirects=False)
        assert r.status_code == 303
        assert c.get("/api/validation").status_code == 200
        guard = app.state.site.guard
        for sid in guard.sessions:
            guard.sessions[sid] = 0.0                     # an hour later, say
        assert c.get("/api/validation").status_code == 401
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get("/login").status_code == 400        # the Host header names this server only


def test_serve_on_another_host_prints_a_token(monkeypatch, rnd: Path, run_cli) -> None:
    from dhtt_docs.cli.commands import serve as serve_cmd
    seen = {}

    def fake_run(server, started):
        seen["app"] = server.config.app
        started()

    monkeypatch.setattr(serve_cmd, "_run", fake_run)
    out = run_cli("serve", rnd, "--host", "0.0.0.0", "--port", "8123").stdout
    token = re.search(r"\?token=(\S+)", out).group(1)
    assert seen["app"].state.site.guard.secret == token
    out = run_cli("serve", rnd).stdout
    assert "http://127.0.0.1:8000/" in out and "token" not in out
    assert seen["app"].state.site.guard.secret is None


def test_serve_says_when_the_port_is_taken(rnd: Path, run_cli) -> None:
    import socket
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = run_cli("serve", rnd, "--port", busy.getsockname()[1])
    assert result.exit_code == 2 and "--port" in result.output and "Traceback" not in result.output


# --------------------------------------------------------------------------- the other pages


def test_folder_of_rounds_lists_them_and_makes_new_ones(tmp_path: Path) -> None:
    shutil.copytree(QUANG_BINH, tmp_path / "qb")
    app = create_app(tmp_path)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert '/r/qb/' in c.get("/").text
        assert "Đặng Thị Thu Hà" in c.get("/r/qb/").text
        assert c.get("/r/qb/api/validation").json()["ok"] is True
        r = c.post("/rounds/new", data={"_csrf": app.state.site.guard.csrf, "name": "bhxh-moi-2025", "year": "2025"},
                   follow_redirects=False)
        assert r.headers["location"] == "/r/bhxh-moi-2025/"
        assert (tmp_path / "bhxh-moi-2025" / "submission.yaml").is_file()
        r = c.post("/rounds/new", data={"_csrf": app.state.site.guard.csrf, "name": "../ra-ngoai"},
                   follow_redirects=False)
        assert "error" in r.headers["location"] and not (tmp_path.parent / "ra-ngoai").exists()


def test_an_empty_folder_offers_a_new_round(tmp_path: Path) -> None:
    app = create_app(tmp_path)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        assert "Chưa có đợt nào" in c.get("/").text
        c.post("/rounds/new", data={"_csrf": app.state.site.guard.csrf, "name": "dot-1", "year": "2025"})
        assert "year: 2025" in (tmp_path / "dot-1" / "submission.yaml").read_text(encoding="utf-8")


def test_new_candidate_from_the_overview(client, rnd: Path) -> None:
    r = client.post("/candidates/new", data={"_csrf": client.csrf, "kind": "collective", "id": "phong-moi"},
                    follow_redirects=False)
    assert r.headers["location"] == "/candidates/phong-moi"
    assert (rnd / "candidates" / "phong-moi.yaml").is_file()
    assert client.get("/candidates/phong-moi").status_code == 200


def test_excel_import_shows_findings_table(client, rnd: Path, tmp_path: Path) -> None:
    import openpyxl

    from dhtt_docs.web.files import _excel
    _, write_template = _excel()
    book = tmp_path / "ds.xlsx"
    write_template(book)
    wb = openpyxl.load_workbook(book)
    sheet = wb["Cá nhân"]
    for col, value in enumerate(["nguyen-van-moi", "Nguyễn Văn Mới", "x", "30/02/1990"], 1):
        sheet.cell(row=2, column=col, value=value)
    wb.save(book)
    r = client.post("/excel", data={"_csrf": client.csrf},
                    files={"file": ("Danh sách.xlsx", book.read_bytes(), "application/octet-stream")})
    assert r.status_code == 200
    table = re.search(r'<table class="grid" id="excel-findings">.*?</table>', r.text, re.S).group(0)
    assert "Cá nhân!C2" in table and "Nam hoặc Nữ" in table
    assert not (rnd / "candidates" / "nguyen-van-moi.yaml").exists()      # all or nothing
    r = client.post("/excel", data={"_csrf": client.csrf}, files={"file": ("ds.xlsx", b"not a zip", "x")})
    assert r.status_code == 415
    t = client.get("/excel/template.xlsx")
    assert t.content.startswith(b"PK") and t.headers["x-content-type-options"] == "nosniff"


def test_a_file_the_form_cannot_show_is_edited_as_text(client, rnd: Path) -> None:
    path = rnd / "candidates" / "dang-thi-thu-ha.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("gender: Nữ", "gender: [Nữ"), encoding="utf-8")
    page = client.get(CAND)
    assert page.status_code == 200 and "cú pháp YAML" in page.text
    fields = form_fields(page.text)
    assert fields["_raw"].startswith("# Hồ sơ của chị Hà")
    fields["_raw"] = good
    assert client.post(CAND, data=fields, follow_redirects=False).status_code == 303
    assert path.read_text(encoding="utf-8") == good
