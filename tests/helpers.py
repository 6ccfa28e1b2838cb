"""Helpers that test files of several packages use (pytest's pythonpath is just ["tests"]).

Zip rewriting (tampering with a bag), template doctoring, DOCX making, and
filling the Excel workbook as a user would.
"""

from __future__ import annotations

import re
import json
import signal
import unicodedata
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import click
from click.testing import CliRunner
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from dhtt_docs.cli import cli
from dhtt_docs.excel.layout import (
    SHEET_COLLECTIVES,
    SHEET_DISCIPLINE,
    SHEET_HONOURS,
    SHEET_INDIVIDUALS,
    SHEET_INITIATIVES,
    SHEET_TARGETS,
)
from dhtt_docs.rules.profile import load_profile

PROFILE = load_profile()

# --- zips and DOCX -----------------------------------------------------------------------


def ctrl_c_as_at_a_terminal() -> None:
    """``preexec_fn`` for a child that must get Ctrl-C as from a terminal. A suite started in the
    background (a shell's ``&``, a CI runner that ignores SIGINT) has SIGINT ignored, and children inherit
    that: they would rightly ignore Ctrl-C too, and the test would measure nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def rewrite(src: Path, dst: Path, *, drop=(), replace=None, add=None) -> Path:
    """Copy a zip, dropping, replacing or adding entries (to simulate tampering)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            if info.filename in drop:
                continue
            zout.writestr(info, replace.get(info.filename, zin.read(info)))
        for name, data in add.items():
            zout.writestr(name, data)
    return dst


def doctor(src: Path, dest: Path, old: str, new: str) -> Path:
    """A copy of a template with one text replaced in word/document.xml."""
    with zipfile.ZipFile(src) as z:
        items = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = items["word/document.xml"].decode("utf-8")
    assert old in xml, old
    items["word/document.xml"] = xml.replace(old, new, 1).encode("utf-8")
    dest.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(dest, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    return dest


VN_TEXT = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam – Độc lập, Tự do, Hạnh phúc; "
    "Nguyễn Thị Ánh Tuyết, Huân chương Lao động hạng Ba"
)


def make_docx(path: Path, text: str = VN_TEXT) -> Path:
    """A one-paragraph DOCX in Times New Roman (as the real templates use)."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Times New Roman")
    run = doc.add_paragraph().add_run(text)
    run.font.name = "Times New Roman"
    doc.save(path)
    return path


# --- the Excel workbook, filled as a user would ------------------------------------------


def _headers(ws) -> dict[str, str]:
    """Header without the '*' -> column letter."""
    return {str(c.value).rstrip(" *"): c.column_letter for c in ws[1] if c.value}


def put(ws, row: int, values: dict[str, object]) -> None:
    """Type values into a row by column header, as a user fills the sheet."""
    cols = _headers(ws)
    for header, value in values.items():
        ws[f"{cols[header]}{row}"] = value


NFD_NAME = unicodedata.normalize("NFD", "Lê Văn Hùng")     # typed on a Mac
ACHIEVEMENTS = "Giải quyết 4.318 hồ sơ, tỷ lệ trước hạn 96,4%:\n- Lập bảng kiểm;\n- Trả lời 612 câu hỏi."


def _fill_workbook(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    put(wb[SHEET_INDIVIDUALS], 2, {
        "Họ và tên": "Nguyễn Thị Thu Trang", "Giới tính": "Nữ", "Ngày sinh": datetime(1988, 3, 14),
        "Dân tộc": "Kinh", "Tôn giáo": "Không", "Quê quán": "xã Hoằng Đạo, huyện Hoằng Hóa, tỉnh Thanh Hóa",
        "Trú quán": "phường Đông Hương, thành phố Thanh Hóa", "Đơn vị công tác": "Phòng Chế độ bảo hiểm xã hội, "
        "Bảo hiểm xã hội tỉnh Quảng Trị", "Chức vụ": "Chuyên viên", "Lý luận chính trị": "Trung cấp",
        "Trình độ chuyên môn": "Cử nhân Kinh tế lao động",
        "Quyền hạn, nhiệm vụ được giao": "Giải quyết hồ sơ hưởng chế độ hưu trí.\nTư vấn chính sách.",
        "Thành tích đạt được": ACHIEVEMENTS,
        "Hoạt động đoàn thể, phong trào": "- Giải Ba Hội thi \"Tư vấn viên giỏi\" năm 2023\n- Ủy viên Ban Chấp hành "
                                          "Công đoàn cơ sở",
        "Xếp loại 2021": "hoàn thành tốt nhiệm vụ", "Xếp loại 2022": "HTXSNV",
        "Xếp loại 2023": "Hoàn thành xuất sắc nhiệm vụ",
    })
    put(wb[SHEET_INDIVIDUALS], 4, {          # a blank row 3 in between is skipped
        "Mã": "le-van-hung", "Họ và tên": NFD_NAME, "Giới tính": "Nam", "Ngày sinh": "21/11/1976",
        "Quê quán": "xã Quảng Tâm, tỉnh Thanh Hóa", "Đơn vị công tác": "Phòng Quản lý thu, Bảo hiểm xã hội tỉnh "
        "Quảng Trị", "Chức vụ": "Trưởng phòng", "Lãnh đạo, quản lý": "Có", "Tập thể đứng đầu": "Phòng Quản lý thu",
        "Quyền hạn, nhiệm vụ được giao": "Phụ trách công tác thu.", "Thành tích đạt được": "Vượt kế hoạch thu.",
    })
    put(wb[SHEET_COLLECTIVES], 2, {
        "Tên tập thể": "Phòng Quản lý thu", "Cơ quan cấp trên trực tiếp": "Bảo hiểm xã hội tỉnh Quảng Trị",
        "Họ tên người đứng đầu": NFD_NAME, "Chức vụ người đứng đầu": "Trưởng phòng",
        "Điện thoại": "0233 3852 614", "Số cán bộ": 18, "Đặc điểm, tình hình": "Phòng có 18 công chức.",
        "Chức năng, nhiệm vụ": "Tham mưu công tác thu.", "Thành tích đạt được": "Hoàn thành vượt mức kế hoạch.",
    })
    hon = wb[SHEET_HONOURS]
    put(hon, 2, {"Mã hoặc tên ứng viên": "nguyen-thi-thu-trang", "Loại": "Danh hiệu thi đua", "Năm": 2023,
                 "Tên danh hiệu, hình thức khen thưởng": "Chiến sỹ thi đua cơ sở", "Số quyết định": "15/QĐ-BHXH",
                 "Ngày quyết định": datetime(2024, 1, 10),
                 "Cơ quan ban hành": "Giám đốc Bảo hiểm xã hội tỉnh Quảng Trị"})
    put(hon, 3, {"Mã hoặc tên ứng viên": "Lê Văn Hùng", "Loại": "Hình thức khen thưởng", "Năm": "2022",
                 "Tên danh hiệu, hình thức khen thưởng": "Bằng khen của Tổng Giám đốc Bảo hiểm xã hội Việt Nam",
                 "Số quyết định": "3120/QĐ-BHXH", "Ngày quyết định": "26/12/2022",
                 "Cơ quan ban hành": "Tổng Giám đốc Bảo hiểm xã hội Việt Nam"})
    put(hon, 4, {"Mã hoặc tên ứng viên": "phong-quan-ly-thu", "Loại": "Hình thức khen thưởng",
                 "Tên danh hiệu, hình thức khen thưởng": "Bằng khen của Thủ tướng Chính phủ",
                 "Số quyết định": "99/QĐ-TTg", "Ngày quyết định": "2023-03-01",
                 "Cơ quan ban hành": "Thủ tướng Chính phủ"})
    ini = wb[SHEET_INITIATIVES]
    put(ini, 2, {"Mã hoặc tên ứng viên": "Nguyễn Thị Thu Trang", "Tên sáng kiến, giải pháp": "Bảng kiểm đối chiếu "
                 "quá trình đóng", "Số quyết định công nhận": "412/QĐ-BHXH", "Ngày quyết định": date(2022, 11, 18),
                 "Cơ quan công nhận": "Giám đốc Bảo hiểm xã hội tỉnh Quảng Trị"})
    put(ini, 3, {"Mã hoặc tên ứng viên": "phong-quan-ly-thu", "Tên sáng kiến, giải pháp": "Tổ dịch vụ thu tại thôn"})
    tgt = wb[SHEET_TARGETS]
    put(tgt, 2, {"Mã hoặc tên tập thể": "phong-quan-ly-thu", "Năm": 2023, "Tên chỉ tiêu": "Số người tham gia "
                 "bảo hiểm xã hội bắt buộc", "Đơn vị tính": "người", "Kế hoạch": "241.500", "Thực hiện": 245312})
    put(tgt, 3, {"Mã hoặc tên tập thể": "phong-quan-ly-thu", "Năm": 2023, "Tên chỉ tiêu": "Tỷ lệ nợ",
                 "Đơn vị tính": "%", "Kế hoạch": "1,8", "Thực hiện": 1.62, "Đánh giá": "Càng thấp càng tốt"})
    put(wb[SHEET_DISCIPLINE], 2, {"Mã hoặc tên ứng viên": "phong-quan-ly-thu", "Năm": 2023,
                                  "Người bị kỷ luật": "Nguyễn Văn Tiến", "Hình thức kỷ luật": "Khiển trách"})
    wb.save(path)


def _one_individual(path: Path, **changes) -> None:
    wb = openpyxl.load_workbook(path)
    values = {"Họ và tên": "Nguyễn Văn An", "Giới tính": "Nam", "Ngày sinh": "12/05/1980",
              "Quê quán": "xã Gio Linh, tỉnh Quảng Trị", "Đơn vị công tác": "Phòng Quản lý thu",
              "Chức vụ": "Trưởng phòng", "Quyền hạn, nhiệm vụ được giao": "Phụ trách công tác thu.",
              "Thành tích đạt được": "Hoàn thành xuất sắc nhiệm vụ."}
    values.update(changes)
    put(wb[SHEET_INDIVIDUALS], 7, values)
    wb.save(path)


# --- English messages (--lang en) --------------------------------------------------------

VIETNAMESE_WORDS = ("hãy", "tệp", "trường", "không", "được", "của", "cần", "dòng")

_QUOTED = re.compile(r"(?<!\w)'[^']*'(?!\w)")       # 'value', not the apostrophe of "file's"



def unquoted(message: str) -> str:
    """The message without its quoted values (they are the user's own, often Vietnamese)."""
    return _QUOTED.sub("''", message)



def assert_english(message: str, *words: str) -> None:
    """`message` contains every English fragment in `words` and no Vietnamese word outside quotes."""
    message = str(message)   # a finding's Text, in the chosen language
    for word in words:
        assert word in message, (word, message)
    text = unicodedata.normalize("NFC", unquoted(message)).lower()
    found = [w for w in VIETNAMESE_WORDS if w in text]
    assert not found, (found, message)


# --- the command line in English ------------------------------------------------------------

CLI_VIETNAMESE = ("hãy", "tệp", "trường", "không", "được", "của", "cần", "thành viên")

RULES_CODES = re.compile(r"^(award|rating|track|initiatives?|target|discipline|awards|plan|verdict|leader|round|"
                         r"council|ballots|votes|meeting)\.")



def cli_run(*args, env: dict | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)



def strip_values(text: str, names=()) -> str:
    """The text without what the user typed: quoted values and the given names."""
    text = click.unstyle(text)
    text = re.sub(r"'[^']*'", "''", text)
    text = re.sub(r'"[^"]*"', '""', text)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "<name>")
    return text



def assert_english_text(text: str, names=()) -> None:
    bare = strip_values(text, names).lower()
    found = [w for w in CLI_VIETNAMESE if w in bare]
    assert not found, f"Vietnamese {found} in: {text!r}"



def candidate_names(folder: Path) -> list[str]:
    data = json.loads(cli_run("--lang", "en", "validate", folder, "--format", "json").stdout)
    return [c["name"] for c in data["candidates"]]



def rules_messages(data: dict) -> list[dict]:
    found = [f for c in data["candidates"] for f in c["findings"]] + data["findings"]
    return [f for f in found if RULES_CODES.match(f["code"] or "")]



_PLAIN = str.maketrans({"\u00a0": " ", "\u2011": "-", "\u201c": '"', "\u201d": '"'})


def plain(text: str) -> str:
    """A document's text without its typography (no-break spaces and hyphens, typographic quotes)."""
    return text.translate(_PLAIN)


def live_soffice(marker: str) -> list[int]:
    """Live (not zombie) LibreOffice processes whose command line names `marker` (a profile or folder)."""
    import os

    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace")
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if "soffice" in cmd and marker in cmd and state != "Z":
                found.append(int(pid))
    return found
