"""The Danh sách (Phụ lục attached to the Tờ trình): its title and its columns, defined once.

danh-sach.docx (drawn by tools/make_templates.py) and danh-sach.xlsx
(excel/, `write_danh_sach_xlsx`) both take their title and column headings
from here, so the two files say the same thing in the same words.

Rows come from the context (documents/context.py, ``proposed.groups``):
collectives first, then individuals; within each group in the order of
``council.votes`` in submission.yaml (the order the user typed), candidates
without a vote after them in file order.
"""

from __future__ import annotations

from dataclasses import dataclass

TITLE = "DANH SÁCH {kinds} ĐỀ NGHỊ {proposal}"
BOTH_KINDS = "TẬP THỂ, CÁ NHÂN"
SHARE = "Tỷ lệ so với {base} (%)"       # the share column: what the plan counts the votes on


def title(proposal_upper: str, kinds_upper: str = BOTH_KINDS) -> str:
    """The title line: 'DANH SÁCH TẬP THỂ, CÁ NHÂN ĐỀ NGHỊ CÔNG NHẬN ...' ('CÁ NHÂN' alone for a plan of individuals)."""
    return TITLE.format(kinds=kinds_upper, proposal=proposal_upper)


def kinds_upper(individuals: bool, collectives: bool) -> str:
    """'TẬP THỂ, CÁ NHÂN', or the one kind a plan selects."""
    return BOTH_KINDS if individuals == collectives else ("CÁ NHÂN" if individuals else "TẬP THỂ")


def headings(base: str) -> list[str]:
    """The column headings, the share column counted on `base` ('tổng số thành viên Hội đồng', ...)."""
    return [SHARE.format(base=base) if c.key == "percent" else c.heading for c in COLUMNS]


@dataclass(frozen=True)
class Column:
    key: str              # the row's field in proposed.groups[].rows[]
    heading: str
    docx_cm: float | None  # width in the landscape DOCX; None = the rest of the line
    xlsx_width: float     # Excel column width (characters)


COLUMNS: tuple[Column, ...] = (
    Column("stt", "STT", 1.3, 6),
    Column("name", "Tên tập thể, họ và tên cá nhân", 4.8, 28),
    Column("post_unit", "Chức vụ, đơn vị công tác", 5.6, 36),
    Column("basis", "Tiêu chuẩn đạt được", None, 60),
    Column("votes", "Số phiếu đồng ý", 2.2, 12),
    Column("percent", SHARE.format(base="tổng số thành viên Hội đồng"), 2.8, 16),
)

HEADINGS = [c.heading for c in COLUMNS]
EMPTY = "Không có tập thể, cá nhân nào được đề nghị."
