"""Where the templates are: the built-in ones, a user's folder, and exporting them to customise."""

from __future__ import annotations

import functools
import shutil
from importlib import resources
from pathlib import Path

from dhtt_docs.documents.context import variables_markdown
from dhtt_docs.exceptions import DhttError
from dhtt_docs.i18n import tr

# Template kind -> file name (in templates/ and in a user's --templates folder).
TEMPLATE_FILES = {
    "to-trinh": "to-trinh.docx",
    "danh-sach": "danh-sach.docx",
    "bien-ban": "bien-ban-hop-hoi-dong.docx",
    "bao-cao-ca-nhan": "bao-cao-thanh-tich-ca-nhan.docx",
    "bao-cao-tap-the": "bao-cao-thanh-tich-tap-the.docx",
}
REPORT_KINDS = ("bao-cao-ca-nhan", "bao-cao-tap-the")
VARIABLES_FILE = "template-variables.md"

@functools.cache
def builtin_templates_dir() -> Path:
    """The templates shipped in the wheel (dhtt_docs/templates), else the repository's templates/
    (found once per process: a build asks for each document's template)."""
    try:
        shipped = resources.files("dhtt_docs") / "templates"
        if shipped.is_dir() and (shipped / TEMPLATE_FILES["to-trinh"]).is_file():
            return Path(str(shipped))
    except (ModuleNotFoundError, TypeError):   # pragma: no cover - unusual installs
        pass
    return Path(__file__).resolve().parents[3] / "templates"


def template_path(kind: str, templates_dir: Path | None = None) -> Path:
    """A user's template when the folder has one by that name, else the built-in one."""
    name = TEMPLATE_FILES[kind]
    if templates_dir is not None and (Path(templates_dir) / name).is_file():
        return Path(templates_dir) / name
    return builtin_templates_dir() / name


def export_templates(dest: Path, *, overwrite: bool = False) -> list[Path]:
    """Copy the built-in templates (and the list of variables) into `dest`; never overwrite by default."""
    dest = Path(dest)
    src = builtin_templates_dir()
    targets = [dest / name for name in TEMPLATE_FILES.values()] + [dest / VARIABLES_FILE]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        names = ", ".join(t.name for t in existing)
        raise DhttError(tr(f"Thư mục '{dest}' đã có {names}: không ghi đè. "
                           "Hãy chọn thư mục khác, hoặc xóa (đổi tên) các tệp đó rồi chạy lại.",
                           f"The folder '{dest}' already has {names}: not overwriting. "
                           "Choose another folder, or delete (rename) those files and run again."))
    dest.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATE_FILES.values():
        shutil.copyfile(src / name, dest / name)
    (dest / VARIABLES_FILE).write_text(variables_markdown(), encoding="utf-8")
    return targets
