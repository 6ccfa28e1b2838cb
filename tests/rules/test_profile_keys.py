"""Every key of a profile, on both sides of its boundary (the profile edited, the round fixed)."""

from __future__ import annotations

import shutil

import pytest

from conftest import SAMPLE_ROUND
from plan_rounds import PLANS, edit, round_2026, round_individuals_only
from test_rules import find, no

from dhtt_docs.dossier.loader import load_round
from dhtt_docs.findings import Severity
from dhtt_docs.rules.engine import evaluate
from dhtt_docs.rules.profile import load_profile_file


def plan_2100(tmp_path):
    return tmp_path / "ke-hoach" / "2100-KH-BHXH.yaml"


def plan_23(rd):
    return rd.root / "tieu-chi.yaml"


# --- selects ---------------------------------------------------------------------------


def test_selects_min(tmp_path):
    rd = round_individuals_only(tmp_path)
    no(rd.report().findings, "round.too_few")
    edit(plan_23(rd), "individual: {min: 1}", "individual: {min: 2}")
    f = find(rd.report().findings, "round.too_few")
    assert "ít nhất 02 cá nhân" in f.text("vi") and "tập thể" not in f.text("vi") and f.clause == "Điều 5"


# --- combine, per kind and per track ------------------------------------------------------


def test_kind_combine_all(tmp_path):
    rd = round_individuals_only(tmp_path)
    assert rd.report().verdict("ho-thi-hoa").eligible                   # 2 of 3
    edit(plan_23(rd), "combine: 2 of 3", "combine: all")
    assert rd.report().verdict("ho-thi-hoa").eligible is False          # awards missing
    edit(plan_23(rd), "combine: all", "combine: any")
    assert rd.report().verdict("ho-thi-hoa").eligible


def test_track_combine_any_inside_a_track(tmp_path):
    rd = round_2026(tmp_path)
    rd.edit("candidates/ho-thi-hoa.yaml", "2024: HTXSNV", "2024: HTTNV")   # ratings fail, initiatives hold
    assert rd.report().verdict("ho-thi-hoa").eligible is False
    edit(plan_2100(tmp_path), "      combine: all\n      criteria:\n        - type: ratings",
         "      combine: 2 of 3\n      criteria:\n        - type: ratings")
    v = rd.report().verdict("ho-thi-hoa")
    assert v.eligible and v.tracks["thanh-tich"]


# --- windows ------------------------------------------------------------------------------


@pytest.mark.parametrize("day, ok", [("2025-12-31", False), ("2026-01-01", True)])
def test_award_window_is_the_plan_window_by_default(tmp_path, day, ok):
    rd = round_2026(tmp_path)
    rd.edit("candidates/co-so-vinh.yaml", "date: 2026-01-20", f"date: {day}")
    rd.edit("candidates/co-so-vinh.yaml", "plan: 9000", "plan: 9999")         # targets missed: awards alone
    v = rd.report().verdict("co-so-vinh")
    assert v.tracks["khen-thuong"] is ok and v.eligible is ok


def test_criterion_window_overrides_the_plan_window(tmp_path):
    rd = round_2026(tmp_path)
    assert rd.report().verdict("ho-thi-hoa").tracks["thanh-tich"]           # 2024-2026 counted
    edit(plan_2100(tmp_path), "window: {first_year: 2024, last_year: 2030}", "window: {first_year: 2025, last_year: 2030}")
    assert not rd.report().verdict("ho-thi-hoa").tracks["thanh-tich"]       # only 2025-2026: 2 < 3


def test_initiative_window(tmp_path):
    rd = round_2026(tmp_path)
    rd.edit("candidates/ho-thi-hoa.yaml", "date: 2026-05-10", "date: 2025-12-31")
    v = rd.report().verdict("ho-thi-hoa")
    assert not v.tracks["thanh-tich"] and find(v.findings, "track.thanh-tich.initiatives").clause == "Mục 2.1.b"
    edit(plan_2100(tmp_path), "          clause: Mục 2.1.b\n", "          clause: Mục 2.1.b\n          window: any\n")
    assert rd.report().verdict("ho-thi-hoa").tracks["thanh-tich"]


# --- criterion parameters ---------------------------------------------------------------------


def test_ratings_years(tmp_path):
    rd = round_2026(tmp_path)
    rd.edit("candidates/ho-thi-hoa.yaml", "2024: HTXSNV", "2024: HTTNV")
    assert not rd.report().verdict("ho-thi-hoa").tracks["thanh-tich"]
    edit(plan_2100(tmp_path), "          years: 3\n", "          years: 2\n")
    assert rd.report().verdict("ho-thi-hoa").tracks["thanh-tich"]


def test_ratings_rating(tmp_path):
    rd = round_2026(tmp_path)
    edit(plan_2100(tmp_path), "          years: 3\n", "          years: 3\n          rating: HTTNV\n")
    assert not rd.report().verdict("ho-thi-hoa").tracks["thanh-tich"]


@pytest.mark.parametrize("minimum, ok", [(1, True), (2, False)])
def test_initiatives_min(tmp_path, minimum, ok):
    rd = round_2026(tmp_path)
    edit(plan_2100(tmp_path), "          clause: Mục 2.1.b\n          min: 1", f"          clause: Mục 2.1.b\n          min: {minimum}")
    assert rd.report().verdict("ho-thi-hoa").tracks["thanh-tich"] is ok


@pytest.mark.parametrize("below, warned", [(1, False), (2, True)])
def test_initiatives_warn_below(tmp_path, below, warned):
    rd = round_2026(tmp_path)
    edit(plan_2100(tmp_path), "          clause: Mục 2.1.b\n", f"          clause: Mục 2.1.b\n          warn_below: {below}\n")
    findings = rd.report().verdict("ho-thi-hoa").findings
    assert ("initiatives.few" in [f.code for f in findings]) is warned


def test_activities_min(round_dir):
    from test_rules import PERFORMANCE
    round_dir.write("candidates/binh.yaml", PERFORMANCE)
    round_dir.set_votes(an=4, phong_thu=4, binh=4)
    assert round_dir.report().verdict("binh").tracks["performance"]
    round_dir.edit("candidates/binh.yaml", "activities:\n  - Giải Nhì Hội thi cán bộ giỏi\n", "")
    v = round_dir.report().verdict("binh")
    assert not v.tracks["performance"] and find(v.findings, "track.performance.activities")


def test_targets_years(tmp_path):
    rd = round_2026(tmp_path)
    assert rd.report().verdict("co-so-vinh").tracks["thanh-tich"]
    edit(plan_2100(tmp_path), "          clause: Mục 2.2.a\n          years: 1", "          clause: Mục 2.2.a\n          years: 2")
    assert not rd.report().verdict("co-so-vinh").tracks["thanh-tich"]


@pytest.mark.parametrize("form, ok", [("khiển trách", False), ("hạ bậc lương", True)])
def test_discipline_forms_of_a_criterion(tmp_path, form, ok):
    """The individual's own list (khiển trách, cảnh cáo, cách chức, buộc thôi việc), not discipline.disqualifying."""
    rd = round_2026(tmp_path)
    rd.edit("candidates/ho-thi-hoa.yaml", "2026: HTXSNV", "2026: HTTNV")      # by the awards track alone
    rd.append("candidates/ho-thi-hoa.yaml", f"""\
        awards:
          - year: 2026
            title: Bằng khen của Giám đốc Bảo hiểm xã hội Việt Nam
            decision: {{number: 5/QĐ-BHXH, date: 2026-02-01, issuer: Giám đốc Bảo hiểm xã hội Việt Nam}}
        discipline:
          - {{year: 2026, form: {form}}}
        """)
    v = rd.report().verdict("ho-thi-hoa")
    assert v.eligible is ok and v.tracks["khen-thuong"] is ok


@pytest.mark.parametrize("form, ok", [("khiển trách", False), ("hạ bậc lương", False)])
def test_discipline_default_list_is_discipline_disqualifying(tmp_path, form, ok):
    rd = round_2026(tmp_path)
    rd.edit("candidates/co-so-vinh.yaml", "awards:", f"staff_discipline:\n  - {{year: 2026, person: Ông X, form: {form}}}\nawards:")
    v = rd.report().verdict("co-so-vinh")
    assert v.tracks["thanh-tich"] is ok and v.eligible
    f = find(v.findings, "awards.with_discipline")                 # warn_when_eligible
    assert f.severity is Severity.WARNING and "Mục 2.2.b" in f.text("vi")


def test_awards_qualifying_and_min(tmp_path):
    rd = round_2026(tmp_path)
    rd.edit("candidates/co-so-vinh.yaml", "plan: 9000", "plan: 9999")
    assert rd.report().verdict("co-so-vinh").eligible
    edit(plan_2100(tmp_path), "qualifying: [co-thi-dua-bhxh, huan-chuong, bk-thu-tuong]",
         "qualifying: [co-thi-dua-bhxh, huan-chuong, bk-thu-tuong]\n          min: 2")
    assert rd.report().verdict("co-so-vinh").eligible is False
    edit(plan_2100(tmp_path), "          min: 2\n", "")
    edit(plan_2100(tmp_path), "qualifying: [co-thi-dua-bhxh, huan-chuong", "qualifying: [huan-chuong")
    v = rd.report().verdict("co-so-vinh")
    assert v.eligible is False and "Mục 2.2.c" in find(v.findings, "track.khen-thuong.awards").text("vi")


# --- approval ------------------------------------------------------------------------------


@pytest.mark.parametrize("strict, ok", [("false", True), ("true", False)])
def test_approval_strictly_above_at_exactly_the_threshold(tmp_path, strict, ok):
    rd = round_2026(tmp_path)
    rd.edit("submission.yaml", "ho-thi-hoa: 5", "ho-thi-hoa: 4")       # 4/6 = 2/3
    edit(plan_2100(tmp_path), "strictly_above: false", f"strictly_above: {strict}")
    assert rd.report().verdict("ho-thi-hoa").approved is ok


@pytest.mark.parametrize("base, approval", [("members", 0.5), ("present", 0.6), ("valid_ballots", 0.75)])
def test_approval_base(tmp_path, base, approval):
    rd = round_2026(tmp_path)
    rd.edit("submission.yaml", "council_role: Ủy viên, present: true}\n    - {name: Đặng",
            "council_role: Ủy viên, present: false, written_opinion: true}\n    - {name: Đặng")
    rd.edit("submission.yaml", "ballots: {issued: 6, returned: 6, valid: 6}", "ballots: {issued: 5, returned: 5, valid: 4}")
    rd.edit("submission.yaml", "ho-thi-hoa: 5", "ho-thi-hoa: 3")
    rd.edit("submission.yaml", "co-so-vinh: 6", "co-so-vinh: 4")
    edit(plan_2100(tmp_path), "base: members", f"base: {base}")
    edit(plan_2100(tmp_path), "threshold: 2/3", "threshold: 0.6")
    v = rd.report().verdict("ho-thi-hoa")
    assert v.approval == approval and v.approved is (approval >= 0.6)


def test_threshold_as_percent_and_default_words(tmp_path):
    rd = round_2026(tmp_path)
    edit(plan_2100(tmp_path), "    words: {vi: ít nhất 2/3, en: at least 2/3}\n", "")
    edit(plan_2100(tmp_path), "threshold: 2/3", "threshold: 90%")
    v = rd.report().verdict("ho-thi-hoa")
    assert "chưa đạt từ 90% tổng số thành viên Hội đồng" in find(v.findings, "votes.below_threshold").text("vi")


# --- leaders --------------------------------------------------------------------------------


def test_leader_note_only_when_the_profile_has_one(tmp_path):
    rd = round_2026(tmp_path)
    rd.append("candidates/ho-thi-hoa.yaml", "leader: true\n")
    f = find(rd.report().verdict("ho-thi-hoa").findings, "leader.qualities")
    assert "Mục 2.1, gạch đầu dòng cuối" in f.text("vi") and "II.2.b" not in f.text("vi")
    rd2 = round_individuals_only(tmp_path / "b")
    rd2.append("candidates/ho-thi-hoa.yaml", "leader: true\n")
    no(rd2.report().verdict("ho-thi-hoa").findings, "leader.qualities")


# --- the older format ---------------------------------------------------------------------------


def test_profile_in_the_older_format_gives_the_same_verdicts(tmp_path):
    folder = tmp_path / "r"
    shutil.copytree(SAMPLE_ROUND, folder)
    shutil.copy(PLANS / "legacy-format.yaml", folder / "legacy.yaml")
    new = evaluate(load_round(folder))
    text = (folder / "submission.yaml").read_text(encoding="utf-8").replace("plan: 1935/KH-BHXH", "plan: legacy.yaml")
    (folder / "submission.yaml").write_text(text, encoding="utf-8")
    old = evaluate(load_round(folder))
    assert old.profile.source.name == "legacy.yaml"
    assert [(v.id, v.eligible, v.tracks, v.approved) for v in old.verdicts] == \
           [(v.id, v.eligible, v.tracks, v.approved) for v in new.verdicts]
    p = load_profile_file(PLANS / "legacy-format.yaml")
    assert p.council.approval.threshold == 0.5 and p.council.approval.strictly_above
    assert [c.type for c in p.criteria_of("collective")] == ["targets", "initiatives", "discipline", "awards"]


def test_every_key_is_documented():
    """docs/plan-profile.md names every key a profile may have."""
    from pathlib import Path

    from pydantic import BaseModel

    from dhtt_docs.rules import profile as pm

    doc = (Path(__file__).resolve().parents[2] / "docs" / "plan-profile.md").read_text(encoding="utf-8")
    seen, missing = set(), []

    def walk(model):
        if model in seen:
            return
        seen.add(model)
        for name, f in model.model_fields.items():
            if name not in ("vi", "en") and f"`{name}" not in doc and f".{name}`" not in doc \
                    and f"{name}:" not in doc:
                missing.append(f"{model.__name__}.{name}")
            for arg in [f.annotation, *getattr(f.annotation, "__args__", ())]:
                for inner in [arg, *getattr(arg, "__args__", ())]:
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        walk(inner)

    walk(pm.Profile)
    assert not missing, missing
