"""Every loader error names its file, line and key, in words a secretary can act on."""

from __future__ import annotations

import unicodedata

import pytest
import yaml
from helpers import assert_english
from hypothesis import given, settings
from hypothesis import strategies as st

from dhtt_docs.findings import Severity
from dhtt_docs.i18n import get_lang, set_lang
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.dossier.yamlsource import _ILLEGAL, clean_text, parse_yaml_text


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


def test_broken_yaml_names_parser_line(round_dir, lang):
    round_dir.write("candidates/an.yaml", "kind: individual\nfull_name: Nguyễn Văn An\nunit: Phòng: Thu: X\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.line == 3 and f.code == "yaml.syntax"
    if lang == "vi":
        assert "dòng 3" in f.text() and "ngoặc kép" in f.text()
    else:
        assert_english(f.message, "YAML syntax error at line 3", "double quotes")


def test_tab_indentation_is_explained(round_dir, lang):
    round_dir.write("candidates/an.yaml", "kind: individual\nratings:\n\t2022: HTXSNV\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.line == 3 and "Tab" in f.text()
    if lang == "en":
        assert_english(f.message, "line 3", "Tab", "indentation", "spaces")


def test_unknown_key_did_you_mean(round_dir, lang):
    round_dir.edit("candidates/an.yaml", "hometown:", "home_town:")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    f = next(e for e in errs if e.code == "schema.extra_forbidden")
    assert f.line == 5 and f.key == "home_town"
    if lang == "vi":
        assert "có phải 'hometown'" in f.message
    else:
        assert_english(f.message, "Field 'home_town' is not part of the dossier template",
                       "did you mean 'hometown'?", "Rename the field to 'hometown'.")


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


def test_duplicate_key_is_error_not_last_wins(round_dir, lang):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng phòng\nposition: Phó phòng")
    rnd = load_round(round_dir.root)
    (f,) = only_error(rnd, "candidates/an.yaml")
    assert f.code == "yaml.duplicate_key" and f.line == 8 and f.key == "position"
    if lang == "vi":
        assert "dòng 7 và dòng 8" in f.text()
    else:
        assert_english(f.message, "Field 'position'", "written twice", "lines 7 and 8", "delete the other line")
    assert rnd.candidate("an").model.position == "Trưởng phòng"


def test_missing_required_fields_all_reported(round_dir):
    round_dir.edit("candidates/an.yaml", "gender: Nam\n", "")
    round_dir.edit("candidates/an.yaml", "duties: Phụ trách công tác thu.\n", "")
    errs = only_error(load_round(round_dir.root), "candidates/an.yaml")
    keys = {e.key for e in errs if e.code == "schema.missing"}
    assert keys == {"gender", "duties"}
    assert all("Thiếu trường bắt buộc" in e.text() for e in errs)


def test_missing_nested_required_field_names_parent_line(round_dir, lang):
    round_dir.edit("submission.yaml", "    location: Phòng họp tầng 2\n", "")
    (f,) = only_error(load_round(round_dir.root), "submission.yaml")
    assert f.code == "schema.missing" and f.key == "council.meeting.location" and f.line == 11
    if lang == "en":
        assert_english(f.message, "Missing required field 'location'", "in the group 'council.meeting'.")


def test_wrong_type(round_dir, lang):
    round_dir.edit("submission.yaml", "valid: 4}", "valid: bốn}")
    (f,) = only_error(load_round(round_dir.root), "submission.yaml")
    assert f.key == "council.ballots.valid" and f.line == 23
    if lang == "vi":
        assert "số nguyên" in f.message
    else:
        assert_english(f.message, "'bốn' is not a whole number")


def test_impossible_date(round_dir, lang):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 2023-02-30")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "birth_date" and f.line == 4
    if lang == "vi":
        assert "không có thật" in f.message
    else:
        assert_english(f.message, "date 2023-02-30 does not exist", "month 2 has no day 30", "correct it")


def test_date_in_wrong_format(round_dir, lang):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 12 tháng 5 năm 1980")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "birth_date"
    if lang == "vi":
        assert "năm-tháng-ngày" in f.message
    else:
        assert_english(f.message, "year-month-day", "day/month/year", "2024-11-25")


def test_impossible_meeting_time(round_dir):
    round_dir.edit("submission.yaml", "start: 2024-11-20 14:00", "start: 2024-11-20 25:00")
    (f,) = only_error(load_round(round_dir.root), "submission.yaml")
    assert f.key == "council.meeting.start" and f.line == 13


def test_bad_candidate_file_name(round_dir, lang):
    round_dir.write("candidates/Nguyễn Văn Bình.yaml", "kind: individual\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/Nguyễn Văn Bình.yaml")
    assert f.code == "file.bad_id" and "nguyen-van-binh" in f.message
    if lang == "en":
        assert_english(f.message, "cannot be used as a candidate id", "lowercase letters",
                       "(for example 'nguyen-van-binh.yaml')", "Rename the file.")


@pytest.mark.parametrize("text", ["", "# chưa điền\n"])
def test_empty_file(round_dir, text, lang):
    round_dir.write("candidates/an.yaml", text)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.empty" and f.line == 1
    if lang == "en":
        assert_english(f.message, "The file is empty", "dhtt-docs new")


def test_legacy_encoding_explained(round_dir, lang):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    round_dir.write("candidates/an.yaml", text.encode("cp1258", errors="replace"))
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.encoding" and f.line == 2
    assert "UTF-8" in f.text() and "Windows-1258" in f.text() and "TCVN3" in f.text()
    if lang == "en":
        assert_english(f.message, "not UTF-8 encoded", "line 2", "Windows-1258", "TCVN3",
                       "save it again as Unicode UTF-8")


def test_utf16_explained(round_dir, lang):
    text = (round_dir.root / "candidates/an.yaml").read_text(encoding="utf-8")
    round_dir.write("candidates/an.yaml", text.encode("utf-16"))
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.encoding" and "UTF-16" in f.text()
    if lang == "en":
        assert_english(f.message, "UTF-16", "save it again as UTF-8")


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


def test_object_tag_refused(round_dir, lang):
    round_dir.write("candidates/an.yaml", "kind: !!python/object/apply:os.system ['echo hi']\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "yaml.tag" and f.line == 1
    if lang == "en":
        assert_english(f.message, "YAML tag", "not allowed", "Delete the tag")


def test_alias_refused(round_dir, lang):
    doc = parse_yaml_text("a: &x [1, 2]\nb: *x\n", "t.yaml")
    assert doc.data is None and doc.findings[0].code == "yaml.alias" and doc.findings[0].line == 2
    (f,) = doc.findings
    if lang == "en":
        assert_english(f.message, "Anchors and aliases", "write the full value")


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


def test_raw_control_characters_are_dropped_with_line(round_dir, lang):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng\x0b phòng\x1b[0m")
    rnd = load_round(round_dir.root)
    (f,) = rnd.findings
    assert f.severity is Severity.WARNING and f.line == 7 and f.code == "value.invisible_chars"
    assert rnd.candidate("an").model.position == "Trưởng phòng[0m"
    if lang == "en":
        assert_english(f.message, "Line 7", "control characters", "removed")


def test_very_deep_nesting_is_a_finding_not_a_crash(round_dir):
    round_dir.write("candidates/an.yaml", "kind: " + "[" * 200_000)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code in ("yaml.depth", "yaml.syntax")


def test_too_long_field_is_a_finding(round_dir, lang):
    round_dir.edit("candidates/an.yaml", "achievements: Hoàn thành xuất sắc nhiệm vụ.",
                   "achievements: " + "Rất dài. " * 20_000)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "value.too_long" and f.key == "achievements" and f.line == 9
    if lang == "vi":
        assert "tối đa" in f.message
    else:
        assert_english(f.message, "too long", "at most", "Shorten")


# --------------------------------------------------------------------------- messages in English (--lang en): same codes, files, lines and keys











def test_unknown_key_without_a_close_match_lists_the_fields(english, round_dir):
    round_dir.edit("submission.yaml", "  ballots: {issued: 4, returned: 4, valid: 4}",
                   "  ballots: {issued: 4, returned: 4, valid: 4, zzz: 4}")
    errs = only_error(load_round(round_dir.root), "submission.yaml")
    f = next(e for e in errs if e.code == "schema.extra_forbidden")
    assert_english(f.message, "the valid fields here are: issued, returned, valid.")


def test_missing_required_field(english, round_dir):
    round_dir.edit("candidates/an.yaml", "gender: Nam\n", "")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "schema.missing" and f.key == "gender"
    assert_english(f.message, "Missing required field 'gender'", "add a line 'gender: ...'")



def test_missing_kind(english, round_dir):
    round_dir.edit("candidates/an.yaml", "kind: individual\n", "")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "kind"
    assert_english(f.message, "Missing field 'kind'", "first line of the file")


def test_wrong_type_from_the_table_of_type_words(english, round_dir):
    round_dir.edit("candidates/an.yaml", "duties: Phụ trách công tác thu.", "duties: Phụ trách công tác thu.\n"
                   "initiatives: một sáng kiến")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "initiatives" and f.code == "schema.list_type"
    assert_english(f.message, "must be a list", "starting with '- '")
    round_dir.edit("candidates/phong-thu.yaml", "head: {name: Nguyễn Văn An, title: Trưởng phòng}", "head: An")
    (f,) = only_error(load_round(round_dir.root), "candidates/phong-thu.yaml")
    assert f.key == "head" and f.code == "schema.model_type"
    assert_english(f.message, "must be a group of fields", "(currently 'An')")


def test_bad_rating_suggests_the_closest(english, round_dir):
    round_dir.edit("candidates/an.yaml", "2022: hoàn thành tốt nhiệm vụ", "2022: hoàn thành tốt nhiệm")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.key == "ratings.2022"
    assert_english(f.message, "is not in the list of ratings", "did you mean")


def test_bad_gender_and_root(english, round_dir):
    round_dir.edit("candidates/an.yaml", "gender: Nam", "gender: X")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert_english(f.message, "gender 'X' is not valid", "Nam (male)")
    round_dir.write("candidates/an.yaml", "- kind: individual\n")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "schema.root"
    assert_english(f.message, "must be a group of 'name: value' fields")


def test_missing_submission_and_ignored_file(english, tmp_path):
    (tmp_path / "candidates").mkdir()
    (tmp_path / "candidates/ghi-chu.docx").write_bytes(b"PK\x03\x04")
    missing, ignored = load_round(tmp_path).findings
    assert missing.code == "file.missing" and ignored.code == "file.ignored"
    assert_english(missing.message, "No submission.yaml file", "dhtt-docs init <folder>")
    assert_english(ignored.message, "is not a .yaml file", "skipped", "attachments/")


def test_every_finding_of_a_broken_round_is_english(english, round_dir):
    round_dir.edit("submission.yaml", "year: 2024", "year: hai nghìn")
    round_dir.edit("submission.yaml", "date: 2024-11-25", "date: 2024-13-01")
    round_dir.edit("candidates/an.yaml", "gender: Nam", "gender: X\ngender: Y")
    round_dir.edit("candidates/phong-thu.yaml", "situation:", "situaton:")
    round_dir.edit("candidates/phong-thu.yaml", "kind: collective", "kind: tap-the")
    rnd = load_round(round_dir.root)
    assert len(rnd.findings) >= 5
    for f in rnd.findings:
        assert_english(f.message)


def test_vietnamese_by_default_and_per_run(round_dir):
    assert get_lang() == "vi"
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 2023-02-30")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.text() == "Ngày sinh (birth_date): ngày 2023-02-30 không có thật (tháng 2 không có ngày 30): hãy sửa lại."
    set_lang("en")
    try:
        (g,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    finally:
        set_lang("vi")
    assert g.text("en") == "Date of birth (birth_date): date 2023-02-30 does not exist (month 2 has no day 30): correct it."
    assert (g.code, g.line, g.key, g.severity) == (f.code, f.line, f.key, f.severity)
    (h,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert h.message == f.message


# --- issue 13.1: every file is judged; no candidate is dropped silently -------------------------


@pytest.mark.parametrize("text,line", [
    ("---\n", 1), ("%YAML 1.2\n---\n", 2), ("~\n", 1), ("null\n", 1), ("--- !!null\n", 1), ("---\n...\n", 1),
])
def test_an_empty_document_is_an_error_on_its_line(round_dir, text, line):
    round_dir.write("candidates/an.yaml", text)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "file.empty" and f.line == line


@pytest.mark.parametrize("text,words", [
    ("- a\n- b\n", "một danh sách"), ("Nguyễn Văn An\n", "một dòng chữ"), ("--- 42\n", "một dòng chữ"),
])
def test_a_list_or_a_scalar_where_the_mapping_belongs_is_an_error(round_dir, text, words):
    round_dir.write("candidates/an.yaml", text)
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.code == "schema.root" and f.line == 1 and words in f.text()


def test_an_empty_candidate_stops_the_round_and_the_report_says_why(round_dir):
    from dhtt_docs.rules.engine import evaluate

    round_dir.write("candidates/an.yaml", "%YAML 1.2\n---\n")
    report = evaluate(load_round(round_dir.root))
    (v,) = [v for v in report.verdicts if v.id == "an"]
    errors = [f for f in v.findings if f.severity is Severity.ERROR]
    assert errors and errors[0].file == "candidates/an.yaml"
    assert not report.ok if hasattr(report, "ok") else any(f.severity is Severity.ERROR for f in v.findings)


def test_validate_of_an_empty_candidate_exits_1_and_lists_the_error(round_dir):
    from click.testing import CliRunner
    from dhtt_docs.cli import cli

    round_dir.write("candidates/an.yaml", "---\n")
    res = CliRunner().invoke(cli, ["validate", str(round_dir.root)])
    assert res.exit_code == 1, res.output
    assert "candidates/an.yaml:1" in res.output


# --- issue 13.3: a key with brackets does not crash the error mapping ------------------------------


@pytest.mark.parametrize("key", ["note[1]", "[0]", "a[b]", "list[int]", "function-after[x]", "[key]"])
def test_a_key_with_brackets_is_an_unknown_field_finding(round_dir, key):
    round_dir.append("candidates/an.yaml", f"'{key}': x\n")
    round_dir.append("submission.yaml", f"'{key}': x\n")
    rnd = load_round(round_dir.root)
    for file in ("candidates/an.yaml", "submission.yaml"):
        errs = only_error(rnd, file)
        assert any(f.code == "schema.extra_forbidden" and key in f.text() for f in errs), [f.text() for f in errs]


# --- issue 13.7: at most 200 findings per file -------------------------------------------------


def test_findings_per_file_are_capped_with_a_count(round_dir):
    round_dir.append("candidates/an.yaml", "".join(f"k{i}: v\n" for i in range(450)))
    rnd = load_round(round_dir.root)
    mine = [f for f in rnd.findings if f.file == "candidates/an.yaml"]
    assert len(mine) == 201
    (last,) = [f for f in mine if f.code == "findings.capped"]
    assert last.params["more"] == 250 and "250" in last.text() and "250" in last.text("en")
    assert last.severity is Severity.ERROR


# --- issue 14.2: dates the Vietnamese way, labels, names ---------------------------------------


@pytest.mark.parametrize("written,expected", [
    ("12/05/1980", "1980-05-12"), ("2/5/1980", "1980-05-02"), ("12.05.1980", "1980-05-12"),
    ("1980-5-2", "1980-05-02"),
])
def test_dates_may_be_written_day_first(round_dir, written, expected):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", f"birth_date: {written}")
    rnd = load_round(round_dir.root)
    assert rnd.findings == []
    assert rnd.candidate("an").model.birth_date.isoformat() == expected


@pytest.mark.parametrize("written,words", [
    ("05/25/1980", "hãy viết 1980-05-25 hoặc 25/05/1980"),
    ("12/5/80", "hãy viết 2080-05-12 hoặc 12/05/2080"),
    ("19800512", "hãy viết 1980-05-12 hoặc 12/05/1980"),
    ("31/02/1980", "tháng 2 không có ngày 31"),
    ("hôm qua", "ngày/tháng/năm (25/11/2024)"),
])
def test_an_impossible_or_ambiguous_date_shows_what_to_write(round_dir, written, words):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", f"birth_date: {written}")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert words in f.text(), f.text()
    assert f.text().startswith("Ngày sinh (birth_date): ")
    assert f.text("en").startswith("Date of birth (birth_date): ")


def test_a_decision_date_is_named_in_words_with_the_key_after_it(round_dir):
    round_dir.append("candidates/an.yaml", """\
initiatives:
  - title: Sáng kiến thu
    recognition: {number: 12/QĐ, date: 10/03/23, issuer: Giám đốc}
""")
    (f,) = only_error(load_round(round_dir.root), "candidates/an.yaml")
    assert f.text().startswith("Ngày quyết định công nhận (initiatives[0].recognition.date): ")
    assert "2023-03-10 hoặc 10/03/2023" in f.text()


@pytest.mark.parametrize("written", ["20/11/2024 14:00", "20/11/2024 14h00", "2024-11-20T14:00"])
def test_meeting_times_may_be_written_day_first(round_dir, written):
    round_dir.edit("submission.yaml", "start: 2024-11-20 14:00", f"start: {written}")
    rnd = load_round(round_dir.root)
    assert rnd.findings == [] and rnd.submission.council.meeting.start.isoformat() == "2024-11-20T14:00:00"


def test_a_candidate_with_errors_shows_the_name_it_has(round_dir):
    round_dir.edit("candidates/an.yaml", "birth_date: 1980-05-12", "birth_date: 31/02/1980")
    round_dir.edit("candidates/phong-thu.yaml", "situation:", "situaton:")
    rnd = load_round(round_dir.root)
    assert rnd.candidate("an").model is None and rnd.candidate("an").name == "Nguyễn Văn An"
    assert rnd.candidate("phong-thu").name == "Phòng Quản lý thu"


def test_labels_cover_every_field_of_the_schema():
    """Each key of each model has a label in both languages (so no finding falls back to the bare key)."""
    import typing

    from pydantic import BaseModel

    from dhtt_docs.dossier.labels import field_label
    from dhtt_docs.dossier.loader import _unwrap
    from dhtt_docs.dossier.schema import Collective, Individual, Submission

    def walk(model, path):
        for name, fld in model.model_fields.items():
            p = path + (name,)
            label = field_label(p)
            assert label is not None and label.vi and label.en, p
            inner = _unwrap(fld.annotation)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                origin = typing.get_origin(fld.annotation)
                walk(inner, p + ((0,) if "list" in str(fld.annotation) and origin is not None else ()))

    for model in (Individual, Collective, Submission):
        walk(model, ())


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aĐ ệ\u0301e\r\n\t\x01\x7f\u200b\ufeff\u00ad:#'\"-0")),
               max_size=30),
       st.sampled_from(["yes", "12", "1.5", "null", "~", "2024-01-02"]))
def test_every_text_value_is_cleaned_and_said_when_characters_were_dropped(text, plain):
    """Values come out as clean_text makes them (NFC, no invisible or illegal characters, one kind of
    line end), with a warning exactly when characters were dropped; plain scalars keep their types."""
    doc = parse_yaml_text(yaml.safe_dump({"k": text, "p": yaml.safe_load(plain)}, allow_unicode=True), "x.yaml")
    assert doc.data["k"] == clean_text(text)
    assert doc.data["p"] == (yaml.safe_load(plain) if plain != "2024-01-02" else "2024-01-02")
    dropped = _ILLEGAL.sub("", text.replace("\r", "")) != text.replace("\r", "")
    assert [f.code for f in doc.findings] == (["value.invisible_chars"] if dropped else [])
