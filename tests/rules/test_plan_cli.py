"""`dhtt-docs plan list | new | check`: every kind of mistake a finding with its line."""

from __future__ import annotations

import json

import pytest

from plan_rounds import PLANS, edit, plan_copy


def check_json(run_cli, path):
    result = run_cli("plan", "check", path, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def test_list_names_the_shipped_plans(run_cli):
    result = run_cli("plan", "list")
    assert result.exit_code == 0 and "1935/KH-BHXH  2021-2025" in result.output


def test_new_then_check_is_clean(tmp_path, run_cli):
    dest = tmp_path / "ke-hoach" / "moi.yaml"
    result = run_cli("plan", "new", dest, "--from", "1935/KH-BHXH")
    assert result.exit_code == 0 and dest.is_file()
    assert dest.read_text(encoding="utf-8").startswith("# Bộ tiêu chí sao từ 1935-KH-BHXH.yaml")
    result = run_cli("plan", "check", dest)
    assert result.exit_code == 0 and "không có lỗi" in result.output
    again = run_cli("plan", "new", dest)
    assert again.exit_code == 2 and "--overwrite" in again.output


def test_new_from_a_user_file(tmp_path, run_cli):
    dest = tmp_path / "copy.yaml"
    assert run_cli("plan", "new", dest, "--from", PLANS / "ca-nhan-2-trong-3.yaml").exit_code == 0
    assert run_cli("plan", "check", dest).exit_code == 0


def test_user_fixtures_are_clean(run_cli):
    for name in ("2100-KH-BHXH.yaml", "ca-nhan-2-trong-3.yaml"):
        code, data = check_json(run_cli, PLANS / name)
        assert code == 0 and data["ok"] and data["findings"] == []


# Each mistake: (text to replace, its replacement, the line's marker after the edit, code, key, words)
MISTAKES = [
    ("proposal:", "proposl:", "proposl:", "plan.extra_forbidden", "proposl", "có phải 'proposal'"),
    ("    threshold: 2/3", "    threshold: hai phần ba", "hai phần ba", "plan.value", "council.approval.threshold",
     "phân số"),
    ("    threshold: 2/3", "    threshold: 3/2", "threshold: 3/2", "plan.value", "council.approval.threshold",
     "từ 0 đến 1"),
    ("  combine: any\n  leader", "  combine: 3 of 2\n  leader", "combine: 3 of 2", "plan.value",
     "individual.combine", "cần 3"),
    ("  combine: any\n  leader", "  combine: mostly\n  leader", "combine: mostly", "plan.value",
     "individual.combine", "'k of n'"),
    ("qualifying: [co-thi-dua-bhxh,", "qualifying: [co-thi-dua-bhxhh,", "co-thi-dua-bhxhh", "plan.reference",
     "collective.tracks[1].criteria[0].qualifying[0]", "'co-thi-dua-bhxhh'"),
    ("forms: [khiển trách, cảnh cáo, cách chức, buộc thôi việc]\n          fail: {vi: \"Năm {year}, {person} bị kỷ luật hình thức {form}: cá nhân",
     "forms: [khiển trách, cảnh báo, cách chức, buộc thôi việc]\n          fail: {vi: \"Năm {year}, {person} bị kỷ luật hình thức {form}: cá nhân",
     "cảnh báo", "plan.reference", "individual.tracks[0].criteria[2].forms[1]", "'cảnh báo'"),
    ("{need:02d} năm liền hoàn thành xuất sắc nhiệm vụ (Mục 2.1.a)", "{nam} năm liền hoàn thành xuất sắc nhiệm vụ (Mục 2.1.a)",
     "{nam} năm liền", "plan.value", "individual.tracks[0].criteria[0].fail", "{nam}"),
    ("        - type: initiatives\n          clause: Mục 2.1.b", "        - type: initiative\n          clause: Mục 2.1.b",
     "type: initiative", "plan.literal_error", "individual.tracks[0].criteria[1].type", ""),
    ("        - type: targets\n", "        - type: ratings\n", "type: ratings", "plan.reference",
     "collective.tracks[0].criteria[0].type", "không dùng được cho collective"),
    ("    base: members", "    base: everyone", "base: everyone", "plan.literal_error", "council.approval.base", ""),
    ("window: {first_year: 2026, last_year: 2030, clause: Mục 2}", "window: {first_year: 2030, last_year: 2026}",
     "first_year: 2030", "plan.value", "window", "trước first_year"),
    ("    strictly_above: false", "    strictly_above: có", "strictly_above: có", "plan.bool_parsing",
     "council.approval.strictly_above", ""),
    ("  - id: giay-khen\n", "  - id: huan-chuong\n", "id: huan-chuong", "plan.reference", "catalogue[5].id",
     "lặp lại"),
    ("id: 2100/KH-BHXH\n", "id: 2100/KH-BHXH\nid: 2101/KH-BHXH\n", "id: 2101", "plan.duplicate_key", None, ""),
]


@pytest.mark.parametrize("old, new, marker, code, key, words", MISTAKES, ids=[m[3] + ":" + m[2][:14] for m in MISTAKES])
def test_check_reports_each_mistake_with_its_line(tmp_path, run_cli, old, new, marker, code, key, words):
    path = plan_copy(tmp_path)
    original = path.read_text(encoding="utf-8")
    line = original[:original.index(old)].count("\n") + 1 + new[:new.index(marker)].count("\n")
    edit(path, old, new)
    code_, data = check_json(run_cli, path)
    assert code_ == 1 and data["ok"] is False
    hits = [f for f in data["findings"] if f["code"] == code]
    assert hits, data["findings"]
    f = hits[0]
    assert f["line"] == line, f                       # the line of the mistake itself
    if key is not None:
        assert f["key"] == key, f
    assert words in f["message"] and f["file"] == str(path)


def test_check_of_a_file_that_is_not_a_profile(tmp_path, run_cli):
    path = tmp_path / "x.yaml"
    path.write_text("- a\n- b\n", encoding="utf-8")
    code, data = check_json(run_cli, path)
    assert code == 1 and data["findings"][0]["code"] == "plan.not_a_profile"
    code, data = check_json(run_cli, tmp_path / "khong-co.yaml")
    assert code == 1 and data["findings"][0]["code"] == "plan.unreadable"
    path.write_text("id: [\n", encoding="utf-8")
    result = run_cli("plan", "check", path)
    assert result.exit_code == 1 and "Traceback" not in result.output and "x.yaml:" in result.output


def test_check_in_english(tmp_path, run_cli):
    path = plan_copy(tmp_path)
    edit(path, "    threshold: 2/3", "    threshold: 3/2")
    result = run_cli("--lang", "en", "plan", "check", path)
    assert result.exit_code == 1 and "threshold must be between 0 and 1" in result.output
