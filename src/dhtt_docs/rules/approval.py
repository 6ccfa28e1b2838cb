"""The council's approval: counted on all members, members present or valid ballots, as the profile says."""

from __future__ import annotations

from dhtt_docs.dossier.schema import Submission
from dhtt_docs.findings import Severity
from dhtt_docs.i18n import Text, t
from dhtt_docs.rules.profile import Profile
from dhtt_docs.rules.verdict import Collector, Verdict
from dhtt_docs.vnformat import format_percent

COUNTED = {"members": Text("thành viên Hội đồng", "council members"),
           "present": Text("thành viên Hội đồng có mặt", "council members present"),
           "valid_ballots": Text("phiếu hợp lệ", "valid ballots")}


def approval_base(profile: Profile, sub: Submission) -> int:
    """What the share of votes is counted on."""
    council = sub.council
    base = profile.council.approval.base
    if base == "present":
        return sum(1 for m in council.members if m.present)
    if base == "valid_ballots":
        return council.ballots.valid
    return len(council.members)


def count_votes(v: Verdict, votes: int, profile: Profile, sub: Submission, col: Collector) -> None:
    """Record a candidate's votes and share; a share under the threshold is an error."""
    rules = profile.council.approval
    base = approval_base(profile, sub)
    v.votes = votes
    v.approval = votes / base if base else 0.0
    v.approved = rules.approves(votes, base)
    valid = sub.council.ballots.valid
    name = v.candidate.name
    if votes > valid:
        col.add(Severity.ERROR, "votes.over_valid",
                t(f"{name} có {votes} phiếu, nhiều hơn số phiếu hợp lệ ({valid}). Hãy sửa lại.",
                  f"{name} has {votes} votes, more than the valid ballots ({valid}). Fix the number."),
                "council", "votes", v.id, params={"votes": votes, "valid": valid})
    elif not v.approved:
        counted, share = COUNTED[rules.base], format_percent(v.approval)
        need = profile.approval_text()
        clause = f" ({rules.clause})" if rules.clause else ""
        if rules.fail is not None:
            msg = rules.fail.text(name=name, votes=votes, base=base, share=share, threshold=need,
                                  clause=rules.clause)
        else:
            msg = t(f"{name} được {votes}/{base} {counted.vi} đồng ý ({share}), chưa đạt {need.vi}{clause}. "
                    "Không thể đề nghị; nếu số phiếu ghi nhầm, hãy sửa lại.",
                    f"{name} is approved by {votes}/{base} {counted.en} ({share}), not {need.en}{clause}. "
                    "The candidate cannot be proposed; if the vote count was mistyped, fix it.")
        col.add(Severity.ERROR, "votes.below_threshold", msg, "council", "votes", v.id,
                params={"votes": votes, "base": base})


def not_approved_reason(v: Verdict, profile: Profile, sub: Submission) -> str:
    """The Danh sách's words for a candidate the votes did not carry (Vietnamese, for the documents)."""
    return f"số phiếu đồng ý ({v.votes}/{approval_base(profile, sub)}) chưa đạt {profile.approval_text().vi}"
