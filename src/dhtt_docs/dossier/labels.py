"""What each field of a dossier is called by the people who fill it in.

One table for every place that names a field to a user (findings, the web
app's forms, the Excel workbook): the YAML key path is for programs, the
label for a secretary. `field_label(("initiatives", 0, "recognition", "date"))`
gives "Ngày quyết định công nhận" / "Date of the recognition decision", and
`describe(...)` adds the key after it: "Ngày quyết định công nhận
(initiatives[0].recognition.date)".

Keys are dotted paths with `*` for a list index or a free key (a year under
`ratings`, a candidate id under `votes`). The longest matching tail wins, so
`decision.date` covers every decision and `submission.date` the Tờ trình's own.
"""

from __future__ import annotations

from dhtt_docs.i18n import Text, t
from dhtt_docs.dossier.yamlsource import path_to_key

# dotted path (tail) -> (Vietnamese, English)
LABELS: dict[str, tuple[str, str]] = {
    # --- a candidate: an individual
    "kind": ("Loại hồ sơ (cá nhân/tập thể)", "Kind (individual/collective)"),
    "full_name": ("Họ và tên", "Full name"),
    "gender": ("Giới tính", "Gender"),
    "birth_date": ("Ngày sinh", "Date of birth"),
    "ethnicity": ("Dân tộc", "Ethnicity"),
    "religion": ("Tôn giáo", "Religion"),
    "hometown": ("Quê quán", "Home town"),
    "residence": ("Nơi thường trú", "Residence"),
    "unit": ("Đơn vị công tác", "Unit"),
    "position": ("Chức vụ", "Position"),
    "leader": ("Giữ chức vụ lãnh đạo, quản lý", "Holds a leadership post"),
    "leads": ("Tập thể do cá nhân lãnh đạo", "Collective the individual leads"),
    "political_theory": ("Trình độ lý luận chính trị", "Political theory level"),
    "education": ("Trình độ chuyên môn", "Education"),
    "duties": ("Chức năng, nhiệm vụ được giao", "Duties"),
    "achievements": ("Thành tích đạt được", "Achievements"),
    "ratings": ("Kết quả xếp loại", "Ratings"),
    "ratings.*": ("Xếp loại năm", "Rating of the year"),
    "initiatives": ("Sáng kiến, giải pháp", "Initiatives"),
    "initiatives.*": ("Sáng kiến, giải pháp", "Initiative"),
    "initiatives.*.title": ("Tên sáng kiến, giải pháp", "Title of the initiative"),
    "recognition": ("Quyết định công nhận sáng kiến", "Decision recognising the initiative"),
    "recognition.number": ("Số quyết định công nhận", "Number of the recognition decision"),
    "recognition.date": ("Ngày quyết định công nhận", "Date of the recognition decision"),
    "recognition.issuer": ("Cơ quan công nhận", "Body that recognised it"),
    "activities": ("Hoạt động đoàn thể, xã hội", "Other activities"),
    "emulation_titles": ("Danh hiệu thi đua", "Emulation titles"),
    "emulation_titles.*": ("Danh hiệu thi đua", "Emulation title"),
    "emulation_titles.*.title": ("Tên danh hiệu thi đua", "Name of the emulation title"),
    "awards": ("Hình thức khen thưởng", "Awards"),
    "awards.*": ("Hình thức khen thưởng", "Award"),
    "awards.*.title": ("Tên hình thức khen thưởng", "Name of the award"),
    "year": ("Năm", "Year"),
    "decision": ("Quyết định", "Decision"),
    "decision.number": ("Số quyết định", "Decision number"),
    "decision.date": ("Ngày quyết định", "Decision date"),
    "decision.issuer": ("Cơ quan ban hành quyết định", "Issuer of the decision"),
    "attachment": ("Tệp đính kèm (bản quét quyết định)", "Attachment (scan of the decision)"),
    "discipline": ("Kỷ luật", "Discipline"),
    "discipline.*.form": ("Hình thức kỷ luật", "Form of discipline"),
    # --- a candidate: a collective
    "name": ("Tên", "Name"),
    "parent": ("Cơ quan cấp trên", "Parent body"),
    "head": ("Người đứng đầu", "Head"),
    "head.name": ("Họ tên người đứng đầu", "Name of the head"),
    "head.title": ("Chức vụ người đứng đầu", "Post of the head"),
    "address": ("Địa chỉ", "Address"),
    "phone": ("Điện thoại", "Phone"),
    "staff_count": ("Số cán bộ, công chức, viên chức", "Staff count"),
    "situation": ("Đặc điểm, tình hình", "Situation"),
    "functions": ("Chức năng, nhiệm vụ", "Functions"),
    "targets": ("Chỉ tiêu, nhiệm vụ", "Targets"),
    "targets.*": ("Chỉ tiêu", "Target"),
    "targets.*.name": ("Tên chỉ tiêu", "Name of the target"),
    "targets.*.unit": ("Đơn vị tính", "Unit of measure"),
    "targets.*.plan": ("Kế hoạch giao", "Planned value"),
    "targets.*.actual": ("Kết quả thực hiện", "Actual value"),
    "targets.*.direction": ("Chiều đánh giá chỉ tiêu", "Direction of the target"),
    "party_work": ("Công tác xây dựng Đảng, đoàn thể", "Party and union work"),
    "staff_discipline": ("Kỷ luật cán bộ", "Staff discipline"),
    "staff_discipline.*.person": ("Người bị kỷ luật", "Person disciplined"),
    "staff_discipline.*.form": ("Hình thức kỷ luật", "Form of discipline"),
    # --- submission.yaml
    "plan": ("Kế hoạch", "Plan"),
    "unit.parent": ("Cơ quan cấp trên", "Parent body"),
    "unit.name": ("Tên đơn vị", "Name of the unit"),
    "unit.code": ("Ký hiệu viết tắt của đơn vị", "Unit's abbreviation"),
    "unit.place": ("Địa danh", "Place name"),
    "unit.head": ("Thủ trưởng đơn vị", "Head of the unit"),
    "unit.signer": ("Người ký", "Signer"),
    "signer.prefix": ("Tiền tố ký (KT., TM., ...)", "Signing prefix (KT., TM., ...)"),
    "signer.name": ("Họ tên người ký", "Name of the signer"),
    "signer.title": ("Chức vụ người ký", "Post of the signer"),
    "council": ("Hội đồng Thi đua - Khen thưởng", "Emulation and commendation council"),
    "council.name": ("Tên Hội đồng", "Name of the council"),
    "meeting": ("Cuộc họp Hội đồng", "Council meeting"),
    "meeting.number": ("Số phiên họp", "Meeting number"),
    "meeting.start": ("Thời gian bắt đầu họp", "Meeting start"),
    "meeting.end": ("Thời gian kết thúc họp", "Meeting end"),
    "meeting.location": ("Địa điểm họp", "Meeting place"),
    "chair": ("Chủ tịch Hội đồng", "Council chair"),
    "secretary": ("Thư ký Hội đồng", "Council secretary"),
    "members": ("Thành viên Hội đồng", "Council members"),
    "members.*": ("Thành viên Hội đồng", "Council member"),
    "council_role": ("Chức danh trong Hội đồng", "Role in the council"),
    "present": ("Có mặt", "Present"),
    "written_opinion": ("Có ý kiến bằng văn bản", "Written opinion given"),
    "chair.name": ("Họ tên Chủ tịch Hội đồng", "Name of the chair"),
    "secretary.name": ("Họ tên Thư ký Hội đồng", "Name of the secretary"),
    "members.*.name": ("Họ tên thành viên", "Name of the member"),
    "title": ("Chức vụ", "Post"),
    "ballots": ("Phiếu bầu", "Ballots"),
    "ballots.issued": ("Số phiếu phát ra", "Ballots issued"),
    "ballots.returned": ("Số phiếu thu về", "Ballots returned"),
    "ballots.valid": ("Số phiếu hợp lệ", "Valid ballots"),
    "votes": ("Số phiếu đồng ý", "Votes in favour"),
    "votes.*": ("Số phiếu đồng ý cho ứng viên", "Votes in favour of the candidate"),
    "submission": ("Tờ trình", "Submission letter (Tờ trình)"),
    "submission.number": ("Số Tờ trình", "Number of the Tờ trình"),
    "submission.date": ("Ngày Tờ trình", "Date of the Tờ trình"),
    "submission.to": ("Kính gửi (nơi nhận Tờ trình)", "Addressee of the Tờ trình"),
    "legal_basis": ("Căn cứ", "Legal basis"),
    "copies_to": ("Nơi nhận", "Copies to"),
}

# Mappings whose keys are chosen by the user (a year, a candidate id).
_FREE_KEYS = ("ratings", "votes")


def _generic(path: tuple) -> tuple[str, ...]:
    out: list[str] = []
    for part in path:
        free = bool(out) and out[-1] in _FREE_KEYS
        out.append("*" if free or isinstance(part, int) else str(part))
    return tuple(out)


def field_label(path: tuple) -> Text | None:
    """The words for the field at `path` (a tuple of keys and indexes), or None when it has none."""
    generic = _generic(tuple(path))
    for start in range(len(generic)):
        words = LABELS.get(".".join(generic[start:]))
        if words is not None:
            return t(*words)
    return None


def describe(path: tuple) -> Text:
    """'Ngày quyết định (awards[0].decision.date)': the label, then the key a program uses."""
    key = path_to_key(tuple(path))
    label = field_label(path)
    if label is None:
        return t(f"'{key}'", f"'{key}'")
    return label + f" ({key})" if key else label
