"""A plan is the user's file: resolution of `plan:`, verdicts and words from the profile alone."""

from __future__ import annotations

import json
import zipfile

import pytest
from docx import Document
from helpers import plain

from dhtt_docs.findings import Severity
from plan_rounds import edit, round_2026, round_individuals_only

from test_rules import find, no


def docx_text(path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [c.text for c in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return plain("\n".join(parts))


# --- a successor plan as a user file, outside the package ------------------------------


def test_user_plan_file_gives_its_verdicts_and_words(tmp_path):
    rd = round_2026(tmp_path)
    rep = rd.report()
    assert rep.profile.id == "2100/KH-BHXH" and rep.ok, [f.text("vi") for f in rep.all_findings()]
    hoa, vinh = rep.verdict("ho-thi-hoa"), rep.verdict("co-so-vinh")
    assert hoa.eligible and hoa.tracks == {"thanh-tich": True, "khen-thuong": False}
    assert hoa.basis == ["03 năm liền hoàn thành xuất sắc nhiệm vụ (2024, 2025, 2026)",
                         "01 sáng kiến được công nhận từ năm 2026"]
    assert vinh.eligible and vinh.tracks == {"thanh-tich": True, "khen-thuong": True}


def test_user_plan_khien_trach_threshold_is_never_called_canh_cao(tmp_path):
    rd = round_2026(tmp_path)
    rd.append("candidates/ho-thi-hoa.yaml", """\
        discipline:
          - {year: 2026, form: khiển trách}
        """)
    rep = rd.report()
    v = rep.verdict("ho-thi-hoa")
    assert v.eligible is False
    f = find(v.findings, "track.thanh-tich.discipline")
    assert f.clause == "Mục 2.1.c" and f.key == "discipline[0]" and f.severity is Severity.ERROR
    assert "từ hình thức khiển trách trở lên" in f.text("vi") and "cảnh cáo" not in f.text("vi")
    verdict = find(v.findings, "verdict.ineligible").text("vi")
    assert "mục Mục 2.1 của kế hoạch 2100/KH-BHXH" in verdict
    assert "thành tích công tác, cũng không đạt tiêu chuẩn khen thưởng cấp ngành" in verdict


def test_user_plan_threshold_words_and_fraction(tmp_path):
    rd = round_2026(tmp_path)
    rd.edit("submission.yaml", "ho-thi-hoa: 5", "ho-thi-hoa: 4")      # 4/6 = exactly 2/3: "ít nhất" holds
    assert rd.report().verdict("ho-thi-hoa").approved
    rd.edit("submission.yaml", "ho-thi-hoa: 4", "ho-thi-hoa: 3")
    v = rd.report().verdict("ho-thi-hoa")
    f = find(v.findings, "votes.below_threshold")
    assert "chưa đạt ít nhất 2/3 tổng số thành viên Hội đồng (Mục 4, NĐ 152/2025/NĐ-CP)" in f.text("vi")
    assert "66,7" not in f.text("vi") and f.clause == "Mục 4"


def test_user_plan_documents_carry_no_trace_of_plan_1935(tmp_path, run_cli):
    rd = round_2026(tmp_path)
    out = tmp_path / "out"
    result = run_cli("build", rd.root, "-o", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    texts = {p.name: docx_text(p) for p in sorted((out / "documents").glob("*.docx"))}
    assert len(texts) == 5
    everything = "\n".join(texts.values())
    for trace in ("1935", "II.2", "III.1", "Tổng Giám đốc", "NĐ 98", "98/2023", "2021 - 2025", "trên 50%"):
        assert trace not in everything, trace
    assert "Kế hoạch số 2100/KH-BHXH" in texts["to-trinh.docx"]
    assert "Giám đốc Bảo hiểm xã hội Việt Nam" in texts["to-trinh.docx"]
    assert "152/2025/NĐ-CP" in texts["to-trinh.docx"]
    assert "ít nhất 2/3 tổng số thành viên Hội đồng" in texts["to-trinh.docx"]
    assert "03 năm liền hoàn thành xuất sắc nhiệm vụ (2024, 2025, 2026)" in texts["danh-sach.docx"]
    assert "Cờ thi đua của Bảo hiểm xã hội Việt Nam, Quyết định số 88/QĐ-BHXH" in texts["danh-sach.docx"]
    # The profile that judged the round is archived with it, and its digest is in bag-info.txt.
    zf = zipfile.ZipFile(next((out / "bundle").glob("*.zip")))
    names = zf.namelist()
    plan_entry = next(n for n in names if n.endswith("data/plan/2100-KH-BHXH.yaml"))
    assert zf.read(plan_entry) == (tmp_path / "ke-hoach" / "2100-KH-BHXH.yaml").read_bytes()
    import hashlib
    info = zf.read(next(n for n in names if n.endswith("bag-info.txt"))).decode()
    assert "DHTT-Plan: 2100/KH-BHXH" in info
    assert hashlib.sha256(zf.read(plan_entry)).hexdigest() in info


def test_editing_the_user_plan_changes_every_cache_key(tmp_path):
    from dhtt_docs.build.pipeline import keyed_documents
    from dhtt_docs.dossier.loader import load_round
    from dhtt_docs.rules.engine import evaluate

    rd = round_2026(tmp_path)
    before = [k for _, k in keyed_documents(evaluate(load_round(rd.root)), None, False)]
    edit(tmp_path / "ke-hoach" / "2100-KH-BHXH.yaml", "# A successor plan", "# Edited: a successor plan")
    after = [k for _, k in keyed_documents(evaluate(load_round(rd.root)), None, False)]
    assert len(before) == len(after) == 5 and not set(before) & set(after)


# --- an individuals-only programme, "2 of 3" ---------------------------------------------


def test_individuals_only_two_of_three(tmp_path):
    rd = round_individuals_only(tmp_path)
    rep = rd.report()
    assert rep.ok, [f.text("vi") for f in rep.all_findings()]
    v = rep.verdict("ho-thi-hoa")
    assert v.tracks == {"xep-loai": True, "sang-kien": True, "khen-thuong": False} and v.eligible
    no(rep.findings, "round.too_few")                       # no collective needed
    # one of three: not eligible, and the finding says 1/3 of 2
    rd.edit("candidates/ho-thi-hoa.yaml", "2025: HTXSNV", "2025: HTTNV")
    v = rd.report().verdict("ho-thi-hoa")
    assert v.eligible is False
    msg = find(v.findings, "verdict.ineligible").text("vi")
    assert "đạt 1/3 tiêu chuẩn, cần 2 (chưa đạt: xếp loại, khen thưởng)" in msg
    f = find(v.findings, "track.xep-loai.ratings")
    assert f.clause == "Điều 3.1" and "các năm đã ghi: 2026." in f.text("vi")   # 2024 lies outside its window 2025-2028


def test_individuals_only_plan_refuses_a_collective(tmp_path):
    rd = round_individuals_only(tmp_path)
    from plan_rounds import VINH
    rd.write("candidates/co-so-vinh.yaml", VINH)
    rd.edit("submission.yaml", "ho-thi-hoa: 5", "ho-thi-hoa: 5\n    co-so-vinh: 6")
    rep = rd.report()
    v = rep.verdict("co-so-vinh")
    assert v.eligible is None and find(v.findings, "round.kind_not_selected").severity is Severity.ERROR


def test_individuals_only_builds(tmp_path, run_cli):
    rd = round_individuals_only(tmp_path)
    out = tmp_path / "out"
    result = run_cli("build", rd.root, "-o", out, "--no-pdf")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (out / "documents").glob("*.docx"))
    assert names == ["bao-cao-thanh-tich-ho-thi-hoa.docx", "bien-ban-hop-hoi-dong.docx", "danh-sach.docx",
                     "to-trinh.docx"]
    ds = docx_text(out / "documents" / "danh-sach.docx")
    assert "02 năm liền hoàn thành xuất sắc nhiệm vụ (2025, 2026)" in ds     # its own window: 2025-2028
    assert "01 sáng kiến được công nhận" in ds and "I. CÁ NHÂN" in ds and "II. CÁ NHÂN" not in ds
    assert "quá nửa" in docx_text(out / "documents" / "to-trinh.docx")
    # its documents say what it selects and what it counts the votes on (base: present), not the 1935 words
    assert "DANH SÁCH CÁ NHÂN ĐỀ NGHỊ" in ds and "TẬP THỂ" not in ds.split("ĐỀ NGHỊ")[0]
    assert "Tỷ lệ so với số thành viên Hội đồng có mặt (%)" in ds and "tổng số thành viên" not in ds
    bb = docx_text(out / "documents" / "bien-ban-hop-hoi-dong.docx")
    assert "Tỷ lệ % trên số thành viên Hội đồng có mặt" in bb and "tổng số thành viên Hội đồng" not in bb
    import openpyxl
    ws = openpyxl.load_workbook(out / "documents" / "danh-sach.xlsx").active
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(c.startswith("DANH SÁCH CÁ NHÂN ĐỀ NGHỊ") for c in cells)
    assert "Tỷ lệ so với số thành viên Hội đồng có mặt (%)" in cells
    assert any("Tỷ lệ tính trên số thành viên Hội đồng có mặt." in c for c in cells)


@pytest.mark.slow
def test_user_plan_builds_with_pdfs(tmp_path, run_cli):
    import shutil
    import subprocess
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    rd = round_2026(tmp_path)
    out = tmp_path / "out"
    result = run_cli("build", rd.root, "-o", out)
    assert result.exit_code == 0, result.output
    bundle = next((out / "bundle").glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(bundle), "-"], capture_output=True, text=True).stdout
    assert "2100/KH-BHXH" in text and "1935" not in text


# --- `plan:` resolution ---------------------------------------------------------------


def test_plan_path_that_does_not_exist(round_dir):
    round_dir.edit("submission.yaml", "plan: 1935/KH-BHXH", "plan: ../ke-hoach/khong-co.yaml")
    rep = round_dir.report()
    f = find(rep.findings, "plan.file_missing")
    assert f.line == 1 and f.key == "plan" and "khong-co.yaml" in f.text("vi")
    assert all(v.eligible is None for v in rep.verdicts)
    assert "KHÔNG ĐẠT" not in json.dumps(rep.to_json("vi"), ensure_ascii=False)


def test_unknown_plan_leaves_candidates_not_checked(round_dir, run_cli):
    round_dir.edit("submission.yaml", "plan: 1935/KH-BHXH", "plan: 9999/KH-XYZ")
    result = run_cli("validate", round_dir.root)
    assert result.exit_code == 1
    assert "KHÔNG ĐẠT" not in result.stdout and "CHƯA KIỂM TRA ĐƯỢC" in result.stdout
    assert "2 chưa kiểm tra được" in result.stdout
    assert "1935/KH-BHXH (2021-2025)" in result.stdout and "plan: ../ke-hoach/" in result.stdout


def test_without_plan_a_year_in_a_shipped_period_is_assumed_with_a_warning(round_dir):
    round_dir.edit("submission.yaml", "plan: 1935/KH-BHXH\n", "")
    rep = round_dir.report()
    f = find(rep.findings, "plan.assumed")
    assert f.severity is Severity.WARNING and "1935/KH-BHXH" in f.text("vi") and rep.profile.id == "1935/KH-BHXH"


def test_without_plan_a_year_outside_every_period_is_an_error(round_dir):
    round_dir.edit("submission.yaml", "plan: 1935/KH-BHXH\n", "")
    round_dir.edit("submission.yaml", "year: 2024", "year: 2027")
    rep = round_dir.report()
    f = find(rep.findings, "plan.missing")
    assert f.severity is Severity.ERROR and "1935/KH-BHXH (2021-2025)" in f.text("vi")
    assert "dhtt-docs plan new" in f.text("vi")
    assert all(v.eligible is None for v in rep.verdicts)


def test_broken_user_plan_is_a_finding_on_its_own_line(tmp_path):
    rd = round_2026(tmp_path)
    plan = tmp_path / "ke-hoach" / "2100-KH-BHXH.yaml"
    edit(plan, "    threshold: 2/3", "    threshold: hai phần ba")
    rep = rd.report()
    f = find(rep.findings, "plan.value")
    assert f.file == "../ke-hoach/2100-KH-BHXH.yaml" and f.key == "council.approval.threshold"
    assert f.line == next(i for i, s in enumerate(plan.read_text().splitlines(), 1) if "hai phần ba" in s)
    assert all(v.eligible is None for v in rep.verdicts)


def test_broken_shipped_plan_never_breaks_doctor_or_another_plan(tmp_path, monkeypatch, run_cli):
    import shutil
    from dhtt_docs.rules import profile_files
    plans = tmp_path / "plans"
    shutil.copytree(profile_files.plans_dir(), plans)
    (plans / "0000-BROKEN.yaml").write_text("id: [\n", encoding="utf-8")
    monkeypatch.setattr(profile_files, "plans_dir", lambda: plans)
    assert profile_files.available_plans() == ["1935/KH-BHXH"]
    result = run_cli("plan", "list")
    assert result.exit_code == 0 and "0000-BROKEN.yaml" in result.output and "1935/KH-BHXH" in result.output
    result = run_cli("doctor")
    assert "Traceback" not in result.output and "1935/KH-BHXH" in result.output
