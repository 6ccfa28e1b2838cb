"""The signatures of a PDF, checked with pyHanko: intact, trusted, and what changed after each.

For each signature: the field, the signer (certificate subject), the signing
time (in Vietnam's time zone), whether the signed bytes are intact and the
cryptography holds, whether the certificate chains to a given root
(--trust ROOT.pem; without it, trust is not checked), and whether the file
was changed after it: nothing; only later signatures or form filling
(allowed); or other changes (not allowed: the signature no longer speaks for
what is shown).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from dhtt_docs.i18n import tr
from dhtt_docs.signing.sign import VN_TZ


@dataclass(frozen=True)
class SignatureCheck:
    field: str
    signer: str
    signing_time: datetime | None
    intact: bool             # the signed bytes are unchanged and the signature's cryptography is valid
    trusted: bool | None     # None: no trust root given
    changes_after: str       # "none" | "allowed" | "other"
    timestamped: bool
    problem: str = ""

    @property
    def broken(self) -> bool:
        return not self.intact or self.changes_after == "other"

    def lines(self) -> list[str]:
        when = self.signing_time.astimezone(VN_TZ).replace(microsecond=0).isoformat() if self.signing_time else "?"
        ok = tr("còn nguyên vẹn", "intact") if self.intact else tr("HỎNG (nội dung đã ký bị sửa)",
                                                                     "BROKEN (the signed content was changed)")
        trust = {None: tr("chưa kiểm tra (thêm --trust ROOT.pem)", "not checked (add --trust ROOT.pem)"),
                 True: tr("tin cậy", "trusted"),
                 False: tr("KHÔNG tin cậy (chứng thư không thuộc gốc đã cho)",
                           "NOT trusted (the certificate does not chain to the given root)")}[self.trusted]
        after = {"none": tr("không", "none"),
                 "allowed": tr("chỉ thêm chữ ký / điền ô ký sau đó (được phép)",
                               "only later signatures / form filling (allowed)"),
                 "other": tr("CÓ sửa đổi khác sau khi ký", "OTHER changes after signing")}[self.changes_after]
        out = [tr(f"Ô ký '{self.field}': {self.signer}", f"Field '{self.field}': {self.signer}"),
               tr(f"    thời điểm ký: {when}{' (có dấu thời gian)' if self.timestamped else ''}",
                  f"    signing time: {when}{' (timestamped)' if self.timestamped else ''}"),
               tr(f"    chữ ký: {ok}; chứng thư: {trust}; thay đổi sau khi ký: {after}",
                  f"    signature: {ok}; certificate: {trust}; changes after signing: {after}")]
        if self.problem:
            out.append(f"    {self.problem}")
        return out


def load_roots(pem: Path) -> list:
    """The certificates of a PEM (or DER) file, as trust roots."""
    from asn1crypto import pem as asn1_pem
    from asn1crypto import x509

    data = Path(pem).read_bytes()
    if asn1_pem.detect(data):
        return [x509.Certificate.load(der) for _, _, der in asn1_pem.unarmor(data, multiple=True)]
    return [x509.Certificate.load(data)]


def verify_pdf_bytes(data: bytes, roots: list | None = None) -> list[SignatureCheck]:
    """Every signature of the PDF in `data`, in signing order."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    out = []
    for sig in reader.embedded_regular_signatures:
        context = ValidationContext(trust_roots=list(roots or []), allow_fetching=False)
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except Exception as e:  # noqa: BLE001 - a mangled signature is a broken one, said as such
            out.append(SignatureCheck(sig.field_name, _subject(sig), None, False, None, "other", False,
                                      f"{type(e).__name__}: {e}"))
            continue
        out.append(SignatureCheck(
            field=sig.field_name, signer=status.signing_cert.subject.human_friendly,
            signing_time=_when(status), intact=bool(status.intact and status.valid),
            trusted=bool(status.trusted) if roots else None, changes_after=_changes(status),
            timestamped=status.timestamp_validity is not None))
    return out


def verify_pdf(path: Path, roots: list | None = None) -> list[SignatureCheck]:
    return verify_pdf_bytes(Path(path).read_bytes(), roots)


def _subject(sig) -> str:
    try:
        return sig.signer_cert.subject.human_friendly
    except Exception:  # noqa: BLE001
        return "?"


def _when(status) -> datetime | None:
    if status.timestamp_validity is not None:
        return status.timestamp_validity.timestamp
    return status.signer_reported_dt


def _changes(status) -> str:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return "none"
    level = status.modification_level
    if status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and level is not None and status.docmdp_ok \
            and level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING):
        return "allowed"
    return "other"
