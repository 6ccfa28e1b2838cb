"""Every loader error names its file, line and key, in words a secretary can act on."""

from __future__ import annotations

import unicodedata

import pytest

from dhtt_docs.findings import Severity
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.dossier.yamlsource import parse_yaml_text


def only_error(rnd, file):
    errs = [f for f in rnd.findings if f.file == file and f.severity is Severity.ERROR]
    assert errs, f"no error for {file}: {[f.text() for f in rnd.findings]}"
    return errs


def test_sample_rounds_load_without_findings(round_dir):
    from conftest import QUANG_BINH, SAMPLE_ROUND, SCREENING_ROUND
    for folder in (SAMPLE_ROUND, SCREENING_ROUND, QUANG_BINH):
        rnd = load_round(folder)
        assert rnd.findings == [], folder
        assert rnd.submission is not None and all(c.model for c in rnd.candidates)


def test_broken_yaml_names_parser_line(round_dir):
    round_dir.write("candidates/an.yaml", "kind: individual\nfull_name: Nguyễn Văn An\nunit: Phòng: Thu: X\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.line == 3 and f.code == "yaml.syntax"
    assert "dòng 3" in f.text() and "ngoặc kép" in f.text()


def test_tab_indentation_is_explained(round_dir):
    round_dir.write("candidates/an.yaml", "kind: individual\nratings:\n\t2022: HTXSNV\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.line == 3 and "Tab" in f.text()


def test_unknown_key_did_you_mean(round_dir):
    round_dir.edit("candidates/an.yaml", "hometown:", "home_town:")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    f = next(e for e in errs if e.code == "schema.extra_forbidden")
    assert f.line == 5 and f.key == "home_town" and "có phải 'hometown'" in f.text()


def test_unknown_nested_key_did_you_mean(round_dir):
    round_dir.edit("submission.yaml", "  ballots: {issued: 4, returned: 4, valid: 4}",
                   "  ballots: {issued: 4, returned: 4, valid: 4, vaild: 4}")
    errs = only_error(load_round(round_dir.root), "submission.yaml")
    f = next(e for e in errs if e.code == "schema.extra_forbidden")
    assert f.line == 23 and f.key == "council.ballots.vaild" and "'valid'" in f.text()


def test_unknown_key_in_list_item(round_dir):
    round_dir.edit("candidates/an.yaml", "    title: Bằng khen", "    titel: Bằng khen")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    f = next(e for e in errs if e.code == "schema.extra_forbidden")
    assert f.key == "awards[0].titel" and f.line == 15 and "'title'" in f.text()


def test_duplicate_key_is_error_not_last_wins(round_dir):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng phòng\nposition: Phó phòng")
    rnd = load_round(round_dir.root)
    (f,) = only_error(rnd, "candidates/an.yaml")
    assert f.code == "yaml.duplicate_key" and f.line == 8 and f.key == "position"
    assert "dòng 7 và dòng 8" in f.text()
    assert rnd.candidate("an").model.position == "Trưởng phòng"


def test_missing_required_fields_all_reported(round_dir):
    round_dir.edit("candidates/an.yaml", "gender: Nam\n", "")
    round_dir.edit("candidates/an.yaml", "duties: Phụ trách công tác thu.\n", "")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    keys = {e.key for e in errs if e.code == "schema.missing"}
    assert keys == {"gender", "duties"}
    assert all("Thiếu trường bắt buộc" in e.text() for e in errs)


def test_missing_nested_required_field_names_parent_line(round_dir):
    round_dir.edit("submission.yaml", "    location: Phòng họp tầng 2\n", "")
    errs = only_error(load_round(round_dir.root), "submission.yaml")
    f = next(e for e in errs if e.code == "schema.missing")
    assert f.key == "council.meeting.location" and f.line == 11


def test_wrong_type(round_dir):
    round_dir.edit("submission.yaml", "valid: 4}", "valid: bốn}")
    (f,) = only_error(load_round(round_dir.root), "submission.yaml")
    assert f.key == "council.ballots.valid" and f.line == 23 and "số nguyên" in f.text()


def test_impossible_date(round_dir):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 2023-02-30")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "birth_date" and f.line == 4 and "không có thật" in f.text()


def test_date_in_wrong_format(round_dir):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 12/05/1980")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "birth_date" and "năm-tháng-ngày" in f.text()


def test_impossible_meeting_time(round_dir):
    round_dir.edit("submission.yaml", "start: 2024-11-20 14:00", "start: 2024-11-20 25:00")
    (f,) = only_error(load_round(round_dir.root), "submission.yaml")
    assert f.key == "council.meeting.start" and f.line == 13


def test_bad_candidate_file_name(round_dir):
    round_dir.write("candidates/Nguyễn Văn Bình.yaml", "kind: individual\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/Nguyễn Văn Bình.yaml")
    assert f.code == "file.bad_id" and "nguyen-van-binh" in f.text()


def test_empty_file(round_dir):
    round_dir.write("candidates/an.yaml", "")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.empty" and f.line == 1


def test_comment_only_file_is_empty(round_dir):
    round_dir.write("candidates/an.yaml", "# chưa điền\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.empty"


def test_legacy_encoding_explained(round_dir):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    round_dir.write("candidates/an.yaml", text.encode("cp1258", errors="replace"))
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.encoding" and f.line == 2
    assert "UTF-8" in f.text() and "Windows-1258" in f.text() and "TCVN3" in f.text()


def test_utf16_explained(round_dir):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    round_dir.write("candidates/an.yaml", text.encode("utf-16"))
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.encoding" and "UTF-16" in f.text()


def test_bom_and_crlf_are_fine(round_dir):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    round_dir.write("candidates/an.yaml", b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    rnd = load_round(round_dir.root)
    assert rnd.findings == []
    assert rnd.candidate("an").model.full_name == "Nguyễn Văn An"


def test_nfd_text_is_nfc_and_matches_vocab(round_dir):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    text = text.replace("kind: individual", "kind: Cá Nhân")
    round_dir.write("candidates/an.yaml", unicodedata.normalize("NFD", text).encode())
    rnd = load_round(round_dir.root)
    assert rnd.findings == []
    m = rnd.candidate("an").model
    assert m.kind == "individual" and m.full_name == unicodedata.normalize("NFC", "Nguyễn Văn An")
    assert unicodedata.is_normalized("NFC", m.unit)


def test_object_tag_refused(round_dir):
    round_dir.write("candidates/an.yaml", "kind: !!python/object/apply:os.system ['echo hi']\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "yaml.tag" and f.line == 1


def test_alias_refused(round_dir):
    doc = parse_yaml_text("a: &x [1, 2]\nb: *x\n", "t.yaml")
    assert doc.data is None and doc.findings[0].code == "yaml.alias" and doc.findings[0].line == 2


def test_root_must_be_mapping(round_dir):
    round_dir.write("candidates/an.yaml", "- kind: individual\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "schema.root"


def test_bad_kind_value(round_dir):
    round_dir.edit("candidates/an.yaml", "kind: individual", "kind: canhan")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert errs[0].key == "kind" and errs[0].line == 1 and "cá nhân" in errs[0].text()


def test_missing_kind_still_checks_the_rest(round_dir):
    round_dir.edit("candidates/an.yaml", "kind: individual\n", "")
    round_dir.edit("candidates/an.yaml", "gender: Nam", "gender: Nammm")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert {e.key for e in errs} == {"kind", "gender"}


def test_missing_submission_file(tmp_path):
    (tmp_path / "candidates").mkdir()
    rnd = load_round(tmp_path)
    assert rnd.findings[0].code == "file.missing" and "dhtt-docs init" in rnd.findings[0].text()


def test_non_yaml_file_in_candidates_is_warned(round_dir):
    round_dir.write("candidates/ghi-chu.docx", b"PK\x03\x04")
    rnd = load_round(round_dir.root)
    assert [f.code for f in rnd.findings] == ["file.ignored"]


def test_invisible_characters_removed_with_warning(round_dir):
    round_dir.edit("candidates/an.yaml", "full_name: Nguyễn Văn An", 'full_name: "Nguyễn\\u200b Văn An\\x07"')
    rnd = load_round(round_dir.root)
    assert rnd.candidate("an").model.full_name == "Nguyễn Văn An"
    (f,) = rnd.findings
    assert f.severity is Severity.WARNING and f.key == "full_name" and f.line == 2


def test_every_loader_finding_of_a_broken_round_has_file_and_line(round_dir):
    round_dir.edit("submission.yaml", "year: 2024", "year: hai nghìn")
    round_dir.edit("candidates/an.yaml", "gender: Nam", "gender: X\ngender: Y")
    round_dir.edit("candidates/phong-thu.yaml", "situation:", "situaton:")
    rnd = load_round(round_dir.root)
    assert len(rnd.findings) >= 3
    for f in rnd.findings:
        assert f.file and f.line and f.text()


@pytest.mark.parametrize("value, expected", [("1.234,5", 1234.5), ("362500", 362500), ("1,5", 1.5)])
def test_vietnamese_numbers_in_targets(round_dir, value, expected):
    round_dir.append("candidates/phong-thu.yaml", f"""
        targets:
          - {{year: 2023, name: X, plan: "{value}", actual: 1}}
        """)
    rnd = load_round(round_dir.root)
    assert rnd.findings == []
    assert rnd.candidate("phong-thu").model.targets[0].plan == expected


# --- attachments -----------------------------------------------------------------------


def _attach(round_dir, rel):
    round_dir.edit("candidates/an.yaml", "issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}",
                   f"issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}}\n    attachment: {rel}")
    rep = round_dir.report()
    return rep, [f for f in rep.verdict("an").findings if f.code == "attachment.unusable"]


def test_good_attachment_is_listed(round_dir):
    from conftest import SAMPLE_ROUND
    round_dir.write("attachments/qd.pdf", (SAMPLE_ROUND / "attachments/qd-3120-2022.pdf").read_bytes())
    rep, bad = _attach(round_dir, "attachments/qd.pdf")
    assert bad == [] and [a.rel for a in rep.attachments] == ["attachments/qd.pdf"]


@pytest.mark.parametrize("rel, words", [
    ("../secret.pdf", "ngoài thư mục"), ("/etc/passwd", "tuyệt đối"), ("C:\\scan\\qd.pdf", "tuyệt đối"),
    ("attachments/none.pdf", "không có trong thư mục"),
])
def test_attachment_outside_or_missing(round_dir, rel, words):
    rep, (f,) = _attach(round_dir, rel)
    assert f.key == "awards[0].attachment" and f.line == 17 and words in f.text()
    assert rep.attachments == []


def test_attachment_symlink_out_of_folder(round_dir, tmp_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4 secret")
    (round_dir.root / "attachments").mkdir()
    (round_dir.root / "attachments/link.pdf").symlink_to(outside)
    rep, (f,) = _attach(round_dir, "attachments/link.pdf")
    assert "liên kết" in f.text()


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04 not a pdf", "không phải tệp PDF"), (b"", "rỗng"),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "hỏng"),
])
def test_attachment_not_a_readable_pdf(round_dir, content, words):
    round_dir.write("attachments/x.pdf", content)
    rep, (f,) = _attach(round_dir, "attachments/x.pdf")
    assert words in f.text() and f.severity is Severity.ERROR


def test_encrypted_attachment(round_dir):
    import io
    from pypdf import PdfWriter
    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.encrypt("secret")
    buf = io.BytesIO()
    w.write(buf)
    round_dir.write("attachments/x.pdf", buf.getvalue())
    rep, (f,) = _attach(round_dir, "attachments/x.pdf")
    assert "mật khẩu" in f.text()


def test_raw_control_characters_are_dropped_with_line(round_dir):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng\x0b phòng\x1b[0m")
    rnd = load_round(round_dir.root)
    (f,) = rnd.findings
    assert f.severity is Severity.WARNING and f.line == 7 and f.code == "value.invisible_chars"
    assert rnd.candidate("an").model.position == "Trưởng phòng[0m"


def test_very_deep_nesting_is_a_finding_not_a_crash(round_dir):
    round_dir.write("candidates/an.yaml", "kind: " + "[" * 200_000)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code in ("yaml.depth", "yaml.syntax")


def test_too_long_field_is_a_finding(round_dir):
    round_dir.edit("candidates/an.yaml", "achievements: Hoàn thành xuất sắc nhiệm vụ.",
                   "achievements: " + "Rất dài. " * 20_000)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "value.too_long" and f.key == "achievements" and f.line == 9
    assert "tối đa" in f.text()
