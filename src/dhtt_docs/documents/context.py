"""The data a document template sees: plain dicts, lists and ready-made Vietnamese strings.

Templates (``templates/*.docx``, docxtpl/Jinja syntax) never format anything
themselves: every date, number, percentage, upper-case title and punctuation
is prepared here, so a user editing a template in Word only moves text around.
``VARIABLES`` below documents every variable; ``docs/template-variables.md``
is generated from it (``python tools/make_templates.py``), and the template
linter checks user templates against it.

Every document gets the round-level variables (``unit``, ``council``,
``plan``, ``submission``, ``meeting``, ``signature``, ``results``,
``proposed``, ``header``, ``place_date``, ``draft``, ``year``); the
achievement reports also get ``candidate``. ``header`` differs per document
(the issuer box at the top left).

Decisions worth knowing:

* The Biên bản is numbered in the council's own series with the code
  ``BB-HĐTĐKT``: "Số: 05/BB-HĐTĐKT" (NĐ 30: a council that uses the agency's
  seal keeps its own numbers). A missing number prints a blank to fill in.
* "Proposed" (đề nghị) means eligible by the plan's criteria AND approved by
  the council's vote; the Tờ trình counts and the Danh sách list only those.
  The Biên bản lists every candidate with "Đề nghị" / "Không đề nghị".
* Candidates are listed collectives first, then individuals, each in file
  order. A candidate file that could not be read has no data and is left out.
* Long issuer names are broken into two balanced lines (an explicit line
  break) so that the header box never ends with one orphaned word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from dhtt_docs.exceptions import DhttError
from dhtt_docs.rules.engine import Report, Verdict
from dhtt_docs.dossier.schema import Collective, Decision, Individual, Member, Submission
from dhtt_docs.dossier.yamlsource import clean_text
from dhtt_docs.vnformat import (
    doc_code,
    doc_number,
    format_date,
    format_date_short,
    format_datetime,
    format_number,
    format_percent,
    format_place_date,
    format_time,
)
from dhtt_docs.vocab import RATINGS

# Document type codes (NĐ 30, Phụ lục III) and the council's own code.
TTR = "TTr"
BB = "BB"
COUNCIL_CODE = "HĐTĐKT"


# --- the documented variables ---------------------------------------------


@dataclass(frozen=True)
class Var:
    """One template variable: what it holds; `fields` for a group, `item` for a list."""

    doc: str
    fields: dict[str, Var] | None = None
    item: Var | None = None
    example: str = ""


def _group(doc: str, **fields: Var) -> Var:
    return Var(doc, fields=fields)


def _list(doc: str, item: Var) -> Var:
    return Var(doc, item=item)


def _s(doc: str, example: str = "") -> Var:
    return Var(doc, example=example)


_PARAGRAPHS = _list(
    "Các đoạn của một trường nhiều dòng, theo thứ tự đã gõ",
    _group("Một đoạn",
           text=_s("Nội dung đoạn (dòng bắt đầu bằng '- ' đã bỏ dấu '- ')"),
           bullet=_s("true nếu dòng bắt đầu bằng '- ' (in thành gạch đầu dòng)")))

_PERSON = _group(
    "Một người (thành viên Hội đồng)",
    name=_s("Họ và tên", "Đỗ Minh Tuấn"),
    title=_s("Chức vụ", "Giám đốc"),
    role=_s("Vai trò trong Hội đồng, có thể trống", "Chủ tịch Hội đồng"),
    line=_s("Họ tên, chức vụ - vai trò", "Đỗ Minh Tuấn, Giám đốc - Chủ tịch Hội đồng"),
    written_opinion=_s("true nếu vắng mặt có ý kiến bằng văn bản"),
)

_HONOUR_ROW = _group(
    "Một dòng bảng danh hiệu thi đua / hình thức khen thưởng (bảng trống có một dòng 'Không có')",
    year=_s("Năm", "2023"),
    title=_s("Danh hiệu / hình thức khen thưởng", "Chiến sĩ thi đua cơ sở"),
    decision=_s("Số, ngày quyết định; cơ quan ban hành",
                "Quyết định số 12/QĐ-BHXH ngày 20/12/2023 của Giám đốc Bảo hiểm xã hội tỉnh Thanh Hóa"),
)

_HEAD = _group("Người đứng đầu", name=_s("Họ và tên"), title=_s("Chức vụ", "Giám đốc"),
               title_upper=_s("Chức vụ, chữ in hoa", "GIÁM ĐỐC"))

VARIABLES: dict[str, Var] = {
    "draft": _s("true khi lập bản dự thảo (--force); mọi trang đã có dấu DỰ THẢO ở đầu trang"),
    "year": _s("Năm xét", "2024"),
    "header": _group(
        "Ô tên cơ quan ở đầu trang trái của văn bản này (chữ in hoa)",
        parent=_s("Cơ quan chủ quản (không đậm), có thể trống", "BẢO HIỂM XÃ HỘI VIỆT NAM"),
        issuer=_s("Cơ quan ban hành (đậm); tên dài được ngắt thành hai dòng cân đối",
                  "BẢO HIỂM XÃ HỘI TỈNH THANH HÓA"),
        wide=_s("true khi dòng dài nhất của tên cơ quan ban hành rộng quá 6 cm: mẫu kẻ đường dài 3 cm "
                "thay vì 2 cm (bằng 1/3 đến 1/2 dòng chữ)"),
    ),
    "place_date": _s("Địa danh, ngày tháng năm của văn bản (ngày Tờ trình)",
                     "Thanh Hóa, ngày 25 tháng 11 năm 2024"),
    "plan": _group(
        "Kế hoạch làm căn cứ",
        id=_s("Số kế hoạch", "1935/KH-BHXH"),
        reference=_s("Trích dẫn ngắn", "Kế hoạch số 1935/KH-BHXH ngày 05/7/2021 của Bảo hiểm xã hội Việt Nam"),
        proposal=_s("Nội dung đề nghị", "công nhận điển hình tiên tiến giai đoạn 2021 - 2025"),
        proposal_upper=_s("Nội dung đề nghị, chữ in hoa", "CÔNG NHẬN ĐIỂN HÌNH TIÊN TIẾN GIAI ĐOẠN 2021 - 2025"),
        subject=_s("Trích yếu của Tờ trình",
                   "Về việc đề nghị công nhận điển hình tiên tiến giai đoạn 2021 - 2025"),
        threshold=_s("Ngưỡng phiếu đồng ý", "trên 50%"),
    ),
    "unit": _group(
        "Đơn vị trình (submission.yaml, unit)",
        name=_s("Tên đơn vị", "Bảo hiểm xã hội tỉnh Thanh Hóa"),
        name_upper=_s("Tên đơn vị, chữ in hoa", "BẢO HIỂM XÃ HỘI TỈNH THANH HÓA"),
        parent=_s("Cơ quan chủ quản, có thể trống", "Bảo hiểm xã hội Việt Nam"),
        parent_upper=_s("Cơ quan chủ quản, chữ in hoa, có thể trống", "BẢO HIỂM XÃ HỘI VIỆT NAM"),
        code=_s("Ký hiệu đơn vị trong số văn bản", "BHXH"),
        place=_s("Địa danh", "Thanh Hóa"),
        head=_HEAD,
    ),
    "signature": _group(
        "Khối chữ ký của đơn vị (Tờ trình; xác nhận trên báo cáo thành tích)",
        lines=_list("Các dòng chức danh, chữ in hoa: 'KT. GIÁM ĐỐC', 'PHÓ GIÁM ĐỐC'; một dòng khi Giám đốc ký",
                    _s("Một dòng chức danh", "KT. GIÁM ĐỐC")),
        name=_s("Họ tên người ký", "Lê Thị Thu Hà"),
    ),
    "submission": _group(
        "Tờ trình (submission.yaml, submission)",
        number_line=_s("Dòng số, ký hiệu; số trống để điền tay", "Số: 125/TTr-BHXH"),
        code=_s("Số, ký hiệu", "125/TTr-BHXH"),
        date=_s("Ngày", "ngày 25 tháng 11 năm 2024"),
        date_short=_s("Ngày, dạng ngắn", "25/11/2024"),
        recipients=_list("Kính gửi: từng nơi", _s("Một nơi nhận", "Tổng Giám đốc Bảo hiểm xã hội Việt Nam")),
        recipient_lines=_list("Kính gửi khi có nhiều nơi: '- A;' ... '- B.'", _s("Một dòng")),
        recipients_text=_s("Các nơi Kính gửi, nối bằng 'và'", "Tổng Giám đốc Bảo hiểm xã hội Việt Nam"),
        basis_lines=_list("Các dòng 'Căn cứ ...' (kế hoạch, legal_basis, Biên bản), đã có ';' hoặc '.' ở cuối",
                          _s("Một dòng căn cứ")),
        copies_to=_list("Nơi nhận thêm (copies_to), dạng '- ...;'", _s("Một dòng", "- Phòng Tổ chức cán bộ;")),
        reference=_s("Trích dẫn Tờ trình, cho Phụ lục",
                     "Tờ trình số 125/TTr-BHXH ngày 25 tháng 11 năm 2024 của Bảo hiểm xã hội tỉnh Thanh Hóa"),
    ),
    "council": _group(
        "Hội đồng Thi đua - Khen thưởng",
        name=_s("Tên đầy đủ", "Hội đồng Thi đua - Khen thưởng Bảo hiểm xã hội tỉnh Thanh Hóa"),
        short_name=_s("Tên không kèm tên đơn vị", "Hội đồng Thi đua - Khen thưởng"),
        members_total=_s("Tổng số thành viên, hai chữ số", "09"),
        chair=_PERSON,
        secretary=_PERSON,
    ),
    "meeting": _group(
        "Cuộc họp Hội đồng và Biên bản",
        number_line=_s("Dòng số, ký hiệu Biên bản", "Số: 05/BB-HĐTĐKT"),
        code=_s("Số, ký hiệu Biên bản", "05/BB-HĐTĐKT"),
        subject=_s("Tên cuộc họp", "Họp Hội đồng Thi đua - Khen thưởng xét đề nghị công nhận điển hình "
                                   "tiên tiến giai đoạn 2021 - 2025"),
        date=_s("Ngày họp", "ngày 20 tháng 11 năm 2024"),
        start=_s("Thời gian bắt đầu", "14 giờ 00, ngày 20 tháng 11 năm 2024"),
        closing=_s("Câu kết thúc (giờ trống để điền tay khi thiếu 'end')",
                   "Cuộc họp kết thúc vào 16 giờ 30, ngày 20 tháng 11 năm 2024"),
        location=_s("Địa điểm", "Phòng họp tầng 3, Bảo hiểm xã hội tỉnh Thanh Hóa"),
        present_count=_s("Số thành viên có mặt, hai chữ số", "08"),
        absent_count=_s("Số thành viên vắng mặt, hai chữ số", "01"),
        present=_list("Thành viên có mặt", _PERSON),
        absent=_list("Thành viên vắng mặt", _PERSON),
        present_lines=_list("Thành viên có mặt, dạng 'Đồng chí ..., chức vụ - vai trò;'", _s("Một dòng")),
        absent_lines=_list("Thành viên vắng mặt, kèm '(có/không có ý kiến bằng văn bản)'", _s("Một dòng")),
        opinion_lines=_list("Ý kiến bằng văn bản của thành viên vắng mặt (hoặc 'Không có thành viên vắng mặt.')",
                            _s("Một dòng")),
        ballots=_group("Phiếu bầu (hai chữ số)", issued=_s("Phát ra", "08"), returned=_s("Thu về", "08"),
                       valid=_s("Hợp lệ", "08")),
        candidates_text=_s("Số hồ sơ được xét", "03 tập thể và 06 cá nhân"),
    ),
    "results": _group(
        "Kết quả bỏ phiếu, mọi ứng viên (Biên bản)",
        groups=_list("Nhóm 'I. TẬP THỂ', 'II. CÁ NHÂN' (nhóm trống bị bỏ)", _group(
            "Một nhóm",
            heading=_s("Tiêu đề nhóm", "I. TẬP THỂ"),
            rows=_list("Các dòng", _group(
                "Một ứng viên",
                stt=_s("Số thứ tự trong nhóm", "1"),
                id=_s("Mã (tên tệp)", "phong-quan-ly-thu"),
                name=_s("Tên tập thể / họ tên", "Phòng Quản lý thu"),
                votes=_s("Số phiếu đồng ý", "8"),
                percent=_s("Tỷ lệ trên tổng số thành viên, không kèm '%'", "88,9"),
                result=_s("'Đề nghị' hoặc 'Không đề nghị'", "Đề nghị"),
                proposed=_s("true nếu được đề nghị"),
            )),
        )),
        not_proposed=_list("Ứng viên không được đề nghị và lý do", _group(
            "Một ứng viên",
            name=_s("Tên", "Phạm Thị Hương"),
            reason=_s("Lý do", "chưa đạt tiêu chuẩn theo mục II.2.b của Kế hoạch số 1935/KH-BHXH"),
        )),
    ),
    "proposed": _group(
        "Tập thể, cá nhân được đề nghị (đạt tiêu chuẩn và đủ phiếu): Tờ trình, Danh sách",
        count_text=_s("'02 tập thể và 04 cá nhân'", "02 tập thể và 04 cá nhân"),
        collectives_count=_s("Số tập thể, hai chữ số", "02"),
        individuals_count=_s("Số cá nhân, hai chữ số", "04"),
        collectives=_list("Tên các tập thể (gạch đầu dòng do mẫu in), dấu ';' hoặc '.' ở cuối",
                          _s("Một dòng", "Phòng Quản lý thu;")),
        individuals=_list("Họ tên, chức vụ, đơn vị các cá nhân, dấu ';' hoặc '.' ở cuối",
                          _s("Một dòng", "Lê Văn Hùng, Trưởng phòng, Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Thanh Hóa;")),
        groups=_list("Nhóm 'I. TẬP THỂ', 'II. CÁ NHÂN' cho bảng Danh sách (nhóm trống bị bỏ)", _group(
            "Một nhóm",
            heading=_s("Tiêu đề nhóm", "II. CÁ NHÂN"),
            rows=_list("Các dòng", _group(
                "Một tập thể / cá nhân",
                stt=_s("Số thứ tự trong nhóm", "1"),
                id=_s("Mã (tên tệp)"),
                name=_s("Tên tập thể / họ và tên", "Lê Văn Hùng"),
                post_unit=_s("Chức vụ, đơn vị", "Trưởng phòng, Phòng Quản lý thu, Bảo hiểm xã hội tỉnh Thanh Hóa"),
                basis=_list("Tiêu chuẩn đạt, mỗi ý một dòng '- ...'", _s("Một ý")),
                votes=_s("Số phiếu đồng ý", "8"),
                percent=_s("Tỷ lệ trên tổng số thành viên, không kèm '%'", "88,9"),
            )),
        )),
    ),
    "candidate": _group(
        "Chỉ có trong báo cáo thành tích: tập thể / cá nhân của báo cáo. Trường không khai thì trống",
        id=_s("Mã (tên tệp)", "le-van-hung"),
        kind=_s("'individual' hoặc 'collective'"),
        name=_s("Tên tập thể / họ và tên", "Lê Văn Hùng"),
        name_upper=_s("Như trên, chữ in hoa", "LÊ VĂN HÙNG"),
        # individual
        gender=_s("Cá nhân: giới tính", "Nam"),
        birth_date=_s("Cá nhân: ngày sinh", "21/11/1976"),
        ethnicity=_s("Cá nhân: dân tộc"),
        religion=_s("Cá nhân: tôn giáo"),
        hometown=_s("Cá nhân: quê quán"),
        residence=_s("Cá nhân: trú quán"),
        unit=_s("Cá nhân: đơn vị công tác"),
        position=_s("Cá nhân: chức vụ"),
        political_theory=_s("Cá nhân: trình độ lý luận chính trị"),
        education=_s("Cá nhân: trình độ chuyên môn, nghiệp vụ"),
        duties=_PARAGRAPHS,
        activities=_list("Cá nhân: hoạt động đoàn thể, phong trào, dạng '...;'", _s("Một dòng")),
        ratings=_list("Cá nhân: xếp loại hằng năm, dạng 'Năm 2023: hoàn thành xuất sắc nhiệm vụ;'",
                      _s("Một dòng")),
        # collective
        parent=_s("Tập thể: đơn vị cấp trên"),
        head=_HEAD,
        address=_s("Tập thể: địa chỉ"),
        phone=_s("Tập thể: điện thoại"),
        staff_count=_s("Tập thể: số người", "24"),
        situation=_PARAGRAPHS,
        functions=_PARAGRAPHS,
        targets=_list("Tập thể: bảng chỉ tiêu (bảng trống có một dòng 'Không có')", _group(
            "Một chỉ tiêu",
            stt=_s("Số thứ tự", "1"),
            name=_s("Chỉ tiêu"),
            year=_s("Năm", "2023"),
            unit=_s("Đơn vị tính", "người"),
            plan=_s("Kế hoạch", "241.500"),
            actual=_s("Thực hiện", "245.312"),
            rate=_s("Tỷ lệ thực hiện/kế hoạch (%) hoặc 'Đạt'/'Không đạt' cho chỉ tiêu càng thấp càng tốt",
                    "101,6"),
        )),
        party_work=_PARAGRAPHS,
        # both
        achievements=_PARAGRAPHS,
        initiatives=_list("Sáng kiến, giải pháp và quyết định công nhận, dạng '...;'", _s("Một dòng")),
        emulation_titles=_list("Bảng danh hiệu thi đua", _HONOUR_ROW),
        awards=_list("Bảng hình thức khen thưởng", _HONOUR_ROW),
    ),
}

ROUND_NAMES = frozenset(VARIABLES) - {"candidate"}


def variables_markdown() -> str:
    """docs/template-variables.md, generated from VARIABLES."""
    out = [
        "# Biến dùng trong mẫu văn bản (template variables)",
        "",
        "<!-- Generated by tools/make_templates.py from dhtt_docs/context.py: do not edit by hand. -->",
        "",
        "Mẫu là tệp `.docx` mở bằng Word/LibreOffice; chỗ điền dữ liệu viết theo cú pháp docxtpl (Jinja):",
        "`{{ unit.name }}` in một giá trị; `{%p if ... %}` / `{%p for x in ... %}` ... `{%p endfor %}`",
        "lặp hoặc ẩn cả đoạn; `{%tr for x in ... %}` lặp dòng bảng. Mỗi thẻ phải nằm gọn trong một",
        "đoạn chữ cùng định dạng (gõ lại cả thẻ nếu Word tách). `dhtt-docs build --templates DIR` kiểm tra",
        "mẫu trước khi lập văn bản và báo thẻ sai hoặc biến không có trong danh sách dưới đây.",
        "",
        "Mọi giá trị đã định dạng sẵn (ngày, số, tỷ lệ, chữ in hoa, dấu câu). Dữ liệu được in đúng như gõ:",
        "`&`, `<`, `>`, ngoặc kép và `{{ }}` trong hồ sơ không bị hiểu là mã.",
        "",
        "Mọi văn bản có các biến cấp đợt xét; `candidate` chỉ có trong hai mẫu báo cáo thành tích.",
        "Tên tệp mẫu: `to-trinh.docx`, `danh-sach.docx`, `bien-ban-hop-hoi-dong.docx`,",
        "`bao-cao-thanh-tich-ca-nhan.docx`, `bao-cao-thanh-tich-tap-the.docx`.",
        "",
        "| Biến | Nội dung | Ví dụ |",
        "|---|---|---|",
    ]

    def walk(prefix: str, v: Var) -> None:
        kind = " (danh sách)" if v.item is not None else ""
        out.append(f"| `{prefix}` | {v.doc}{kind} | {v.example} |")
        if v.fields:
            for k, sub in v.fields.items():
                walk(f"{prefix}.{k}", sub)
        if v.item is not None and (v.item.fields or v.item.item):
            walk(f"{prefix}[]", v.item)

    for name, var in VARIABLES.items():
        walk(name, var)
    return "\n".join(out) + "\n"


# --- text helpers ------------------------------------------------------------

def sanitize(value):
    """Apply clean_text (the loader's, one for the whole tool) to every string of a context, recursively."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    return value


def upper(s: str | None) -> str:
    return (s or "").upper()


def capitalize_first(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def two(n: int) -> str:
    """Counts in running text: 02, 12."""
    return f"{n:02d}"


def paragraphs(text: str | None) -> list[dict]:
    """A multi-line field as paragraphs; lines starting '- ' (or '+ ', '• ') are bullets."""
    out = []
    for line in (text or "").split("\n"):
        line = line.strip()
        if not line:
            continue
        m = re.match(r"^[-+•–]\s+(.*)$", line)
        out.append({"text": m.group(1), "bullet": True} if m else {"text": line, "bullet": False})
    return out


def punctuate(items: list[str], last: str = ".") -> list[str]:
    """List entries ending ';' and the last one '.', unless the author already punctuated."""
    out = []
    for i, s in enumerate(items):
        s = s.rstrip()
        end = last if i == len(items) - 1 else ";"
        out.append(s if s[-1:] in ".;:!?" else s + end)
    return out


def _decision(d: Decision, word: str = "Quyết định") -> str:
    return f"{word} số {d.number} ngày {format_date_short(d.date)} của {d.issuer}"


def percent_value(share: float | None) -> str:
    """0.8889 -> '88,9' (for a column headed '(%)')."""
    return "" if share is None else format_percent(share).rstrip("%")


# Advance widths (1/1000 em) of Times New Roman Bold capitals, to break the
# issuer's name into lines the way Word would, but between balanced halves.
_CAPS_WIDTH = {**dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                          (722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944,
                           722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667))),
               "Đ": 722, " ": 250, "-": 333, ".": 250, ",": 250, "(": 333, ")": 333, "&": 833, "/": 278}
HEADER_COLUMN_PT = 229.0        # left column of the header table (8.1 cm), see tools/make_templates.py
HEADER_FONT_PT = 12.0


def _caps_width(text: str, size: float = HEADER_FONT_PT) -> float:
    total = 0
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if ch != "Đ" else ch
        total += _CAPS_WIDTH.get(base, 500 if base.isdigit() else 722) + (74 if ch in "ƯỨỪỬỮỰƠỚỜỞỠỢ" else 0)
    return total * size / 1000


def balance_lines(text: str, width_pt: float = HEADER_COLUMN_PT, size: float = HEADER_FONT_PT) -> str:
    """A capitalised name that does not fit one line, split into two balanced lines."""
    text = " ".join(text.split())
    if _caps_width(text, size) <= width_pt * 0.985:
        return text
    words = text.split(" ")
    best = None
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        cost = max(_caps_width(a, size), _caps_width(b, size))
        if best is None or cost < best[0]:
            best = (cost, a, b)
    return text if best is None else f"{best[1]}\n{best[2]}"


# --- the context ---------------------------------------------------------------


@dataclass
class RoundContext:
    """The round-level variables and, per candidate id, the report's `candidate`."""

    common: dict
    candidates: dict[str, dict] = field(default_factory=dict)
    headers: dict[str, dict] = field(default_factory=dict)   # document kind or candidate id -> header

    def for_document(self, kind: str, candidate_id: str | None = None) -> dict:
        ctx = dict(self.common)
        ctx["header"] = self.headers[candidate_id or kind]
        if candidate_id is not None:
            ctx["candidate"] = self.candidates[candidate_id]
        return ctx   # parts already cleaned by build_context


WIDE_ISSUER_PT = 170.0          # 6 cm


def _header(parent: str | None, issuer: str) -> dict:
    lines = balance_lines(upper(issuer))
    return {"parent": balance_lines(upper(parent)) if parent else "", "issuer": lines,
            "wide": max(_caps_width(x) for x in lines.split("\n")) > WIDE_ISSUER_PT}


def _person(m: Member) -> dict:
    line = f"{m.name}, {m.title}" + (f" - {m.council_role}" if m.council_role else "")
    return {"name": m.name, "title": m.title, "role": m.council_role or "", "line": line,
            "written_opinion": m.written_opinion}


def _opinion(m: Member) -> str:
    who = f"Đồng chí {m.name}, {m.title}"
    if m.written_opinion:
        return f"{who}, vắng mặt, có ý kiến bằng văn bản gửi Hội đồng trước cuộc họp (kèm theo Biên bản này)."
    return f"{who}, vắng mặt, không có ý kiến bằng văn bản."


def signature_block(sub: Submission) -> dict:
    """Who signs for the unit: prefix KT./TM./Q./TL./TUQ. or the head in person (NĐ 30, ô số 7)."""
    unit = sub.unit
    head_title = upper(unit.head.title)
    s = unit.signer
    if s is None:
        return {"lines": [head_title], "name": unit.head.name}
    p = s.prefix
    if p == "":
        lines = [upper(s.title)]
    elif p == "Q.":
        lines = [f"Q. {head_title}"]
    elif p == "TM.":
        lines = [f"TM. {upper(unit.name)}", upper(s.title)]
    else:   # KT., TL., TUQ.
        lines = [f"{p} {head_title}", upper(s.title)]
    return {"lines": lines, "name": s.name}


def _count_text(n_coll: int, n_ind: int) -> str:
    parts = ([f"{two(n_coll)} tập thể"] if n_coll else []) + ([f"{two(n_ind)} cá nhân"] if n_ind else [])
    return " và ".join(parts) if parts else "không có tập thể, cá nhân nào"


def _join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " và " + items[-1]


def _ordered(report: Report) -> list[Verdict]:
    """Collectives first, then individuals, each in file order; unreadable files left out."""
    usable = [v for v in report.verdicts if v.candidate.model is not None]
    return ([v for v in usable if isinstance(v.candidate.model, Collective)]
            + [v for v in usable if isinstance(v.candidate.model, Individual)])


def is_proposed(v: Verdict) -> bool:
    return v.eligible and v.approved


def _post_unit(v: Verdict) -> str:
    m = v.candidate.model
    return f"{m.position}, {m.unit}" if isinstance(m, Individual) else m.parent


def _reason(v: Verdict, report: Report, clause_plan: str) -> str:
    reasons = []
    m = v.candidate.model
    if not v.eligible:
        rules = report.profile.individual if isinstance(m, Individual) else report.profile.collective
        reasons.append(f"chưa đạt tiêu chuẩn theo mục {rules.clause} của {clause_plan}")
    if v.votes is None:
        reasons.append("chưa có kết quả bỏ phiếu")
    elif not v.approved:
        reasons.append(f"số phiếu đồng ý ({v.votes}/{len(report.round.submission.council.members)}) "
                       f"chưa đạt {_threshold(report)} tổng số thành viên Hội đồng")
    return "; ".join(reasons)


def _threshold(report: Report) -> str:
    c = report.profile.council
    return f"{'trên' if c.approval_strictly_above else 'từ'} {format_percent(c.approval_threshold)}"


def build_context(report: Report, *, draft: bool = False) -> RoundContext:
    """Everything the templates need, from an evaluated round."""
    sub = report.round.submission
    profile = report.profile
    if sub is None:
        raise DhttError("Chưa đọc được submission.yaml nên không lập được văn bản: hãy sửa các lỗi của tệp này.")
    if profile is None:
        raise DhttError(f"Không có bộ tiêu chí cho kế hoạch '{sub.plan}' nên không lập được văn bản: "
                        "hãy sửa trường 'plan' trong submission.yaml.")
    unit, council, meeting, info = sub.unit, sub.council, sub.council.meeting, sub.submission
    plan_ref = f"Kế hoạch số {profile.document.number} ngày {format_date_short(profile.document.date)} " \
               f"của {profile.document.issuer}"
    plan_short = f"Kế hoạch số {profile.document.number}"
    total = len(council.members)
    present = [m for m in council.members if m.present]
    absent = [m for m in council.members if not m.present]
    verdicts = _ordered(report)

    # Council name without the unit's name, for the header box and the meeting's name.
    short = council.name
    if unit.name and council.name.casefold().endswith(unit.name.casefold()) and \
            len(council.name) > len(unit.name):
        short = council.name[: -len(unit.name)].strip(" ,-")
    meeting_code = doc_code(meeting.number, BB, COUNCIL_CODE)
    bb_basis = f"Căn cứ Biên bản họp {council.name} số {meeting_code} {format_date(meeting.start.date())}"

    extra = [b if b.casefold().startswith("căn cứ") else f"Căn cứ {b[:1].lower()}{b[1:]}"
             for b in (x.strip().rstrip(";.") for x in info.legal_basis) if b]
    basis = [profile.document.basis.strip().rstrip(";."), *extra, bb_basis]
    recipients = list(info.to)

    if meeting.end is not None:
        closing = f"Cuộc họp kết thúc vào {format_time(meeting.end)}, {format_date(meeting.end.date())}"
    else:
        closing = f"Cuộc họp kết thúc vào ..... giờ ....., {format_date(meeting.start.date())}"

    # Results (every candidate) and the proposal (eligible and approved).
    result_groups, proposed_groups = [], []
    not_proposed = []
    names = {"collective": [], "individual": []}
    for kind, heading in (("collective", "TẬP THỂ"), ("individual", "CÁ NHÂN")):
        members = [v for v in verdicts if v.candidate.kind == kind]
        rows = [{"stt": str(i), "id": v.id, "name": v.candidate.name,
                 "votes": "" if v.votes is None else str(v.votes), "percent": percent_value(v.approval),
                 "result": "Đề nghị" if is_proposed(v) else "Không đề nghị", "proposed": is_proposed(v)}
                for i, v in enumerate(members, 1)]
        if rows:
            result_groups.append({"heading": f"{_roman(len(result_groups) + 1)}. {heading}", "rows": rows})
        chosen = [v for v in members if is_proposed(v)]
        prow = [{"stt": str(i), "id": v.id, "name": v.candidate.name, "post_unit": _post_unit(v),
                 "basis": [f"- {capitalize_first(b)}" for b in v.basis] or [""],
                 "votes": str(v.votes), "percent": percent_value(v.approval)}
                for i, v in enumerate(chosen, 1)]
        if prow:
            proposed_groups.append({"heading": f"{_roman(len(proposed_groups) + 1)}. {heading}", "rows": prow})
        names[kind] = [v.candidate.name if kind == "collective" else
                       f"{v.candidate.name}, {_post_unit(v)}" for v in chosen]
        not_proposed += [{"name": v.candidate.name, "reason": _reason(v, report, plan_short)}
                         for v in members if not is_proposed(v)]
    n_coll, n_ind = len(names["collective"]), len(names["individual"])
    all_coll = sum(1 for v in verdicts if v.candidate.kind == "collective")

    common = {
        "draft": draft,
        "year": str(sub.year),
        "place_date": format_place_date(unit.place, info.date),
        "plan": {
            "id": profile.id,
            "reference": plan_ref,
            "proposal": profile.proposal,
            "proposal_upper": upper(profile.proposal),
            "subject": f"Về việc đề nghị {profile.proposal}",
            "threshold": _threshold(report),
        },
        "unit": {
            "name": unit.name, "name_upper": upper(unit.name),
            "parent": unit.parent or "", "parent_upper": upper(unit.parent),
            "code": unit.code, "place": unit.place,
            "head": {"name": unit.head.name, "title": unit.head.title, "title_upper": upper(unit.head.title)},
        },
        "signature": signature_block(sub),
        "submission": {
            "number_line": doc_number(info.number, TTR, unit.code),
            "code": doc_code(info.number, TTR, unit.code),
            "date": format_date(info.date),
            "date_short": format_date_short(info.date),
            "recipients": recipients,
            "recipient_lines": punctuate([f"- {r}" for r in recipients]),
            "recipients_text": _join_and(recipients),
            "basis_lines": punctuate(basis),
            "copies_to": punctuate([f"- {c.strip().rstrip(';.')}" for c in info.copies_to], last=";"),
            "reference": f"Tờ trình số {doc_code(info.number, TTR, unit.code)} {format_date(info.date)} "
                         f"của {unit.name}",
        },
        "council": {
            "name": council.name,
            "short_name": short,
            "members_total": two(total),
            "chair": _person(council.chair),
            "secretary": _person(council.secretary),
        },
        "meeting": {
            "number_line": doc_number(meeting.number, BB, COUNCIL_CODE),
            "code": meeting_code,
            "subject": f"Họp {short} xét đề nghị {profile.proposal}",
            "date": format_date(meeting.start.date()),
            "start": format_datetime(meeting.start),
            "closing": closing,
            "location": meeting.location,
            "present_count": two(len(present)),
            "absent_count": two(len(absent)),
            "present": [_person(m) for m in present],
            "absent": [_person(m) for m in absent],
            "present_lines": punctuate([f"Đồng chí {_person(m)['line']}" for m in present]),
            "absent_lines": punctuate([f"Đồng chí {_person(m)['line']}"
                                       + (" (có ý kiến bằng văn bản)" if m.written_opinion
                                          else " (không có ý kiến bằng văn bản)")
                                       for m in absent]),
            "opinion_lines": [_opinion(m) for m in absent] or ["Không có thành viên vắng mặt."],
            "ballots": {"issued": two(council.ballots.issued), "returned": two(council.ballots.returned),
                        "valid": two(council.ballots.valid)},
            "candidates_text": _count_text(all_coll, len(verdicts) - all_coll),
        },
        "results": {"groups": result_groups, "not_proposed": punctuate_reasons(not_proposed)},
        "proposed": {
            "count_text": _count_text(n_coll, n_ind),
            "collectives_count": two(n_coll),
            "individuals_count": two(n_ind),
            "collectives": punctuate(names["collective"]),
            "individuals": punctuate(names["individual"]),
            "groups": proposed_groups,
        },
    }
    ctx = RoundContext(common)
    issuer = _header(unit.parent, unit.name)
    council_header = _header(unit.name, short) if short != council.name else _header(unit.name, council.name)
    ctx.headers.update({"to-trinh": issuer, "danh-sach": issuer, "bien-ban": council_header})
    for v in verdicts:
        m = v.candidate.model
        ctx.candidates[v.id] = _candidate(v.id, m)
        ctx.headers[v.id] = _header(m.parent, m.name) if isinstance(m, Collective) else issuer
    # Cleaned once here, not per document: every document shares `common`, and a
    # per-document pass made a 1000-candidate round quadratic in time and memory.
    ctx.common = sanitize(ctx.common)
    ctx.candidates = {k: sanitize(v) for k, v in ctx.candidates.items()}
    ctx.headers = {k: sanitize(v) for k, v in ctx.headers.items()}
    return ctx


def punctuate_reasons(items: list[dict]) -> list[dict]:
    ends = punctuate([x["reason"] for x in items])
    return [dict(x, reason=r) for x, r in zip(items, ends)]


def _roman(n: int) -> str:
    return ["", "I", "II", "III", "IV", "V"][n]


def _honour_rows(items) -> list[dict]:
    rows = [{"year": str(h.year or h.decision.date.year), "title": h.title, "decision": _decision(h.decision)}
            for h in items]
    return rows or [{"year": "", "title": "Không có", "decision": ""}]


def _initiatives(items) -> list[str]:
    return punctuate([f"{i.title} ({_decision(i.recognition, 'Quyết định công nhận')})" if i.recognition
                      else i.title for i in items])


_EMPTY_CANDIDATE = {k: "" for k in VARIABLES["candidate"].fields}


def _candidate(cid: str, m: Individual | Collective) -> dict:
    c = dict(_EMPTY_CANDIDATE)
    for k, var in VARIABLES["candidate"].fields.items():
        if var.item is not None:
            c[k] = []
    c["head"] = {"name": "", "title": "", "title_upper": ""}
    c.update({
        "id": cid,
        "name": m.display_name,
        "name_upper": upper(m.display_name),
        "achievements": paragraphs(m.achievements),
        "initiatives": _initiatives(m.initiatives),
        "emulation_titles": _honour_rows(m.emulation_titles),
        "awards": _honour_rows(m.awards),
    })
    if isinstance(m, Individual):
        c.update({
            "kind": "individual",
            "gender": m.gender,
            "birth_date": format_date_short(m.birth_date),
            "ethnicity": m.ethnicity or "",
            "religion": m.religion or "",
            "hometown": m.hometown,
            "residence": m.residence or "",
            "unit": m.unit,
            "position": m.position,
            "political_theory": m.political_theory or "",
            "education": m.education or "",
            "duties": paragraphs(m.duties),
            "activities": punctuate(list(m.activities)),
            "ratings": punctuate([f"Năm {y}: {RATINGS[code][0]}" for y, code in sorted(m.ratings.items())]),
        })
    else:
        c.update({
            "kind": "collective",
            "parent": m.parent,
            "head": {"name": m.head.name, "title": m.head.title, "title_upper": upper(m.head.title)},
            "address": m.address or "",
            "phone": m.phone or "",
            "staff_count": "" if m.staff_count is None else str(m.staff_count),
            "situation": paragraphs(m.situation),
            "functions": paragraphs(m.functions),
            "targets": _targets(m),
            "party_work": paragraphs(m.party_work),
        })
    return c


def _targets(m: Collective) -> list[dict]:
    rows = []
    for i, t in enumerate(m.targets, 1):
        if t.direction == "at_most":
            rate = "Đạt" if t.met else "Không đạt"
        else:
            rate = percent_value(t.actual / t.plan) if t.plan else ""
        rows.append({"stt": str(i), "name": t.name, "year": str(t.year), "unit": t.unit or "",
                     "plan": format_number(t.plan), "actual": format_number(t.actual), "rate": rate})
    return rows or [{"stt": "", "name": "Không có", "year": "", "unit": "", "plan": "", "actual": "", "rate": ""}]

