"""The documented template variables: what each one holds, with an example.

``VARIABLES`` documents every variable the templates see; ``docs/template-variables.md``
is generated from it (``python tools/make_templates.py``) and the template
linter (documents/render.py) checks user templates against it. The values
themselves are built in documents/context.py.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    "place_date": _s("Địa danh, ngày tháng năm của văn bản (ngày Tờ trình); báo cáo của tập thể có 'place' "
                     "mang địa danh của tập thể",
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
        approval_text=_s("Ngưỡng và cách tính, như bộ tiêu chí ghi", "trên 50% tổng số thành viên Hội đồng"),
        approval_of=_s("Số phiếu được tính trên gì, như bộ tiêu chí ghi", "tổng số thành viên Hội đồng"),
        kinds_upper=_s("Loại được xét, chữ in hoa (theo bộ tiêu chí)", "TẬP THỂ, CÁ NHÂN"),
        kinds=_s("Loại được xét (theo bộ tiêu chí)", "tập thể, cá nhân"),
        approval_counted_on=_s("Phiếu đồng ý tính trên gì, kèm số thành viên khi tính trên tổng số",
                               "tổng số 09 thành viên Hội đồng"),
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
            rate=_s("Tỷ lệ thực hiện/kế hoạch (%); chỉ tiêu càng thấp càng tốt có tên kèm '(*)'", "101,6"),
        )),
        targets_note=_s("Tập thể: chú thích '(*) Chỉ tiêu càng thấp càng tốt ...' khi bảng có chỉ tiêu như vậy, "
                        "nếu không thì trống"),
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
