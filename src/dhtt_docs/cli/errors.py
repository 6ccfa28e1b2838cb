"""How the CLI reports what stops it: usage errors in one line (exit 2), bugs in one line (exit 3)."""

from __future__ import annotations

import click

from dhtt_docs.findings import Finding, Severity
from dhtt_docs.i18n import Text, t, tr

EXIT_USAGE = 2
EXIT_INTERNAL = 3


def usage_line(error: click.UsageError) -> str:
    """'Lỗi: <what is wrong> (hướng dẫn: dhtt-docs validate --help)': click's usage error in one line."""
    line = tr("Lỗi: ", "Error: ") + error.format_message()
    ctx = error.ctx
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        line += tr(f" (hướng dẫn: {ctx.command_path} --help)", f" (help: {ctx.command_path} --help)")
    return line


def internal_error_text(exc: BaseException) -> Text:
    what = f"{type(exc).__name__}: {exc}"
    return t(f"Lỗi nội bộ của dhtt-docs: {what}. Đây là lỗi của chương trình, không phải của hồ sơ: chạy lại "
             "với --debug để xem chi tiết và gửi cho người bảo trì.",
             f"Internal error in dhtt-docs: {what}. This is a bug in the program, not in the dossier: run again "
             "with --debug to see the details, and send them to the maintainers.")


def internal_error_json(exc: BaseException, plan: str | None = None) -> dict:
    """The JSON of `validate --format json` when the check itself failed: one error finding saying to report it."""
    finding = Finding(Severity.ERROR, internal_error_text(exc), clause="internal", code="internal.error")
    return {"ok": False, "plan": plan, "candidates": [], "findings": [finding.to_json()]}
