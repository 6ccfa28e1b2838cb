"""`dhtt-docs init`: Create a new round folder."""

from __future__ import annotations

from pathlib import Path

import click

from dhtt_docs.cli.options import command, lang_option
from dhtt_docs.i18n import tr

PLAN_HELP = ("Kế hoạch áp dụng: số hiệu một kế hoạch có sẵn, hoặc đường dẫn tới tệp kế hoạch .yaml "
             "(mặc định: kế hoạch có sẵn mới nhất gồm năm xét).")


@click.command()
@lang_option
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--year", type=click.IntRange(1945, 2100), default=None,
              help="Năm xét (mặc định: năm nay nếu thuộc giai đoạn của kế hoạch).")
@click.option("--plan", "plan", metavar="ID|FILE", default=None, help=PLAN_HELP)
def init(folder: Path, year: int | None, plan: str | None) -> None:
    """Tạo thư mục một đợt xét mới: submission.yaml có chú thích, candidates/, attachments/.

    \b
    Ví dụ:
      dhtt-docs init dossiers/bhxh-thanh-hoa-2025
      dhtt-docs init bhxh-quang-binh-2024 --year 2024
      dhtt-docs init bhxh-nghe-an-2027 --plan ../ke-hoach/ke-hoach-2026-2030.yaml
    """
    import datetime as _dt
    from dhtt_docs.dossier.scaffold import assumed_plan, choose_plan, init_round, plan_line

    this_year = _dt.date.today().year
    profile, chosen = choose_plan(plan, year, this_year, Path.cwd())
    note = assumed_plan(plan, year, this_year, profile)
    year = chosen
    created = init_round(folder, year, profile, plan_line(profile, plan, folder, Path.cwd()))
    click.echo(tr(f"Đã tạo đợt xét trong {folder}:", f"Created a round in {folder}:"))
    for p in created:
        click.echo(f"  {p}")
    click.echo(tr(f"Năm xét {year}, theo kế hoạch {profile.id} ({profile.window.text()}).",
                  f"Round year {year}, under the plan {profile.id} ({profile.window.text()})."))
    if note:
        click.secho(note, fg="yellow")
    template = command("dhtt-docs", "xlsx", "template", "ds.xlsx", "--plan", plan or profile.id)
    click.echo(tr("Tiếp theo: điền submission.yaml; thêm ứng viên bằng "
                  f"`{command('dhtt-docs', 'new', 'individual')} <mã> --in {command(folder)}` hoặc `{template}`; "
                  f"kiểm tra bằng `{command('dhtt-docs', 'validate', folder)}`.",
                  "Next: fill in submission.yaml; add candidates with "
                  f"`{command('dhtt-docs', 'new', 'individual')} <id> --in {command(folder)}` or `{template}`; "
                  f"check with `{command('dhtt-docs', 'validate', folder)}`."))
