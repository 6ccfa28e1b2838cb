"""`dhtt-docs plan`: the plan profiles (criteria as data): list the shipped ones, copy one to edit, check one."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dhtt_docs.cli.options import lang_option
from dhtt_docs.exceptions import UsageProblem
from dhtt_docs.findings import Severity, sort_findings
from dhtt_docs.i18n import tr


@click.group()
def plan() -> None:
    """Bộ tiêu chí của kế hoạch: xem, sao một bộ để sửa, kiểm tra tệp tự viết.

    \b
    Ví dụ:
      dhtt-docs plan list
      dhtt-docs plan new ke-hoach/2100-KH-BHXH.yaml --from 1935/KH-BHXH
      dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
    """


@plan.command("list")
@lang_option
def plan_list() -> None:
    """Các bộ tiêu chí có sẵn (số kế hoạch, giai đoạn, tên)."""
    from dhtt_docs.rules.profile import shipped_plans

    for s in shipped_plans():
        if s.profile is None:
            first = s.findings[0] if s.findings else None
            click.secho(tr(f"{s.path.name}: HỎNG — ", f"{s.path.name}: BROKEN — ")
                        + (f"{first.where()}: {first.text()}" if first else ""), fg="red")
            continue
        p = s.profile
        click.echo(f"{p.id}  {p.window.text()}  {p.title}")
    click.echo(tr("Dùng trong submission.yaml: 'plan: <số kế hoạch>', hoặc 'plan: <đường dẫn tệp bộ tiêu chí>' "
                  "(tạo bằng `dhtt-docs plan new`).",
                  "Use in submission.yaml: 'plan: <plan number>', or 'plan: <path of a profile file>' "
                  "(make one with `dhtt-docs plan new`)."))


@plan.command("new")
@lang_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--from", "source", metavar="ID|FILE", default=None,
              help="Bộ tiêu chí để sao (số kế hoạch có sẵn hoặc một tệp); mặc định: kế hoạch có sẵn mới nhất.")
@click.option("--overwrite", is_flag=True, help="Ghi đè FILE nếu đã có.")
def plan_new(file: Path, source: str | None, overwrite: bool) -> None:
    """Sao một bộ tiêu chí (có chú thích từng khóa) ra FILE để sửa cho kế hoạch của đơn vị.

    \b
    Ví dụ:
      dhtt-docs plan new ke-hoach/2100-KH-BHXH.yaml
      (sửa tệp, rồi)
      dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
    """
    from dhtt_docs.rules.profile import plan_file_name, plans_dir, shipped_plans

    if file.exists() and not overwrite:
        raise UsageProblem(tr(f"Tệp '{file}' đã có: chọn tên khác, hoặc thêm --overwrite để ghi đè.",
                              f"'{file}' already exists: choose another name, or add --overwrite."))
    if source is None:
        usable = [s for s in shipped_plans() if s.profile is not None]
        if not usable:
            raise UsageProblem(tr("Không có bộ tiêu chí có sẵn nào để sao: hãy dùng --from <tệp>.",
                                  "No shipped profile to copy: use --from <file>."))
        origin = max(usable, key=lambda s: (s.profile.window.first_year, s.profile.document.date)).path
    elif (plans_dir() / plan_file_name(source)).is_file() and not source.lower().endswith((".yaml", ".yml")):
        origin = plans_dir() / plan_file_name(source)
    elif Path(source).is_file():
        origin = Path(source)
    else:
        from dhtt_docs.rules.profile import available_plans
        raise UsageProblem(tr(f"Không có bộ tiêu chí '{source}'. Có sẵn: {', '.join(available_plans())}; "
                              "hoặc ghi đường dẫn một tệp.",
                              f"No profile '{source}'. Shipped: {', '.join(available_plans())}; or give a file's path."))
    header = tr(
        f"# Bộ tiêu chí sao từ {origin.name}. Sửa: id, title, document, proposal, window, tiêu chí\n"
        "# (clause, fail, basis...), danh mục khen thưởng, kỷ luật, cách tính phiếu. Mọi khóa: docs/plan-profile.md.\n"
        f"# Kiểm tra: dhtt-docs plan check {file}\n"
        "# Dùng: trong submission.yaml ghi 'plan: <đường dẫn tới tệp này, tính từ thư mục đợt xét>'.\n",
        f"# Profile copied from {origin.name}. Edit: id, title, document, proposal, window, the criteria\n"
        "# (clause, fail, basis...), the award catalogue, discipline, how votes count. Every key: docs/plan-profile.md.\n"
        f"# Check: dhtt-docs plan check {file}\n"
        "# Use: in submission.yaml write 'plan: <path of this file, from the round folder>'.\n")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(header + origin.read_text(encoding="utf-8"), encoding="utf-8")
    except OSError as e:
        raise UsageProblem(tr(f"Không ghi được '{file}': {e.strerror or e}.",
                              f"Cannot write '{file}': {e.strerror or e}.")) from None
    click.echo(tr(f"Đã tạo {file} (sao từ {origin.name}). Sửa tệp, rồi chạy: dhtt-docs plan check {file}",
                  f"Created {file} (copied from {origin.name}). Edit it, then run: dhtt-docs plan check {file}"))


@plan.command("check")
@lang_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: để đọc; json: cho chương trình khác.")
def plan_check(file: Path, fmt: str) -> None:
    """Kiểm tra một tệp bộ tiêu chí: mọi lỗi, theo dòng và khóa.

    \b
    Ví dụ:
      dhtt-docs plan check ke-hoach/2100-KH-BHXH.yaml
    """
    from dhtt_docs.cli.textreport import finding_lines
    from dhtt_docs.rules.profile import check_profile_file

    profile, findings = check_profile_file(file, str(file))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if fmt == "json":
        click.echo(json.dumps({"ok": not errors and profile is not None, "plan": profile.id if profile else None,
                               "findings": [f.to_json("vi") for f in sort_findings(findings)]},
                              ensure_ascii=False, indent=2))
        sys.exit(0 if profile is not None and not errors else 1)
    for f in sort_findings(findings):
        for line in finding_lines(f):
            click.echo(line)
    if profile is None or errors:
        click.secho(tr(f"{file}: {len(errors)} lỗi — sửa các dòng trên rồi chạy lại.",
                       f"{file}: {len(errors)} error{'s' if len(errors) != 1 else ''} — fix the lines above and "
                       "run again."), fg="red", bold=True)
        sys.exit(1)
    for line in describe(profile):
        click.echo(line)
    click.secho(tr(f"{file}: không có lỗi.", f"{file}: no errors."), fg="green")


def describe(profile) -> list[str]:
    """What the profile decides, in a few lines a secretary can compare with the plan's text."""
    from dhtt_docs.rules.profile import KINDS, needed

    kind_words = {"individual": tr("Cá nhân", "Individuals"), "collective": tr("Tập thể", "Collectives")}
    lines = [tr(f"Kế hoạch {profile.id}, giai đoạn {profile.window.text()}: {profile.title}",
                f"Plan {profile.id}, period {profile.window.text()}: {profile.title}")]
    for kind in KINDS:
        rules = profile.rules_for(kind)
        if rules is None or not profile.selects_kind(kind):
            continue
        n = len(rules.tracks)
        k = needed(rules.combine, n)
        lines.append(tr(f"{kind_words[kind]} ({rules.clause}), ít nhất {profile.selects[kind].min}: "
                        f"đạt khi đạt {k}/{n} nhóm tiêu chí:",
                        f"{kind_words[kind]} ({rules.clause}), at least {profile.selects[kind].min}: "
                        f"eligible when {k} of {n} tracks hold:"))
        for tr_ in rules.tracks:
            kk = needed(tr_.combine, len(tr_.criteria))
            crit = ", ".join(c.id for c in tr_.criteria)
            lines.append(tr(f"  - {tr_.label.vi}: {kk}/{len(tr_.criteria)} tiêu chí ({crit})",
                            f"  - {tr_.label.en or tr_.label.vi}: {kk} of {len(tr_.criteria)} criteria ({crit})"))
    lines.append(tr(f"Phiếu đồng ý: {profile.approval_text().vi}", f"Approval: {profile.approval_text().en}"))
    return lines
