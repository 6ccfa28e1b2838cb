"""Rounds judged by plans written as user files (tests/fixtures/plans), for the plan tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, RoundBuilder, dedent

PLANS = FIXTURES / "plans"

SUBMISSION_2026 = """\
plan: ../ke-hoach/2100-KH-BHXH.yaml
year: 2026
unit:
  parent: Bảo hiểm xã hội Việt Nam
  name: Bảo hiểm xã hội tỉnh Nghệ An
  code: BHXH
  place: Nghệ An
  head: {name: Trần Văn Quang, title: Giám đốc}
council:
  name: Hội đồng Thi đua - Khen thưởng Bảo hiểm xã hội tỉnh Nghệ An
  meeting:
    number: 2
    start: 2026-11-18 14:00
    end: 2026-11-18 16:00
    location: Phòng họp số 1
  chair: {name: Trần Văn Quang, title: Giám đốc, council_role: Chủ tịch Hội đồng}
  secretary: {name: Lê Thị Mai, title: Chuyên viên}
  members:
    - {name: Trần Văn Quang, title: Giám đốc, council_role: Chủ tịch Hội đồng, present: true}
    - {name: Hồ Thị Lan, title: Phó Giám đốc, council_role: Phó Chủ tịch Hội đồng, present: true}
    - {name: Nguyễn Văn Bình, title: Trưởng phòng Tổ chức, council_role: Ủy viên thường trực, present: true}
    - {name: Phan Thị Hà, title: Chánh Văn phòng, council_role: Ủy viên, present: true}
    - {name: Võ Văn Tâm, title: Giám đốc Bảo hiểm xã hội cơ sở Vinh, council_role: Ủy viên, present: true}
    - {name: Đặng Thị Thu, title: Chủ tịch Công đoàn, council_role: Ủy viên, present: true}
  ballots: {issued: 6, returned: 6, valid: 6}
  votes:
    ho-thi-hoa: 5
    co-so-vinh: 6
submission:
  number: 41
  date: 2026-11-25
  to:
    - Giám đốc Bảo hiểm xã hội Việt Nam
  legal_basis:
    - Căn cứ Nghị định số 152/2025/NĐ-CP ngày 14/6/2025 của Chính phủ quy định chi tiết một số điều của Luật Thi đua, khen thưởng
"""

HOA = """\
kind: individual
full_name: Hồ Thị Hoa
gender: Nữ
birth_date: 1986-04-02
hometown: xã Nghi Lộc, tỉnh Nghệ An
unit: Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Nghệ An
position: Chuyên viên chính
duties: Quản lý thu bảo hiểm xã hội.
achievements: Hoàn thành xuất sắc nhiệm vụ được giao.
ratings:
  2024: HTXSNV
  2025: HTXSNV
  2026: HTXSNV
initiatives:
  - title: Giải pháp nhắc nợ qua tin nhắn
    recognition: {number: 12/QĐ-BHXH, date: 2026-05-10, issuer: Giám đốc Bảo hiểm xã hội tỉnh Nghệ An}
"""

VINH = """\
kind: collective
name: Bảo hiểm xã hội cơ sở Vinh
parent: Bảo hiểm xã hội tỉnh Nghệ An
head: {name: Võ Văn Tâm, title: Giám đốc}
situation: Đơn vị có 30 viên chức.
functions: Thu, chi, cấp sổ thẻ trên địa bàn.
achievements: Hoàn thành vượt mức các chỉ tiêu.
targets:
  - {year: 2026, name: Số người tham gia bảo hiểm xã hội tự nguyện, unit: người, plan: 9000, actual: 9400}
awards:
  - year: 2026
    title: Cờ thi đua của Bảo hiểm xã hội Việt Nam
    decision: {number: 88/QĐ-BHXH, date: 2026-01-20, issuer: Giám đốc Bảo hiểm xã hội Việt Nam}
"""


def round_2026(tmp_path: Path) -> RoundBuilder:
    """A 2026 round whose plan is a user file beside the round folder (../ke-hoach/...)."""
    plans = tmp_path / "ke-hoach"
    plans.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLANS / "2100-KH-BHXH.yaml", plans / "2100-KH-BHXH.yaml")
    rd = RoundBuilder(tmp_path / "dot-2026")
    (rd.root / "candidates" / "an.yaml").unlink()
    (rd.root / "candidates" / "phong-thu.yaml").unlink()
    rd.write("submission.yaml", SUBMISSION_2026)
    rd.write("candidates/ho-thi-hoa.yaml", HOA)
    rd.write("candidates/co-so-vinh.yaml", VINH)
    return rd


def round_individuals_only(tmp_path: Path) -> RoundBuilder:
    """The same round under the individuals-only "2 of 3" programme (plan file inside the round folder)."""
    rd = round_2026(tmp_path)
    shutil.copy(PLANS / "ca-nhan-2-trong-3.yaml", rd.root / "tieu-chi.yaml")
    rd.edit("submission.yaml", "plan: ../ke-hoach/2100-KH-BHXH.yaml", "plan: tieu-chi.yaml")
    (rd.root / "candidates" / "co-so-vinh.yaml").unlink()
    rd.edit("submission.yaml", "    co-so-vinh: 6\n", "")
    return rd


def plan_copy(tmp_path: Path, name: str = "2100-KH-BHXH.yaml") -> Path:
    dest = tmp_path / name
    dest.write_text((PLANS / name).read_text(encoding="utf-8"), encoding="utf-8")
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


__all__ = ["round_2026", "round_individuals_only", "plan_copy", "edit", "line_of", "dedent", "PLANS"]
