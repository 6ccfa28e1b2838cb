"""The plan's rules, each tested on both sides of its boundary."""

from __future__ import annotations

import pytest

from dhtt_docs.findings import Severity


def verdict(rd, cid):
    rep = rd.report()
    v = rep.verdict(cid)
    assert v is not None
    return rep, v


def find(findings, code):
    hits = [f for f in findings if f.code == code]
    assert hits, f"no {code} in {[f.code for f in findings]}"
    return hits[0]


def no(findings, code):
    assert code not in [f.code for f in findings]


# --- the base round is clean -------------------------------------------------


def test_base_round_is_eligible_and_clean(round_dir):
    rep = round_dir.report()
    assert rep.ok, [f.message for f in rep.all_findings()]
    an, thu = rep.verdict("an"), rep.verdict("phong-thu")
    assert an.eligible and an.tracks == {"performance": False, "awards": True}
    assert thu.eligible and thu.tracks == {"performance": False, "awards": True}
    assert an.approval == 1.0 and an.votes == 4


# --- window: decision year 2020-12-31 vs 2021-01-01 ---------------------------


@pytest.mark.parametrize("day, eligible", [("2020-12-31", False), ("2021-01-01", True),
                                            ("2025-12-31", None)])
def test_award_window_boundary(round_dir, day, eligible):
    round_dir.edit("candidates/an.yaml", "date: 2022-12-28", f"date: {day}")
    if eligible is None:  # after the Tờ trình date: an error of its own
        round_dir.edit("submission.yaml", "date: 2024-11-25", "date: 2025-12-31")
        round_dir.edit("submission.yaml", "year: 2024", "year: 2025")
        rep, v = verdict(round_dir, "an")
        assert v.eligible
        return
    rep, v = verdict(round_dir, "an")
    assert v.eligible is eligible
    assert v.tracks["awards"] is eligible
    if not eligible:
        f = find(v.findings, "track.awards")
        assert f.severity is Severity.ERROR and f.clause == "II.2.b"
        assert "ngoài thời gian 2021-2025" in f.message and "31/12/2020" in f.message
        assert f.file == "candidates/an.yaml" and f.line == 13 and f.key == "awards"


def test_decision_after_submission_date_is_error(round_dir):
    round_dir.edit("candidates/an.yaml", "date: 2022-12-28", "date: 2024-11-26")
    rep, v = verdict(round_dir, "an")
    f = find(v.findings, "award.after_submission")
    assert f.severity is Severity.ERROR and f.key == "awards[0].decision.date" and f.line == 16
    assert not v.tracks["awards"]


# --- individual track A: consecutive HTXSNV years -------------------------------


PERFORMANCE = """\
kind: cá nhân
full_name: Trần Thị Bình
gender: Nữ
birth_date: 1985-02-01
hometown: Đông Hà
unit: Phòng Chế độ, Bảo hiểm xã hội tỉnh Quảng Trị
position: Chuyên viên
duties: Giải quyết chế độ.
achievements: Tốt.
ratings:
  2021: hoàn thành tốt nhiệm vụ
  2022: hoàn thành xuất sắc nhiệm vụ
  2023: HTXSNV
initiatives:
  - title: Giải pháp A
    recognition: {number: 1/QĐ-BHXH, date: 2023-03-10, issuer: Giám đốc}
  - title: Giải pháp B
    recognition: {number: 2/QĐ-BHXH, date: 2023-03-10, issuer: Giám đốc}
activities:
  - Giải Nhì Hội thi cán bộ giỏi
"""


@pytest.fixture
def perf(round_dir):
    round_dir.write("candidates/binh.yaml", PERFORMANCE)
    round_dir.set_votes(an=4, phong_thu=4, binh=4)
    return round_dir


def test_two_consecutive_excellent_years_hold(perf):
    rep, v = verdict(perf, "binh")
    assert v.tracks == {"performance": True, "awards": False} and v.eligible
    assert rep.ok


def test_two_separated_excellent_years_fail(perf):
    perf.edit("candidates/binh.yaml", "2021: hoàn thành tốt nhiệm vụ", "2021: hoàn thành xuất sắc nhiệm vụ")
    perf.edit("candidates/binh.yaml", "2022: hoàn thành xuất sắc nhiệm vụ", "2022: HTTNV")
    rep, v = verdict(perf, "binh")
    assert not v.eligible and not v.tracks["performance"]
    f = find(v.findings, "track.performance.ratings")
    assert f.severity is Severity.ERROR and f.clause == "II.2.b" and f.key == "ratings" and f.line == 10
    assert "2021, 2023" in f.message
    assert find(v.findings, "verdict.ineligible").severity is Severity.ERROR
    assert not rep.ok


def test_excellent_years_outside_window_do_not_count(perf):
    perf.edit("candidates/binh.yaml", "2021: hoàn thành tốt nhiệm vụ", "2019: HTXSNV\n  2020: HTXSNV\n  2021: HTTNV")
    perf.edit("candidates/binh.yaml", "2023: HTXSNV", "2023: HTTNV")
    rep, v = verdict(perf, "binh")
    assert not v.tracks["performance"]


def test_one_initiative_warns_but_holds(perf):
    perf.edit("candidates/binh.yaml", """  - title: Giải pháp B
    recognition: {number: 2/QĐ-BHXH, date: 2023-03-10, issuer: Giám đốc}
""", "")
    rep, v = verdict(perf, "binh")
    assert v.tracks["performance"]
    f = find(v.findings, "initiatives.few")
    assert f.severity is Severity.WARNING and f.clause == "II.2.b" and f.key == "initiatives" and f.line == 14


def test_no_initiative_fails_track_a(perf):
    perf.edit("candidates/binh.yaml", """initiatives:
  - title: Giải pháp A
    recognition: {number: 1/QĐ-BHXH, date: 2023-03-10, issuer: Giám đốc}
  - title: Giải pháp B
    recognition: {number: 2/QĐ-BHXH, date: 2023-03-10, issuer: Giám đốc}
""", "")
    rep, v = verdict(perf, "binh")
    assert not v.eligible
    assert find(v.findings, "track.performance.initiatives").key == "initiatives"


def test_no_activity_fails_track_a(perf):
    perf.edit("candidates/binh.yaml", "activities:\n  - Giải Nhì Hội thi cán bộ giỏi\n", "")
    rep, v = verdict(perf, "binh")
    assert not v.eligible
    find(v.findings, "track.performance.activities")


def test_disciplined_excellent_year_is_error(perf):
    perf.append("candidates/binh.yaml", """
        discipline:
          - year: 2023
            form: khiển trách
        """)
    rep, v = verdict(perf, "binh")
    f = find(v.findings, "rating.disciplined_year")
    assert f.severity is Severity.ERROR and f.key == "ratings.2023" and f.line == 13
    assert not v.tracks["performance"]  # the year cannot count


def test_rating_after_round_year_is_error(perf):
    perf.edit("candidates/binh.yaml", "2023: HTXSNV", "2023: HTXSNV\n  2025: HTXSNV")
    rep, v = verdict(perf, "binh")
    f = find(v.findings, "rating.future")
    assert f.severity is Severity.ERROR and f.key == "ratings.2025" and f.line == 14


def test_unknown_rating_is_schema_error_with_hint(perf):
    perf.edit("candidates/binh.yaml", "2023: HTXSNV", "2023: hoàn thành xuất sắc nhiệm vu")
    rep, v = verdict(perf, "binh")
    f = v.findings[0]
    assert f.severity is Severity.ERROR and f.key == "ratings.2023" and f.line == 13
    assert "có phải 'hoàn thành xuất sắc nhiệm vụ'" in f.text()


# --- track B lists per kind ------------------------------------------------------


TGD = "Bằng khen của Tổng Giám đốc Bảo hiểm xã hội Việt Nam"


def test_tgd_award_counts_for_individual(round_dir):
    rep, v = verdict(round_dir, "an")
    assert v.tracks["awards"]
    assert any(TGD in b for b in v.basis)


def test_tgd_award_does_not_count_for_collective(round_dir):
    round_dir.edit("candidates/phong-thu.yaml", "title: Bằng khen của Thủ tướng Chính phủ", f"title: {TGD}")
    rep, v = verdict(round_dir, "phong-thu")
    assert not v.tracks["awards"] and not v.eligible
    f = find(v.findings, "track.awards")
    assert "chỉ tính cho cá nhân" in f.message and f.clause == "II.2.a"


@pytest.mark.parametrize("title", [
    "Huân chương Lao động hạng Ba", "huân chương  lao động hạng nhì", "Huân chương Bảo vệ Tổ quốc hạng Ba",
    "Chiến sỹ thi đua ngành BHXH Việt Nam", "Chiến sĩ thi đua ngành Bảo hiểm xã hội Việt Nam",
    "Bằng khen của Tổng Giám đốc BHXH Việt Nam", "Anh hùng Lao động", "Chiến sĩ thi đua toàn quốc",
])
def test_individual_qualifying_spellings(round_dir, title):
    round_dir.edit("candidates/an.yaml", f"title: {TGD}", f"title: {title}")
    rep, v = verdict(round_dir, "an")
    assert v.tracks["awards"], title
    no(v.findings, "award.unknown")


@pytest.mark.parametrize("title", ["Cờ thi đua của BHXH Việt Nam", "Cờ thi đua của Chính phủ",
                                   "Huân chương Lao động hạng Nhất"])
def test_collective_qualifying(round_dir, title):
    round_dir.edit("candidates/phong-thu.yaml", "title: Bằng khen của Thủ tướng Chính phủ", f"title: {title}")
    rep, v = verdict(round_dir, "phong-thu")
    assert v.tracks["awards"], title


def test_cstd_nganh_does_not_count_for_collective(round_dir):
    round_dir.edit("candidates/phong-thu.yaml", "title: Bằng khen của Thủ tướng Chính phủ",
                   "title: Chiến sĩ thi đua ngành Bảo hiểm xã hội Việt Nam")
    rep, v = verdict(round_dir, "phong-thu")
    assert not v.tracks["awards"]


def test_emulation_title_counts_like_an_award(round_dir):
    round_dir.edit("candidates/an.yaml", "awards:", "emulation_titles:")
    round_dir.edit("candidates/an.yaml", f"title: {TGD}", "title: Chiến sỹ thi đua ngành BHXH Việt Nam")
    rep, v = verdict(round_dir, "an")
    assert v.tracks["awards"]


def test_unknown_award_warns_with_closest_and_never_counts(round_dir):
    round_dir.edit("candidates/an.yaml", f"title: {TGD}", "title: Bằng khen của Tổng Giám đốc Bảo hiểm xã hội")
    rep, v = verdict(round_dir, "an")
    assert not v.tracks["awards"]
    f = find(v.findings, "award.unknown")
    assert f.severity is Severity.WARNING and f.key == "awards[0].title" and f.line == 15
    assert TGD in f.message


def test_non_qualifying_known_award_does_not_count(round_dir):
    round_dir.edit("candidates/an.yaml", f"title: {TGD}", "title: Bằng khen của Giám đốc BHXH tỉnh Quảng Trị")
    rep, v = verdict(round_dir, "an")
    assert not v.eligible
    no(v.findings, "award.unknown")


# --- collective track A ------------------------------------------------------------


TARGETS = """\
initiatives:
  - title: Mô hình thu qua bưu điện
    recognition: {number: 5/QĐ-BHXH, date: 2023-02-01, issuer: Giám đốc}
targets:
  - {year: 2022, name: Số người tham gia BHXH bắt buộc, unit: người, plan: 1000, actual: 1000}
  - {year: 2023, name: Số người tham gia BHXH bắt buộc, unit: người, plan: 1100, actual: 1150}
  - {year: 2023, name: Tỷ lệ nợ, unit: "%", plan: 1.5, actual: 1.5, direction: at_most}
"""


@pytest.fixture
def coll(round_dir):
    text = COLLECTIVE_A = (round_dir.root / "candidates/phong-thu.yaml").read_text(encoding="utf-8")
    text = text.split("awards:")[0] + TARGETS
    round_dir.write("candidates/phong-thu.yaml", text)
    return round_dir


def test_collective_track_a_holds(coll):
    rep, v = verdict(coll, "phong-thu")
    assert v.tracks == {"performance": True, "awards": False}
    assert rep.ok


def test_at_most_target_missed(coll):
    coll.edit("candidates/phong-thu.yaml", "plan: 1.5, actual: 1.5", "plan: 1.5, actual: 1.6")
    rep, v = verdict(coll, "phong-thu")
    assert not v.eligible
    f = find(v.findings, "track.performance.target_missed")
    assert f.key == "targets[2]" and f.line == 14 and "2023" in f.message and "Tỷ lệ nợ" in f.message
    assert "1,6" in f.message


def test_at_least_target_missed_by_one(coll):
    coll.edit("candidates/phong-thu.yaml", "plan: 1000, actual: 1000", "plan: 1000, actual: 999")
    rep, v = verdict(coll, "phong-thu")
    assert not v.tracks["performance"]
    assert find(v.findings, "track.performance.target_missed").key == "targets[0]"


def test_one_target_year_is_not_enough(coll):
    coll.edit("candidates/phong-thu.yaml", "{year: 2022,", "{year: 2023,")
    rep, v = verdict(coll, "phong-thu")
    assert not v.tracks["performance"]
    find(v.findings, "track.performance.targets")


@pytest.mark.parametrize("form, holds", [("khiển trách", True), ("cảnh cáo", False), ("Cảnh  Cáo", False),
                                         ("hạ bậc lương", False), ("kéo dài thời hạn nâng lương", False),
                                         ("sa thải", False)])
def test_staff_discipline_boundary(coll, form, holds):
    coll.append("candidates/phong-thu.yaml", f"""
        staff_discipline:
          - year: 2022
            person: Nguyễn Văn X
            form: {form}
        """)
    rep, v = verdict(coll, "phong-thu")
    assert v.tracks["performance"] is holds
    if not holds:
        f = find(v.findings, "track.performance.discipline")
        assert f.key == "staff_discipline[0]" and "Nguyễn Văn X" in f.message


def test_discipline_before_window_does_not_disqualify(coll):
    coll.append("candidates/phong-thu.yaml", """
        staff_discipline:
          - {year: 2020, person: Nguyễn Văn X, form: cảnh cáo}
        """)
    rep, v = verdict(coll, "phong-thu")
    assert v.tracks["performance"]


def test_unknown_discipline_form_is_error(coll):
    coll.append("candidates/phong-thu.yaml", """
        staff_discipline:
          - {year: 2022, person: Nguyễn Văn X, form: canh cao}
        """)
    rep, v = verdict(coll, "phong-thu")
    f = find(v.findings, "discipline.unknown_form")
    assert f.severity is Severity.ERROR and "cảnh cáo" in f.message


def test_track_b_collective_with_serious_discipline_warns(round_dir):
    round_dir.append("candidates/phong-thu.yaml", """
        staff_discipline:
          - {year: 2023, person: Nguyễn Văn X, form: cảnh cáo}
        """)
    rep, v = verdict(round_dir, "phong-thu")
    assert v.eligible and v.tracks["awards"] and not v.tracks["performance"]
    assert find(v.findings, "awards.with_discipline").severity is Severity.WARNING


# --- leaders ---------------------------------------------------------------------------


def test_leader_gets_info_and_warning_when_collective_ineligible(round_dir):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng phòng\nleader: true\nleads: phong-thu")
    round_dir.edit("candidates/phong-thu.yaml", "title: Bằng khen của Thủ tướng Chính phủ", "title: Giấy khen")
    rep, v = verdict(round_dir, "an")
    assert find(v.findings, "leader.qualities").severity is Severity.INFO
    f = find(v.findings, "leader.collective_ineligible")
    assert f.severity is Severity.WARNING and f.key == "leads" and f.line == 9


def test_leader_of_eligible_collective_no_warning(round_dir):
    round_dir.edit("candidates/an.yaml", "position: Trưởng phòng", "position: Trưởng phòng\nleader: true\nleads: phong-thu")
    rep, v = verdict(round_dir, "an")
    no(v.findings, "leader.collective_ineligible")


# --- the round ---------------------------------------------------------------------------


@pytest.mark.parametrize("votes, ok", [(2, False), (3, True)])
def test_approval_threshold_at_and_above(round_dir, votes, ok):
    # 4 members: 2 votes = exactly 50% (not more than half), 3 = 75%
    round_dir.set_votes(an=votes, phong_thu=4)
    rep, v = verdict(round_dir, "an")
    assert v.approval == votes / 4
    assert v.approved is ok
    if not ok:
        f = find(v.findings, "votes.below_threshold")
        assert f.file == "submission.yaml" and f.key == "council.votes.an" and f.line == 25
        assert "50%" in f.message
    assert rep.ok is ok


def test_approval_counts_all_members_not_present(round_dir):
    round_dir.edit("submission.yaml", "council_role: Ủy viên thường trực, present: true",
                   "council_role: Ủy viên thường trực, present: false, written_opinion: true")
    round_dir.edit("submission.yaml", "{issued: 4, returned: 4, valid: 4}", "{issued: 3, returned: 3, valid: 3}")
    round_dir.set_votes(an=2, phong_thu=3)
    rep, v = verdict(round_dir, "an")
    assert v.approval == 0.5 and not v.approved  # 2 of 4 members, though 2 of 3 present


def test_round_without_collective_is_iii1_error(round_dir):
    (round_dir.root / "candidates/phong-thu.yaml").unlink()
    round_dir.set_votes(an=4)
    rep = round_dir.report()
    f = find(rep.findings, "round.too_few")
    assert f.clause == "III.1" and f.file == "submission.yaml" and f.severity is Severity.ERROR
    assert f.line == 1 and f.key == "council"
    assert "tập thể" in f.message


def test_round_without_individual_is_iii1_error(round_dir):
    (round_dir.root / "candidates/an.yaml").unlink()
    round_dir.set_votes(phong_thu=4)
    rep = round_dir.report()
    assert "cá nhân" in find(rep.findings, "round.too_few").message


def test_votes_and_files_must_match(round_dir):
    round_dir.set_votes(an=4, phong_thu_2=4)
    rep = round_dir.report()
    f = find(rep.findings, "votes.no_file")
    assert f.key == "council.votes.phong-thu-2" and f.line == 26 and "phong-thu" in f.message
    g = find(rep.verdict("phong-thu").findings, "votes.missing")
    assert g.severity is Severity.ERROR and g.file == "submission.yaml"


@pytest.mark.parametrize("ballots, code", [
    ("{issued: 4, returned: 5, valid: 4}", "ballots.returned_over_issued"),
    ("{issued: 4, returned: 3, valid: 4}", "ballots.valid_over_returned"),
    ("{issued: 5, returned: 4, valid: 4}", "ballots.issued_over_members"),
])
def test_ballot_arithmetic(round_dir, ballots, code):
    round_dir.edit("submission.yaml", "{issued: 4, returned: 4, valid: 4}", ballots)
    rep = round_dir.report()
    f = find(rep.findings, code)
    assert f.severity is Severity.ERROR and f.line == 23


def test_votes_above_valid_is_error(round_dir):
    round_dir.edit("submission.yaml", "{issued: 4, returned: 4, valid: 4}", "{issued: 4, returned: 4, valid: 3}")
    rep = round_dir.report()
    assert find(rep.verdict("an").findings, "votes.over_valid").key == "council.votes.an"


def test_absent_member_without_written_opinion_warns(round_dir):
    round_dir.edit("submission.yaml", "council_role: Ủy viên thường trực, present: true",
                   "council_role: Ủy viên thường trực, present: false")
    round_dir.edit("submission.yaml", "{issued: 4, returned: 4, valid: 4}", "{issued: 3, returned: 3, valid: 3}")
    round_dir.set_votes(an=3, phong_thu=3)
    rep = round_dir.report()
    f = find(rep.findings, "council.absent_no_opinion")
    assert f.severity is Severity.WARNING and f.key == "council.members[3]" and f.line == 22
    assert rep.ok


def test_meeting_end_before_start(round_dir):
    round_dir.edit("submission.yaml", "end: 2024-11-20 16:30", "end: 2024-11-20 13:30")
    f = find(round_dir.report().findings, "meeting.end_before_start")
    assert f.severity is Severity.ERROR and f.key == "council.meeting.end" and f.line == 14


def test_meeting_after_submission(round_dir):
    round_dir.edit("submission.yaml", "date: 2024-11-25", "date: 2024-11-19")
    f = find(round_dir.report().findings, "meeting.after_submission")
    assert f.severity is Severity.ERROR and f.key == "submission.date"


def test_unknown_plan_is_error(round_dir):
    round_dir.edit("submission.yaml", "plan: 1935/KH-BHXH", "plan: 9999/KH-BHXH")
    rep = round_dir.report()
    f = find(rep.findings, "plan.unknown")
    assert f.line == 1 and "1935/KH-BHXH" in f.message


def test_plan_defaults_to_1935(round_dir):
    round_dir.edit("submission.yaml", "plan: 1935/KH-BHXH\n", "")
    rep = round_dir.report()
    assert rep.ok and rep.profile.id == "1935/KH-BHXH"


def test_unknown_award_always_names_the_closest_known_one(round_dir):
    round_dir.edit("candidates/an.yaml", f"title: {TGD}", "title: Kỷ vật kháng chiến xyz")
    rep, v = verdict(round_dir, "an")
    f = find(v.findings, "award.unknown")
    assert "Tên gần nhất trong danh mục: '" in f.message
