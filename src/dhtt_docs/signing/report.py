"""What `verify` prints about signatures: of one PDF, or of every signed PDF in a bag."""

from __future__ import annotations

import zipfile
from pathlib import Path

import click

from dhtt_docs.exceptions import DhttError
from dhtt_docs.i18n import tr
from dhtt_docs.signing.verify import SignatureCheck, load_roots, verify_pdf_bytes


def verify_signatures(path: Path, trust: Path | None, *, in_bag: bool = False) -> int:
    """Print each signature's check; 1 when one is broken (or a lone PDF has none), else 0."""
    try:
        roots = load_roots(trust) if trust else None
    except Exception as e:  # noqa: BLE001 - not a certificate file
        raise click.UsageError(tr(f"Không đọc được chứng thư gốc {trust} ({type(e).__name__}): cần tệp PEM.",
                                  f"Cannot read the root certificate {trust} ({type(e).__name__}): a PEM file "
                                  "is needed.")) from None
    if not in_bag:
        checks = _checks(path.name, path.read_bytes(), roots)
        if not checks:
            click.secho(tr(f"{path} không có chữ ký số nào.", f"{path} has no digital signature."), fg="red")
            return 1
        return _show(path.name, checks)
    broken = 0
    with zipfile.ZipFile(path) as zf:
        for name in sorted(zf.namelist()):
            if "/data/" not in name or not name.lower().endswith(".pdf"):
                continue
            data = zf.read(name)
            if b"/ByteRange" not in data:
                continue
            label = name.split("/data/", 1)[1]
            broken |= _show(label, _checks(label, data, roots))
    return broken


def _checks(label: str, data: bytes, roots) -> list[SignatureCheck]:
    try:
        return verify_pdf_bytes(data, roots)
    except Exception as e:  # noqa: BLE001 - not a PDF, or too damaged to read: said, not a traceback
        raise DhttError(tr(f"Không đọc được {label} như một tệp PDF ({type(e).__name__}: {e}).",
                           f"{label} cannot be read as a PDF ({type(e).__name__}: {e}).")) from None


def _show(label: str, checks: list[SignatureCheck]) -> int:
    bad = [c for c in checks if c.broken]
    colour = "red" if bad else "green"
    click.secho(tr(f"{label}: {len(checks)} chữ ký số" + (f", {len(bad)} chữ ký HỎNG" if bad else ", đều hợp lệ"),
                   f"{label}: {len(checks)} digital signature(s)" + (f", {len(bad)} BROKEN" if bad else
                                                                      ", all valid")), fg=colour, bold=True)
    for c in checks:
        for line in c.lines():
            click.echo(f"  {line}")
    return 1 if bad else 0
