"""The round as a whole: what it selects, the council, ballots and votes, the order of dates."""

from __future__ import annotations

from dhtt_docs.dossier.loader import Round
from dhtt_docs.dossier.schema import Submission
from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import t
from dhtt_docs.rules.approval import count_votes
from dhtt_docs.rules.profile import Profile
from dhtt_docs.rules.verdict import Collector, Verdict
from dhtt_docs.vnformat import format_date_short
from dhtt_docs.vocab import closest

KIND_WORDS = {"collective": ("tập thể", "collective"), "individual": ("cá nhân", "individual")}


def _count_en(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def check_round(rnd: Round, sub: Submission, profile: Profile, verdicts: list[Verdict], top: list[Finding]) -> None:
    src = rnd.submission_source
    council = sub.council
    c_col = Collector(src, profile.council.clause, top)
    _selection(profile, verdicts, c_col)
    _council(sub, c_col)

    ids = {v.id for v in verdicts}
    for cid in council.votes:
        if cid not in ids:
            hint = closest(cid, sorted(ids))
            c_col.add(Severity.ERROR, "votes.no_file",
                      t(f"Có số phiếu cho '{cid}' nhưng không có tệp candidates/{cid}.yaml"
                        + (f": có phải '{hint}'?" if hint else ". Hãy thêm hồ sơ hoặc xóa dòng này."),
                        f"Votes are recorded for '{cid}' but there is no file candidates/{cid}.yaml"
                        + (f": did you mean '{hint}'?" if hint else ". Add the dossier or delete this line.")),
                      "council", "votes", cid, params={"id": cid})
    for v in verdicts:
        votes = council.votes.get(v.id)
        vc = Collector(src, profile.council.clause, v.findings)
        if votes is None:
            vc.add(Severity.ERROR, "votes.missing",
                   t(f"Chưa có số phiếu bầu cho {v.candidate.name}: hãy thêm dòng '{v.id}: <số phiếu>' "
                     "vào 'council.votes'.",
                     f"No vote count for {v.candidate.name} yet: add the line '{v.id}: <votes>' "
                     "under 'council.votes'."), "council", "votes", params={"id": v.id})
            continue
        count_votes(v, votes, profile, sub, vc)
    _dates(sub, c_col)
    if sub.year not in profile.window:
        Collector(src, profile.window.clause or "dossier", top).add(
            Severity.WARNING, "round.year_outside_plan",
            t(f"Năm xét {sub.year} ngoài giai đoạn của kế hoạch {profile.id} ({profile.window.text()}). "
              "Hãy kiểm tra 'year' và 'plan'.",
              f"Round year {sub.year} is outside the period of plan {profile.id} ({profile.window.text()}). "
              "Check 'year' and 'plan'."), "year", params={"year": sub.year})


def _selection(profile: Profile, verdicts: list[Verdict], col: Collector) -> None:
    """At least the profile's minimum of each kind it selects (plan 1935, III.1: 01 collective and 01 individual)."""
    have = {k: sum(1 for v in verdicts if v.candidate.kind == k) for k in KIND_WORDS}
    sel = profile.selects or {}
    order = [k for k in ("collective", "individual") if k in sel]
    short = [k for k in order if have[k] < sel[k].min]
    if not short:
        return
    need_vi = " và ".join(f"{sel[k].min:02d} {KIND_WORDS[k][0]}" for k in order)
    need_en = " and ".join(_count_en(sel[k].min, KIND_WORDS[k][1]) for k in order)
    miss_vi = " và ".join(f"{sel[k].min:02d} {KIND_WORDS[k][0]}" for k in short)
    miss_en = " and ".join(_count_en(sel[k].min, KIND_WORDS[k][1]) for k in short)
    has_vi = ", ".join(f"{have[k]} {KIND_WORDS[k][0]}" for k in order)
    has_en = " and ".join(_count_en(have[k], KIND_WORDS[k][1]) for k in order)
    col.add(Severity.ERROR, "round.too_few",
            t(f"Hội đồng phải lựa chọn ít nhất {need_vi}; đợt này còn thiếu {miss_vi} (hiện có {has_vi}). "
              "Hãy thêm hồ sơ vào thư mục candidates/.",
              f"The council must select at least {need_en}; this round is short of {miss_en} (it has {has_en}). "
              "Add dossiers to the candidates/ folder."),
            "council", line=1, params={k: have[k] for k in order})   # about the round as a whole


def _council(sub: Submission, c_col: Collector) -> None:
    council = sub.council
    total = len(council.members)
    present = [m for m in council.members if m.present]
    for i, m in enumerate(council.members):
        if not m.present and not m.written_opinion:
            c_col.add(Severity.WARNING, "council.absent_no_opinion",
                      t(f"Thành viên {m.name} vắng mặt và chưa có ý kiến bằng văn bản: Biên bản phải ghi ý kiến của "
                        "thành viên vắng mặt. Nếu đã có, ghi 'written_opinion: true'.",
                        f"Council member {m.name} is absent and has given no written opinion: the minutes "
                        "(Biên bản) must record the opinions of absent members. If there is one, write "
                        "'written_opinion: true'."), "council", "members", i)
    if council.chair.name not in {m.name for m in council.members}:
        c_col.add(Severity.WARNING, "council.chair_not_member",
                  t(f"Chủ tịch Hội đồng {council.chair.name} không có trong danh sách 'members': "
                    "danh sách phải ghi mọi thành viên, kể cả Chủ tịch.",
                    f"Council chair {council.chair.name} is not in the 'members' list: the list must name every "
                    "member, the chair included."), "council", "chair", "name")
    b = council.ballots
    if b.issued > total:
        c_col.add(Severity.ERROR, "ballots.issued_over_members",
                  t(f"Số phiếu phát ra ({b.issued}) nhiều hơn số thành viên Hội đồng ({total}). Hãy kiểm tra lại.",
                    f"More ballots issued ({b.issued}) than council members ({total}). Check the numbers."),
                  "council", "ballots", "issued")
    elif b.issued != len(present):
        c_col.add(Severity.WARNING, "ballots.issued_vs_present",
                  t(f"Số phiếu phát ra ({b.issued}) khác số thành viên có mặt ({len(present)}). Hãy kiểm tra lại "
                    "số phiếu hoặc trường 'present' của các thành viên.",
                    f"Ballots issued ({b.issued}) differ from the members present ({len(present)}). Check the "
                    "ballot count or the members' 'present' field."), "council", "ballots", "issued")
    if b.returned > b.issued:
        c_col.add(Severity.ERROR, "ballots.returned_over_issued",
                  t(f"Số phiếu thu về ({b.returned}) nhiều hơn số phiếu phát ra ({b.issued}). Hãy sửa lại.",
                    f"More ballots returned ({b.returned}) than issued ({b.issued}). Fix the numbers."),
                  "council", "ballots", "returned")
    if b.valid > b.returned:
        c_col.add(Severity.ERROR, "ballots.valid_over_returned",
                  t(f"Số phiếu hợp lệ ({b.valid}) nhiều hơn số phiếu thu về ({b.returned}). Hãy sửa lại.",
                    f"More valid ballots ({b.valid}) than ballots returned ({b.returned}). Fix the numbers."),
                  "council", "ballots", "valid")


def _dates(sub: Submission, c_col: Collector) -> None:
    meeting = sub.council.meeting
    if meeting.end is not None and meeting.end <= meeting.start:
        c_col.add(Severity.ERROR, "meeting.end_before_start",
                  t("Giờ kết thúc cuộc họp không sau giờ bắt đầu. Hãy sửa 'end' (năm-tháng-ngày giờ:phút).",
                    "The meeting does not end after it starts. Fix 'end' (year-month-day hour:minute)."),
                  "council", "meeting", "end", clause="dossier")
    if meeting.start.date() > sub.submission.date:
        md, sd = format_date_short(meeting.start.date()), format_date_short(sub.submission.date)
        c_col.add(Severity.ERROR, "meeting.after_submission",
                  t(f"Cuộc họp Hội đồng ({md}) sau ngày Tờ trình ({sd}): Tờ trình phải căn cứ Biên bản đã họp. "
                    "Hãy sửa ngày.",
                    f"The council meeting ({md}) is after the submission (Tờ trình, {sd}): the Tờ trình must rest "
                    "on the minutes (Biên bản) of a meeting already held. Fix the date."),
                  "submission", "date", clause="dossier")


def check_leaders(verdicts: list[Verdict], profile: Profile) -> None:
    """Leaders: the profile's note for the council; the collective they lead must itself be eligible."""
    rules = profile.individual
    if rules is None:
        return
    note = rules.leader
    by_id = {v.id: v for v in verdicts}
    collective_ids = [x.id for x in verdicts if x.candidate.is_collective]   # the hints' choices, listed once
    for v in verdicts:
        m = v.candidate.model
        if v.candidate.kind != "individual" or m is None or v.eligible is None:
            continue
        col = Collector(v.candidate.source, rules.clause, v.findings)
        if m.leader and note is not None and note.note is not None:
            col.add(Severity.INFO, "leader.qualities", note.note.text(), "leader", clause=note.clause)
        if m.leads:
            target = by_id.get(m.leads)
            if target is None or not target.candidate.is_collective:
                hint = closest(m.leads, collective_ids)
                col.add(Severity.WARNING, "leader.unknown_collective",
                        t(f"'leads: {m.leads}' không phải mã một tập thể trong đợt xét này"
                          + (f": có phải '{hint}'?" if hint else ".")
                          + " Nếu tập thể không được đề nghị trong đợt này, hãy xóa dòng 'leads'.",
                          f"'leads: {m.leads}' is not the id of a collective in this round"
                          + (f": did you mean '{hint}'?" if hint else ".")
                          + " If the collective is not proposed in this round, delete the 'leads' line."),
                        "leads", params={"leads": m.leads})
            elif target.eligible is False:
                words = note.collective_ineligible if note is not None else None
                msg = words.text(collective=target.candidate.name, id=m.leads) if words is not None else t(
                    f"Cá nhân lãnh đạo {target.candidate.name} ({m.leads}), nhưng tập thể này không đạt tiêu chuẩn: "
                    "Hội đồng cần xem xét.",
                    f"The individual leads {target.candidate.name} ({m.leads}), but that collective is not "
                    "eligible: the council must consider this.")
                col.add(Severity.WARNING, "leader.collective_ineligible", msg, "leads", params={"leads": m.leads})
