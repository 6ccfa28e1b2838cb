"""With `--lang en`, the loader's findings (YAML, schema, files, attachments, scaffold) are English.

Same codes, files, lines and keys as in Vietnamese: only the words change.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from dhtt_docs.exceptions import DhttError
from dhtt_docs.findings import Severity
from dhtt_docs.i18n import get_lang, set_lang
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.dossier.scaffold import check_id, init_round, new_candidate
from dhtt_docs.dossier.yamlsource import parse_yaml_text

VI_WORDS = ("hãy", "tệp", "trường", "dòng", "không", "được", "của", "cần")


@pytest.fixture
def en():
    before = get_lang()
    set_lang("en")
    try:
        yield
    finally:
        set_lang(before if before != "en" else "vi")


def assert_english(message: str, *words: str) -> None:
    """`message` has each of `words`, and no Vietnamese word outside the quoted user values."""
    for w in words:
        assert w in message, f"{w!r} not in {message!r}"
    bare = unicodedata.normalize("NFC", re.sub(r"'[^']*'", "", message)).lower()
    for w in VI_WORDS:
        assert w not in bare, f"Vietnamese {w!r} in {message!r}"


def only_error(rnd, file):
    errs = [f for f in rnd.findings if f.file == file and f.severity is Severity.ERROR]
    assert errs, f"no error for {file}: {[f.text() for f in rnd.findings]}"
    return errs


# --- YAML -----------------------------------------------------------------------------


def test_broken_yaml(en, round_dir):
    round_dir.write("candidates/an.yaml", "kind: individual\nfull_name: Nguyễn Văn An\nunit: Phòng: Thu: X\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.line == 3 and f.code == "yaml.syntax"
    assert_english(f.text(), "YAML syntax error at line 3", "double quotes")


def test_tab_indentation(en, round_dir):
    round_dir.write("candidates/an.yaml", "kind: individual\nratings:\n\t2022: HTXSNV\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.line == 3
    assert_english(f.text(), "line 3", "Tab", "indentation", "spaces")


def test_duplicate_key(en, round_dir):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng phòng\nposition: Phó phòng")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "yaml.duplicate_key" and f.line == 8 and f.key == "position"
    assert_english(f.text(), "Field 'position'", "written twice", "lines 7 and 8", "delete the other line")


def test_object_tag(en, round_dir):
    round_dir.write("candidates/an.yaml", "kind: !!python/object/apply:os.system ['echo hi']\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "yaml.tag" and f.line == 1
    assert_english(f.text(), "YAML tag", "not allowed", "Delete the tag")


def test_alias(en):
    (f,) = parse_yaml_text("a: &x [1, 2]\nb: *x\n", "t.yaml").findings
    assert f.code == "yaml.alias"
    assert_english(f.text(), "Anchors and aliases", "write the full value")


def test_control_characters_warning(en, round_dir):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng\x0b phòng")
    (f,) = load_round(round_dir.root).findings
    assert f.severity is Severity.WARNING and f.line == 7
    assert_english(f.text(), "Line 7", "control characters", "removed")


def test_too_long_value(en, round_dir):
    round_dir.edit("candidates/an.yaml", "achievements: Hoàn thành xuất sắc nhiệm vụ.",
                   "achievements: " + "Rất dài. " * 20_000)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "value.too_long"
    assert_english(f.text(), "too long", "at most", "Shorten")


# --- bytes ----------------------------------------------------------------------------


def test_legacy_encoding(en, round_dir):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    round_dir.write("candidates/an.yaml", text.encode("cp1258", errors="replace"))
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.encoding" and f.line == 2
    assert_english(f.text(), "not UTF-8 encoded", "line 2", "Windows-1258", "TCVN3", "save it again as Unicode UTF-8")


def test_utf16(en, round_dir):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    round_dir.write("candidates/an.yaml", text.encode("utf-16"))
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert_english(f.text(), "UTF-16", "save it again as UTF-8")


@pytest.mark.parametrize("text", ["", "# chưa điền\n"])
def test_empty_file(en, round_dir, text):
    round_dir.write("candidates/an.yaml", text)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.empty" and f.line == 1
    assert_english(f.text(), "The file is empty", "dhtt-docs new")


# --- schema ---------------------------------------------------------------------------


def test_unknown_key_did_you_mean(en, round_dir):
    round_dir.edit("candidates/an.yaml", "hometown:", "home_town:")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    f = next(e for e in errs if e.code == "schema.extra_forbidden")
    assert f.line == 5 and f.key == "home_town"
    assert_english(f.text(), "Field 'home_town' is not part of the dossier template",
                   "did you mean 'hometown'?", "Rename the field to 'hometown'.")


def test_unknown_key_without_a_close_match_lists_the_fields(en, round_dir):
    round_dir.edit("submission.yaml", "  ballots: {issued: 4, returned: 4, valid: 4}",
                   "  ballots: {issued: 4, returned: 4, valid: 4, zzz: 4}")
    errs = only_error(load_round(round_dir.root), "submission.yaml")
    f = next(e for e in errs if e.code == "schema.extra_forbidden")
    assert_english(f.text(), "the valid fields here are: issued, returned, valid.")


def test_missing_required_field(en, round_dir):
    round_dir.edit("candidates/an.yaml", "gender: Nam\n", "")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "schema.missing" and f.key == "gender"
    assert_english(f.text(), "Missing required field 'gender'", "add a line 'gender: ...'")


def test_missing_nested_required_field(en, round_dir):
    round_dir.edit("submission.yaml", "    location: Phòng họp tầng 2\n", "")
    (f,) = only_error(load_round(round_dir.root), "submission.yaml")
    assert f.key == "council.meeting.location" and f.line == 11
    assert_english(f.text(), "Missing required field 'location'", "in the group 'council.meeting'.")


def test_missing_kind(en, round_dir):
    round_dir.edit("candidates/an.yaml", "kind: individual\n", "")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "kind"
    assert_english(f.text(), "Missing field 'kind'", "first line of the file")


def test_wrong_type(en, round_dir):
    round_dir.edit("submission.yaml", "valid: 4}", "valid: bốn}")
    (f,) = only_error(load_round(round_dir.root), "submission.yaml")
    assert f.key == "council.ballots.valid" and f.line == 23
    assert_english(f.text(), "'bốn' is not a whole number")


def test_wrong_type_from_the_table_of_type_words(en, round_dir):
    round_dir.edit("candidates/an.yaml", "duties: Phụ trách công tác thu.", "duties: Phụ trách công tác thu.\n"
                   "initiatives: một sáng kiến")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "initiatives" and f.code == "schema.list_type"
    assert_english(f.text(), "must be a list", "starting with '- '")
    round_dir.edit("candidates/phong-thu.yaml", "head: {name: Nguyễn Văn An, title: Trưởng phòng}", "head: An")
    (f,) = only_error(load_round(round_dir.root), "candidates/phong-thu.yaml")
    assert f.key == "head" and f.code == "schema.model_type"
    assert_english(f.text(), "must be a group of fields", "(currently 'An')")


def test_impossible_date(en, round_dir):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 2023-02-30")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "birth_date" and f.line == 4
    assert_english(f.text(), "date 2023-02-30 does not exist", "month 2 has no day 30", "correct it")


def test_date_in_wrong_format(en, round_dir):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 12/05/1980")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert_english(f.text(), "year-month-day", "for example 2024-11-25")


def test_bad_rating_suggests_the_closest(en, round_dir):
    round_dir.edit("candidates/an.yaml", "2022: hoàn thành tốt nhiệm vụ", "2022: hoàn thành tốt nhiệm")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "ratings.2022"
    assert_english(f.text(), "is not in the list of ratings", "did you mean")


def test_bad_gender_and_root(en, round_dir):
    round_dir.edit("candidates/an.yaml", "gender: Nam", "gender: X")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert_english(f.text(), "gender 'X' is not valid", "Nam (male)")
    round_dir.write("candidates/an.yaml", "- kind: individual\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "schema.root"
    assert_english(f.text(), "must be a group of 'name: value' fields")


# --- files of the round ---------------------------------------------------------------


def test_bad_candidate_file_name(en, round_dir):
    round_dir.write("candidates/Nguyễn Văn Bình.yaml", "kind: individual\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/Nguyễn Văn Bình.yaml")
    assert f.code == "file.bad_id"
    assert_english(f.text(), "cannot be used as a candidate id", "lowercase letters",
                   "(for example 'nguyen-van-binh.yaml')", "Rename the file.")


def test_missing_submission_and_ignored_file(en, tmp_path):
    (tmp_path / "candidates").mkdir()
    (tmp_path / "candidates/ghi-chu.docx").write_bytes(b"PK\x03\x04")
    missing, ignored = load_round(tmp_path).findings
    assert missing.code == "file.missing" and ignored.code == "file.ignored"
    assert_english(missing.text(), "No submission.yaml file", "dhtt-docs init <folder>")
    assert_english(ignored.text(), "is not a .yaml file", "skipped", "attachments/")


def test_every_finding_of_a_broken_round_is_english(en, round_dir):
    round_dir.edit("submission.yaml", "year: 2024", "year: hai nghìn")
    round_dir.edit("submission.yaml", "date: 2024-11-25", "date: 2024-13-01")
    round_dir.edit("candidates/an.yaml", "gender: Nam", "gender: X\ngender: Y")
    round_dir.edit("candidates/phong-thu.yaml", "situation:", "situaton:")
    round_dir.edit("candidates/phong-thu.yaml", "kind: collective", "kind: tap-the")
    rnd = load_round(round_dir.root)
    assert len(rnd.findings) >= 5
    for f in rnd.findings:
        assert_english(f.text())


# --- attachments ----------------------------------------------------------------------


def _attach(round_dir, rel):
    round_dir.edit("candidates/an.yaml", "issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}",
                   f"issuer: Tổng Giám đốc Bảo hiểm xã hội Việt Nam}}\n    attachment: {rel}")
    rep = round_dir.report()
    (f,) = [f for f in rep.verdict("an").findings if f.code == "attachment.unusable"]
    assert f.key == "awards[0].attachment" and f.line == 17
    return f


@pytest.mark.parametrize("rel, words", [
    ("../secret.pdf", ["points outside the round folder", "copy the file into the attachments/ folder"]),
    ("/etc/passwd", ["is an absolute path", "'attachments/<file name>.pdf'"]),
    ("C:\\scan\\qd.pdf", ["is an absolute path"]),
    ("attachments/none.pdf", ["is not in the round folder", "copy the scan there"]),
])
def test_attachment_outside_or_missing(en, round_dir, rel, words):
    f = _attach(round_dir, rel)
    assert_english(f.text(), "The attachment", *words)


@pytest.mark.parametrize("content, words", [
    (b"PK\x03\x04 not a pdf", ["is not a PDF file", "as PDF"]),
    (b"", ["is an empty file"]),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", ["is damaged or incomplete", "scan or download the file again"]),
])
def test_attachment_not_a_pdf(en, round_dir, content, words):
    round_dir.write("attachments/x.pdf", content)
    f = _attach(round_dir, "attachments/x.pdf")
    assert_english(f.text(), "The attachment 'attachments/x.pdf'", *words)


def test_attachment_symlink_out_of_folder(en, round_dir, tmp_path):
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4 secret")
    (round_dir.root / "attachments").mkdir()
    (round_dir.root / "attachments/link.pdf").symlink_to(outside)
    f = _attach(round_dir, "attachments/link.pdf")
    assert_english(f.text(), "is a link pointing outside the round folder")


# --- scaffold -------------------------------------------------------------------------


def test_init_refuses_an_existing_round(en, tmp_path):
    init_round(tmp_path, 2024)
    with pytest.raises(DhttError) as exc:
        init_round(tmp_path, 2024)
    assert_english(exc.value.message, "already has a submission.yaml", "Choose a new folder",
                   "`dhtt-docs init bhxh-ten-tinh-2024`", "`dhtt-docs new`")


def test_init_refuses_a_bad_year(en, tmp_path):
    with pytest.raises(DhttError) as exc:
        init_round(tmp_path / "r", 24)
    assert_english(exc.value.message, "The round year '24' is not plausible", "4-digit year")


def test_new_refuses_bad_kind_id_and_overwrite(en, tmp_path):
    init_round(tmp_path, 2024)
    with pytest.raises(DhttError) as exc:
        new_candidate("nguoi", "an", tmp_path)
    assert_english(exc.value.message, "is not valid", "write individual or collective")
    with pytest.raises(DhttError) as exc:
        check_id("Nguyễn Văn An")
    assert_english(exc.value.message, "cannot be used", "Use, for example: nguyen-van-an")
    new_candidate("individual", "an", tmp_path)
    with pytest.raises(DhttError) as exc:
        new_candidate("individual", "an", tmp_path)
    assert_english(exc.value.message, "already exists", "for example an-2")
    with pytest.raises(DhttError) as exc:
        new_candidate("individual", "an", tmp_path / "none")
    assert_english(exc.value.message, "was not found", "--in <folder>")


# --- Vietnamese stays the default -----------------------------------------------------


def test_vietnamese_by_default_and_per_run(round_dir):
    assert get_lang() == "vi"
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 2023-02-30")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.text() == "'birth_date': ngày 2023-02-30 không có thật (tháng 2 không có ngày 30): hãy sửa lại."
    set_lang("en")
    try:
        (g,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    finally:
        set_lang("vi")
    assert g.text() == "'birth_date': date 2023-02-30 does not exist (month 2 has no day 30): correct it."
    assert (g.code, g.line, g.key, g.severity) == (f.code, f.line, f.key, f.severity)
    (h,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert h.text() == f.text()
