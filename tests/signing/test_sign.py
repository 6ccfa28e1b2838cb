"""`dhtt-docs sign` and `verify`: every signature checked by pyHanko and by poppler's pdfsig."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from dhtt_docs.signing.verify import load_roots, verify_pdf
from signing_helpers import pdfsig, run, sign_p12
from signing_fixtures import built_round, fresh_round, keys  # noqa: F401 - fixtures


pytestmark = pytest.mark.slow

ORDER = [("nguoi-ky", "leader", "signature"), ("co-quan", "clerk", "seal"), ("chu-toa", "leader", "signature"),
         ("thu-ky", "staff", "signature"), ("thu-truong", "leader", "signature"),
         ("nguoi-bao-cao", "staff", "signature")]


@pytest.fixture(scope="module")
def signed_round(built_round, keys, tmp_path_factory) -> Path:
    """The whole round signed field by field, in the order of docs/signing.md, with images."""
    import shutil
    folder = tmp_path_factory.mktemp("signed") / built_round.name
    shutil.copytree(built_round, folder)
    for field, who, kind in ORDER:
        image = keys.seal if kind == "seal" else keys.signature
        proc = sign_p12(folder, field, getattr(keys, who), image)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def test_every_signature_of_every_signed_file_is_valid_for_pdfsig_and_pyhanko(signed_round, keys):
    signed = sorted((signed_round / "build" / "signed").glob("*.pdf"))
    built = sorted(p.name for p in (signed_round / "build" / "documents").glob("*.pdf"))
    assert [p.name for p in signed] == built
    roots = load_roots(keys.root)
    for pdf in signed:
        out = pdfsig(pdf)
        expected = 1 if pdf.name == "danh-sach.pdf" else 2
        assert out.count("Signature is Valid.") == expected, (pdf.name, out)
        checks = verify_pdf(pdf, roots)
        assert len(checks) == expected
        assert all(c.intact and c.trusted and not c.broken for c in checks), (pdf.name, checks)


def test_two_signatures_on_the_to_trinh_both_valid_leader_first(signed_round):
    pdf = signed_round / "build" / "signed" / "to-trinh.pdf"
    checks = verify_pdf(pdf)
    assert [c.field for c in checks] == ["nguoi-ky", "co-quan"]
    assert "Le Van Binh" in checks[0].signer and "BHXH tinh Quang Tri" in checks[1].signer
    assert checks[0].changes_after == "allowed" and checks[1].changes_after == "none"
    out = pdfsig(pdf)
    assert out.count("Signature is Valid.") == 2
    assert "Signature Field Name: nguoi-ky" in out and "Signature Field Name: co-quan" in out


def test_verify_command_lists_signatures_and_trust(signed_round, keys):
    pdf = signed_round / "build" / "signed" / "to-trinh.pdf"
    proc = run("verify", pdf, "--trust", keys.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "nguoi-ky" in proc.stdout and "co-quan" in proc.stdout and "Le Van Binh" in proc.stdout
    assert proc.stdout.count("tin cậy") >= 2 and "KHÔNG tin cậy" not in proc.stdout
    assert re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", proc.stdout)
    other = run("--lang", "en", "verify", pdf, "--trust", keys.root.parent / "root.pem")
    assert other.returncode == 0 and "trusted" in other.stdout


def test_untrusted_root_is_said_but_not_broken(signed_round, tmp_path):
    from pki import make_ca
    stranger = make_ca(tmp_path / "other", "Another CA")
    proc = run("verify", signed_round / "build" / "signed" / "to-trinh.pdf", "--trust", stranger.root_pem)
    assert proc.returncode == 0
    assert "KHÔNG tin cậy" in proc.stdout


def test_a_changed_byte_is_reported_by_pdfsig_and_verify(signed_round, tmp_path):
    data = bytearray((signed_round / "build" / "signed" / "to-trinh.pdf").read_bytes())
    at = data.index(b"Tr", 2000)   # a byte of page content, inside both signed ranges
    data[at] = ord("X")
    bad = tmp_path / "to-trinh.pdf"
    bad.write_bytes(bytes(data))
    out = pdfsig(bad)
    assert "Signature is Valid." not in out and out.count("Digest Mismatch") == 2
    proc = run("verify", bad)
    assert proc.returncode == 1
    assert "HỎNG" in proc.stdout


def test_signed_bag_verifies_including_its_signed_pdfs(signed_round, keys):
    bags = sorted((signed_round / "build" / "bundle").glob("*-signed.zip"))
    assert len(bags) == 1
    with zipfile.ZipFile(bags[0]) as zf:
        names = zf.namelist()
    root = names[0].split("/")[0]
    assert f"{root}/data/signed/to-trinh.pdf" in names and f"{root}/data/submission.yaml" in names
    assert f"{root}/data/documents/to-trinh.pdf" in names
    proc = run("verify", bags[0], "--trust", keys.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "signed/to-trinh.pdf: 2 chữ ký số" in proc.stdout
    import bagit
    # the signed bag is a real BagIt bag too
    unpacked = bags[0].parent / "unpacked"
    with zipfile.ZipFile(bags[0]) as zf:
        zf.extractall(unpacked)
    assert bagit.Bag(str(unpacked / root)).is_valid()


def test_danh_sach_stamp_text_font_size_colour(signed_round):
    pdf = signed_round / "build" / "signed" / "danh-sach.pdf"
    from pypdf import PdfReader
    widget = next(a.get_object() for a in PdfReader(str(pdf)).pages[0]["/Annots"]
                  if a.get_object().get("/T") == "co-quan")
    x0, y0, x1, y1 = (float(v) for v in widget["/Rect"])
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "12/TTr-BHXH" in text
    assert re.search(r"\b20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00\b", text)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"LiberationSerif(-Regular)?\b.*CID TrueType", fonts), fonts
    words = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True).stdout
    h = 595.3
    boxes = [(m.group(5), float(m.group(3)) - float(m.group(1))) for m in re.finditer(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', words)
        if x0 - 1 <= float(m.group(1)) and float(m.group(3)) <= x1 + 1
        and y0 - 2 <= h - float(m.group(4)) and h - float(m.group(2)) <= y1 + 2]   # poppler's boxes are loose
    inside = [text for text, _ in boxes]
    assert inside[0] == "12/TTr-BHXH" and re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", inside[1])
    # drawn at 10 pt (not shrunk to fit): the printed width is the font's advance widths at 10 pt
    from fontTools.ttLib import TTFont
    from dhtt_docs.signing.sign import stamp_font
    font = TTFont(str(stamp_font()))
    cmap, hmtx, upem = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    expected = sum(hmtx[cmap[ord(ch)]][0] for ch in "12/TTr-BHXH") / upem * 10
    assert abs(boxes[0][1] - expected) < 1.0, (boxes[0], expected)   # (kerning: Tr)
    fonts, sizes, colours = appearance_text_state(widget)
    assert fonts == {"LiberationSerif"} or all(f.endswith("LiberationSerif") for f in fonts), fonts
    assert sizes == {10.0}
    assert colours <= {(0.0,), (0.0, 0.0, 0.0)}, colours


def appearance_text_state(widget):
    """Fonts (base names without subset tag), sizes and fill colours used by text in a widget's appearance."""
    from pypdf.generic import ContentStream
    fonts, sizes, colours = set(), set(), set()

    def walk(xobject):
        res = xobject.get("/Resources", {})
        res = res.get_object() if res else {}
        font_res = res.get("/Font", {})
        font_res = font_res.get_object() if font_res else {}
        for operands, op in ContentStream(xobject, None).operations:
            if op == b"Tf":
                base = str(font_res[operands[0]].get_object()["/BaseFont"])
                fonts.add(base.lstrip("/").split("+")[-1].split("-Identity")[0])
                sizes.add(float(operands[1]))
            elif op in (b"rg", b"g"):
                colours.add(tuple(float(v) for v in operands))
        for sub in (res.get("/XObject", {}) or {}).values():
            sub = sub.get_object()
            if sub.get("/Subtype") == "/Form":
                walk(sub)

    walk(widget["/AP"]["/N"].get_object())
    return fonts, sizes, colours


def test_images_are_drawn_inside_their_fields(signed_round, tmp_path):
    """As rendered: the blue signature centred in the signer's field, the red seal 36 mm wide on its left third."""
    from PIL import Image
    from pypdf import PdfReader
    pdf = signed_round / "build" / "signed" / "to-trinh.pdf"
    subprocess.run(["pdftoppm", "-r", "72", "-png", "-singlefile", str(pdf), str(tmp_path / "p")], check=True)
    img = Image.open(tmp_path / "p.png").convert("RGB")
    w, h = img.size
    px = img.load()
    blue = [(x, y) for y in range(h) for x in range(w) if px[x, y][2] > 150 and px[x, y][0] < 100]
    red = [(x, y) for y in range(h) for x in range(w) if px[x, y][0] > 150 and px[x, y][1] < 100 and px[x, y][2] < 100]
    reader = PdfReader(str(pdf))
    height = float(reader.pages[0].mediabox.height)
    rects = {str(a.get_object()["/T"]): [float(v) for v in a.get_object()["/Rect"]]
             for a in reader.pages[0]["/Annots"] if a.get_object().get("/FT") == "/Sig"}
    nx0, ny0, nx1, ny1 = rects["nguoi-ky"]
    bx0, bx1 = min(x for x, _ in blue), max(x for x, _ in blue)
    by0, by1 = min(y for _, y in blue), max(y for _, y in blue)
    assert nx0 - 2 <= bx0 and bx1 <= nx1 + 2 and height - ny1 - 2 <= by0 and by1 <= height - ny0 + 2
    assert abs((bx0 + bx1) / 2 - (nx0 + nx1) / 2) < 3, "centred between title and name"
    rx0, rx1 = min(x for x, _ in red), max(x for x, _ in red)
    assert abs((rx1 - rx0) - 36 * 72 / 25.4) < 3, "the seal at its real size"
    assert abs(rx1 - (nx0 + (nx1 - nx0) / 3)) < 3, "over the left third of the signature"


def test_signing_again_leaves_signed_fields_and_a_missing_field_is_said(signed_round, keys):
    before = (signed_round / "build" / "signed" / "to-trinh.pdf").read_bytes()
    proc = sign_p12(signed_round, "nguoi-ky", keys.leader)
    assert proc.returncode == 0 and "đã ký từ trước" in proc.stdout
    assert (signed_round / "build" / "signed" / "to-trinh.pdf").read_bytes() == before


def test_wrong_password_and_wrong_usage(fresh_round, keys):
    proc = run("sign", fresh_round, "--field", "nguoi-ky", "--p12", keys.leader, "--password-env", "PW",
               env={"PW": "sai"})
    assert proc.returncode == 1 and "mật khẩu" in proc.stderr and "Traceback" not in proc.stderr
    proc = run("sign", fresh_round, "--field", "nguoi-ky")
    assert proc.returncode == 2 and "--p12" in proc.stderr
    proc = run("sign", fresh_round, "--field", "ky-thay")
    assert proc.returncode == 2


def test_password_prompt(fresh_round, keys):
    from pki import PASSWORD
    proc = run("sign", fresh_round, "--field", "thu-ky", "--p12", keys.staff, input=PASSWORD.decode() + "\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Signature is Valid." in pdfsig(fresh_round / "build" / "signed" / "bien-ban-hop-hoi-dong.pdf")


def test_a_signed_copy_of_an_older_build_is_refused(fresh_round, keys):
    assert sign_p12(fresh_round, "nguoi-ky", keys.leader).returncode == 0
    doc = fresh_round / "build" / "documents" / "to-trinh.pdf"
    doc.write_bytes(doc.read_bytes().replace(b"%%EOF", b"%%EOF\n%", 1))   # as if built again, differently
    proc = sign_p12(fresh_round, "co-quan", keys.clerk)
    assert proc.returncode == 1 and "bản cũ" in proc.stderr
