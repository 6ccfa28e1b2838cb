"""Digital signatures with pyHanko: a key from a PKCS#12 file or a PKCS#11 token, one field at a time.

Each signature is an incremental update (PAdES baseline B-B, or B-T with an
RFC 3161 timestamp), an approval signature without DocMDP restrictions, so
the leader signs first and the văn thư's seal added after leaves the first
signature valid. Appearances follow NĐ 30/2020, Phụ lục I:
- a signer's field: the signature image (blue, transparent PNG) centred in the
  field, which lies between the title and the name;
- the agency's seal (co-quan) on the main document: the seal image at its real
  size (from the PNG's dpi), its right edge over the left third of the
  signer's field;
- the agency's signature on an attached document (the Danh sách): no image, the
  text "number/symbol of the main document" and the signing time (ISO 8601,
  +07:00), Times New Roman (Liberation Serif, metric-compatible), upright,
  10 pt, black.
Nothing is stamped on a page after it is signed (a stamp after a signature
invalidates it): every visible mark is the signature field's own appearance.
"""

from __future__ import annotations

import logging
import shutil
from contextlib import contextmanager
from functools import lru_cache
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

from dhtt_docs.exceptions import DhttError, UsageProblem
from dhtt_docs.i18n import tr

VN_TZ = timezone(timedelta(hours=7), "+07:00")
STAMP_FONT_SIZE = 10
_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/liberation-serif/LiberationSerif-Regular.ttf",
    "C:/Windows/Fonts/times.ttf",
    "/Library/Fonts/Times New Roman.ttf",
)


class SigningError(DhttError):
    """A document could not be signed; the message says which and what to do."""


@dataclass(frozen=True)
class KeySpec:
    """Where the key is: a PKCS#12 file, or a PKCS#11 module and token."""
    p12: Path | None = None
    password: bytes | None = None
    pkcs11_lib: str | None = None
    token: str | None = None
    key_label: str | None = None
    pin: str | None = None


@contextmanager
def open_signer(spec: KeySpec) -> Iterator[object]:
    """A pyHanko signer for the key; a PKCS#11 session is closed when the block ends."""
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)   # its failures come back as our one-line messages
    if spec.p12 is not None:
        yield _p12_signer(spec)
        return
    from pyhanko.sign import pkcs11

    try:
        from pkcs11.exceptions import PKCS11Error
    except ImportError:  # pragma: no cover - python-pkcs11 comes with pyhanko[pkcs11]
        PKCS11Error = Exception  # noqa: N806
    try:
        session = pkcs11.open_pkcs11_session(spec.pkcs11_lib, token_criteria=pkcs11.TokenCriteria(label=spec.token),
                                             user_pin=spec.pin)
    except Exception as e:  # noqa: BLE001 - the module, the token or the PIN; all said the same way
        raise SigningError(tr(
            f"Không mở được token '{spec.token}' qua thư viện PKCS#11 {spec.pkcs11_lib} ({_why(e)}). Kiểm tra "
            "token đã cắm, tên token (--token), đường dẫn thư viện (--pkcs11) và mã PIN.",
            f"Could not open token '{spec.token}' through the PKCS#11 module {spec.pkcs11_lib} ({_why(e)}). "
            "Check that the token is plugged in, its label (--token), the module path (--pkcs11) and the PIN.")) from None
    try:
        key_label, key_id = spec.key_label, None
        if key_label is None:
            key_label, key_id = _only_key(session, spec)
        try:
            signer = pkcs11.PKCS11Signer(session, key_label=key_label, key_id=key_id, cert_id=key_id,
                                         other_certs_to_pull=None)
            signer.signing_cert  # noqa: B018 - loads key and certificate now, to report a wrong label here
        except (PKCS11Error, Exception) as e:  # noqa: BLE001
            raise SigningError(tr(
                f"Không tìm thấy khóa và chứng thư '{key_label or key_id.hex()}' trên token '{spec.token}' "
                f"({_why(e)}). Xem các khóa bằng: pkcs11-tool --module {spec.pkcs11_lib} --list-objects, rồi "
                "chọn bằng --key NHÃN.",
                f"No key and certificate '{key_label or key_id.hex()}' on token '{spec.token}' ({_why(e)}). "
                f"List them with: pkcs11-tool --module {spec.pkcs11_lib} --list-objects, then choose one with "
                "--key LABEL.")) from None
        yield signer
    finally:
        session.close()


def _only_key(session, spec: KeySpec) -> tuple[str | None, bytes | None]:
    """Without --key: the token's one private key (its label, or its id when it has no label)."""
    from pkcs11 import Attribute, ObjectClass

    keys = list(session.get_objects({Attribute.CLASS: ObjectClass.PRIVATE_KEY}))
    if len(keys) != 1:
        labels = ", ".join(sorted(str(k.label) for k in keys)) or "-"
        raise SigningError(tr(
            f"Token '{spec.token}' có {len(keys)} khóa ({labels}): chọn một bằng --key NHÃN.",
            f"Token '{spec.token}' holds {len(keys)} keys ({labels}): choose one with --key LABEL."))
    key = keys[0]
    try:
        return key.label or None, (None if key.label else bytes(key[Attribute.ID]))
    except Exception:  # noqa: BLE001 - a key without label and id cannot be chosen
        return None, None


def _p12_signer(spec: KeySpec):
    from pyhanko.sign import signers

    if not spec.p12.is_file():
        raise UsageProblem(tr(f"Không có tệp khóa {spec.p12}.", f"Key file {spec.p12} does not exist."))
    try:
        signer = signers.SimpleSigner.load_pkcs12(str(spec.p12), passphrase=spec.password)
    except Exception as e:  # noqa: BLE001
        signer, err = None, e
    else:
        err = None
    if signer is None:
        raise SigningError(tr(
            f"Không mở được tệp khóa {spec.p12}: sai mật khẩu hoặc không phải tệp PKCS#12 (.p12/.pfx)"
            f"{' (' + _why(err) + ')' if err else ''}.",
            f"Could not open key file {spec.p12}: wrong password, or not a PKCS#12 (.p12/.pfx) file"
            f"{' (' + _why(err) + ')' if err else ''}."))
    return signer


def _why(e: BaseException | None) -> str:
    return (f"{type(e).__name__}: {e}" if str(e) else type(e).__name__) if e else ""


@dataclass(frozen=True)
class Appearance:
    """How a field looks once signed: an image (signature or seal), or the attached document's text stamp."""
    role: str                           # "signature" | "seal" | "stamp"
    image: Path | None = None
    stamp_number: str | None = None     # the main document's number and symbol, for role "stamp"


def stamp_font() -> Path:
    """Times New Roman or, on Linux, its metric twin Liberation Serif."""
    for candidate in _FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise UsageProblem(tr("Thiếu phông Liberation Serif (thay Times New Roman): sudo apt-get install fonts-liberation2.",
                          "The Liberation Serif font (for Times New Roman) is missing: "
                          "sudo apt-get install fonts-liberation2."))


_VIETNAMESE = [*range(0x20, 0x7F), *range(0xC0, 0x1B1), *range(0x1EA0, 0x1EFA), 0x300, 0x301, 0x303, 0x309, 0x323]


@lru_cache(maxsize=1)
def stamp_font_file() -> str:
    """The stamp's font as pyHanko can embed it: Latin and Vietnamese letters, scaled to 1000 units per em.

    pyHanko 0.38 writes a TrueType font's glyph widths (/W) in the font's own
    units, which PDF reads as thousandths of an em; Liberation Serif has 2048
    units per em, so its text came out spread over twice its width. Scaling the
    font to 1000 units per em makes the two agree.
    """
    import logging
    import tempfile

    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    font = TTFont(str(stamp_font()))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=_VIETNAMESE)
    sub.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    folder = Path(tempfile.mkdtemp(prefix="dhtt-font-"))
    path = folder / "LiberationSerif-Regular.ttf"
    font.save(str(path))
    import atexit
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return str(path)


def vn_time(moment: datetime) -> str:
    """2024-11-25T09:15:30+07:00: date, hour, minute, second, Vietnam's time zone (ISO 8601)."""
    return moment.astimezone(VN_TZ).replace(microsecond=0).isoformat()


def sign_pdf(src: Path, dst: Path, field: str, signer, appearance: Appearance, *, tsa: str | None = None,
             now: datetime | None = None) -> None:
    """Sign the existing empty field `field` of `src` into `dst` (incremental update; dst may be src)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields as hfields
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    data = Path(src).read_bytes()
    import io

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)   # LibreOffice's hybrid xref files too
    found = {name: (value, ref) for name, value, ref in hfields.enumerate_sig_fields(writer)}
    if field not in found:
        raise SigningError(tr(f"{src.name} không có ô ký '{field}'.", f"{src.name} has no signature field '{field}'."))
    if found[field][0] is not None:
        raise SigningError(tr(f"Ô ký '{field}' của {src.name} đã được ký.",
                              f"The field '{field}' of {src.name} is already signed."))
    moment = now or datetime.now(VN_TZ)
    style = _style(writer, found[field][1], appearance)
    timestamper = None
    if tsa:
        from pyhanko.sign.timestamps import HTTPTimeStamper
        timestamper = HTTPTimeStamper(tsa)
    meta = signers.PdfSignatureMetadata(field_name=field, md_algorithm="sha256",
                                        subfilter=SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, timestamper=timestamper)
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(writer, existing_fields_only=True, output=out,
                            appearance_text_params={"number": appearance.stamp_number or "",
                                                    "vntime": vn_time(moment)})
    except Exception as e:  # noqa: BLE001 - pyHanko, the token, the TSA: say which document
        raise SigningError(tr(f"Không ký được {src.name}, ô '{field}': {_why(e)}.",
                              f"Could not sign {src.name}, field '{field}': {_why(e)}.")) from None
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    partial = dst.with_name(f".{dst.name}.part")
    partial.write_bytes(out.getvalue())
    partial.replace(dst)


def _style(writer, field_ref, appearance: Appearance):
    """The pyHanko stamp style for the field's role (and, for a seal image, the field resized to real size)."""
    from pyhanko.pdf_utils import layout
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import StaticStampStyle, TextStampStyle

    logging.getLogger("pyhanko.pdf_utils.layout").setLevel(logging.ERROR)   # "content box too wide" notes

    if appearance.role == "stamp" or appearance.image is None:
        text = ("%(number)s\n%(vntime)s" if appearance.role == "stamp"
                else "Ký số bởi: %(signer)s\n%(vntime)s")
        align = layout.AxisAlignment.ALIGN_MAX if appearance.role == "stamp" else layout.AxisAlignment.ALIGN_MID
        return TextStampStyle(
            stamp_text=text, border_width=0, background=None,
            text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font_file(), font_size=STAMP_FONT_SIZE),
                                        font_size=STAMP_FONT_SIZE, leading=STAMP_FONT_SIZE + 2, text_color=(0, 0, 0)),
            inner_content_layout=layout.SimpleBoxLayoutRule(x_align=align, y_align=layout.AxisAlignment.ALIGN_MID,
                                                            margins=layout.Margins.uniform(1),
                                                            inner_content_scaling=layout.InnerScaling.NO_SCALING))
    image, real = _image(appearance.image)
    seal = appearance.role == "seal"
    if seal and real:   # the seal at its printed size, its right edge on the field's (the signer's left third)
        rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MAX,
                                          y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins.uniform(0),
                                          inner_content_scaling=layout.InnerScaling.NO_SCALING)
    else:
        rule = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID,
                                          y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins.uniform(0),
                                          inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT)
    return StaticStampStyle(background=image, border_width=0, background_opacity=1.0, background_layout=rule)


def _image(path: Path):
    """The PNG as a PDF image, sized by its dpi when it has one (True: real size known)."""
    from PIL import Image
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.layout import BoxConstraints

    try:
        img = Image.open(path)
        img.load()
    except Exception as e:  # noqa: BLE001
        raise UsageProblem(tr(f"Không đọc được ảnh chữ ký {path} ({_why(e)}): cần tệp PNG nền trong suốt.",
                              f"Cannot read the signature image {path} ({_why(e)}): a PNG with a transparent "
                              "background is needed.")) from None
    if img.mode not in ("RGBA", "LA", "PA") and "transparency" not in img.info:
        raise UsageProblem(tr(f"Ảnh {path} không có nền trong suốt: NĐ 30/2020 yêu cầu ảnh PNG nền trong suốt "
                              "(xuất lại ảnh với kênh alpha).",
                              f"The image {path} has no transparent background: NĐ 30/2020 asks for a PNG with a "
                              "transparent background (export it again with an alpha channel)."))
    if img.mode in ("P", "PA") or "transparency" in img.info:
        img = img.convert("RGBA")
    dpi = img.info.get("dpi")
    if dpi and dpi[0] and dpi[1]:
        box = BoxConstraints(width=img.size[0] / float(dpi[0]) * 72, height=img.size[1] / float(dpi[1]) * 72)
        return PdfImage(img, box=box), True
    return PdfImage(img), False
