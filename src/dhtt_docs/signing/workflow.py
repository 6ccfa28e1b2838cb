"""Signing a built round, field by field: OUT/documents/*.pdf -> OUT/signed/*.pdf, then the signed bag.

The first signature of a document starts from the built PDF; every later one
is appended to the signed copy (incremental update). A signed copy whose
unsigned part is no longer the built PDF (the round was built again after
signing) is refused: its signatures belong to another version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dhtt_docs.i18n import tr
from dhtt_docs.signing.layout import CO_QUAN
from dhtt_docs.signing.sign import Appearance, SigningError, sign_pdf

DOCUMENTS, SIGNED, BUNDLE = "documents", "signed", "bundle"
_TTR_NUMBER = re.compile(r"Số\s*:\s*(\d+\s*/\s*TTr\S*)")


@dataclass(frozen=True)
class SignedDocument:
    name: str          # file name, e.g. to-trinh.pdf
    status: str        # "signed" | "already"


def field_state(pdf: Path) -> dict[str, bool]:
    """The PDF's signature fields: name -> signed already?"""
    from pypdf import PdfReader

    fields = PdfReader(str(pdf)).get_fields() or {}
    return {name: f.get("/V") is not None for name, f in fields.items() if f.get("/FT") == "/Sig"}


def main_document_number(out: Path) -> str:
    """The Tờ trình's number and symbol as printed (e.g. 125/TTr-BHXH), for the Danh sách's stamp."""
    from pypdf import PdfReader

    tt = out / DOCUMENTS / "to-trinh.pdf"
    text = PdfReader(str(tt)).pages[0].extract_text() if tt.is_file() else ""
    m = _TTR_NUMBER.search(text or "")
    if not m:
        raise SigningError(tr(
            "Tờ trình chưa có số (Số: .../TTr-...): văn thư cấp số trước khi đóng dấu số lên Danh sách. "
            "Ghi submission.number trong submission.yaml, chạy lại dhtt-docs build, rồi ký lại từ đầu.",
            "The Tờ trình has no number yet (Số: .../TTr-...): the văn thư gives it a number before the "
            "seal goes on the Danh sách. Set submission.number in submission.yaml, run dhtt-docs build again, "
            "then sign again from the first signature."))
    return re.sub(r"\s+", "", m.group(1))


def sign_round(out: Path, field: str, signer, *, image: Path | None = None, tsa: str | None = None,
               now: datetime | None = None) -> list[SignedDocument]:
    """Sign `field` in every built document that has it; the results, by document."""
    built = sorted((out / DOCUMENTS).glob("*.pdf"))
    if not built:
        raise SigningError(tr(f"Chưa có văn bản PDF nào trong {out / DOCUMENTS}: chạy dhtt-docs build trước.",
                              f"No PDF documents in {out / DOCUMENTS}: run dhtt-docs build first."))
    todo = []
    for pdf in built:
        signed = out / SIGNED / pdf.name
        source = signed if signed.is_file() else pdf
        if signed.is_file() and not signed.read_bytes().startswith(pdf.read_bytes()):
            raise SigningError(tr(
                f"{signed} được ký trên một bản cũ của {pdf.name} (văn bản đã lập lại sau khi ký). Xóa thư mục "
                f"{out / SIGNED} và ký lại theo thứ tự, bắt đầu từ chữ ký đầu tiên.",
                f"{signed} was signed on an older version of {pdf.name} (the document was built again after "
                f"signing). Delete the folder {out / SIGNED} and sign again in order, from the first signature."))
        state = field_state(source)
        if field in state:
            todo.append((pdf, source, signed, state[field]))
    if not todo:
        raise SigningError(tr(f"Không văn bản nào trong {out / DOCUMENTS} có ô ký '{field}'. Xem docs/signing.md: "
                              "ô nào của văn bản nào.",
                              f"No document in {out / DOCUMENTS} has the signature field '{field}'. See "
                              "docs/signing.md for which document has which field."))
    number = None
    results = []
    for pdf, source, signed, done in todo:
        if done:
            results.append(SignedDocument(pdf.name, "already"))
            continue
        role = _role(pdf, field)
        if role == "stamp" and number is None:
            number = main_document_number(out)
        sign_pdf(source, signed, field, signer,
                 Appearance(role, image=None if role == "stamp" else image, stamp_number=number),
                 tsa=tsa, now=now)
        results.append(SignedDocument(pdf.name, "signed"))
    return results


def _role(pdf: Path, field: str) -> str:
    if field != CO_QUAN:
        return "signature"
    return "stamp" if pdf.name.startswith("danh-sach") else "seal"
