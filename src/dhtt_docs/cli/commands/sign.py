"""`dhtt-docs sign`: sign one field in every built document that has it (PKCS#12 file or PKCS#11 token)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from dhtt_docs.cli.options import FOLDER, check_folder, lang_option
from dhtt_docs.exceptions import UsageProblem
from dhtt_docs.i18n import tr

FIELDS = ("nguoi-ky", "co-quan", "chu-toa", "thu-ky", "nguoi-bao-cao", "thu-truong")


@click.command()
@lang_option
@click.argument("folder", type=FOLDER, default=".")
@click.option("--field", "field", required=True, type=click.Choice(FIELDS),
              help="Ô ký: nguoi-ky, co-quan, chu-toa, thu-ky, nguoi-bao-cao, thu-truong (xem docs/signing.md).")
@click.option("--p12", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Tệp khóa PKCS#12 (.p12/.pfx).")
@click.option("--password-env", metavar="VAR", default=None,
              help="Biến môi trường chứa mật khẩu tệp .p12 (không có: hỏi khi chạy).")
@click.option("--pkcs11", "pkcs11_lib", metavar="LIB", default=None,
              help="Thư viện PKCS#11 của token (ví dụ /usr/lib/softhsm/libsofthsm2.so).")
@click.option("--token", metavar="LABEL", default=None, help="Tên (nhãn) token.")
@click.option("--key", "key_label", metavar="LABEL", default=None,
              help="Nhãn khóa trên token (không có: khóa duy nhất của token).")
@click.option("--pin-env", metavar="VAR", default=None, help="Biến môi trường chứa mã PIN (không có: hỏi khi chạy).")
@click.option("--image", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Ảnh chữ ký (PNG nền trong suốt, màu xanh) hoặc ảnh dấu (đỏ) cho ô co-quan.")
@click.option("--tsa", metavar="URL", default=None, help="Máy chủ dấu thời gian RFC 3161 (PAdES B-T).")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Thư mục kết quả của build (mặc định: FOLDER/build).")
def sign(folder: Path, field: str, p12: Path | None, password_env: str | None, pkcs11_lib: str | None,
         token: str | None, key_label: str | None, pin_env: str | None, image: Path | None, tsa: str | None,
         out: Path | None) -> None:
    """Ký số một ô ký trên mọi văn bản đã lập có ô đó; bản đã ký ở OUT/signed/.

    \b
    Thứ tự: người ký (lãnh đạo) ký trước, văn thư ký số cơ quan (co-quan) sau.
    Ví dụ:
      dhtt-docs sign . --field nguoi-ky --p12 lanh-dao.p12 --image chu-ky.png
      dhtt-docs sign . --field co-quan --pkcs11 /usr/lib/x.so --token VANTHU --image dau.png
    """
    from dhtt_docs.signing.bagging import write_bags
    from dhtt_docs.signing.sign import KeySpec, open_signer
    from dhtt_docs.signing.workflow import sign_round

    if (p12 is None) == (pkcs11_lib is None):
        raise click.UsageError(tr("Chọn đúng một nguồn khóa: --p12 TỆP hoặc --pkcs11 THƯ-VIỆN --token NHÃN.",
                                  "Choose exactly one key: --p12 FILE or --pkcs11 LIB --token LABEL."))
    if pkcs11_lib is not None and not token:
        raise click.UsageError(tr("--pkcs11 cần --token NHÃN (tên token).", "--pkcs11 needs --token LABEL."))
    out = (out if out is not None else check_folder(folder) / "build")
    if p12 is not None:
        secret = _secret(password_env, tr("Mật khẩu tệp khóa", "Key file password"))
        spec = KeySpec(p12=p12, password=secret.encode() if secret else None)
    else:
        spec = KeySpec(pkcs11_lib=pkcs11_lib, token=token, key_label=key_label,
                       pin=_secret(pin_env, tr("Mã PIN của token", "Token PIN")))
    with open_signer(spec) as signer:
        results = sign_round(out, field, signer, image=image, tsa=tsa)
    for r in results:
        if r.status == "signed":
            click.echo(tr(f"  đã ký '{field}': signed/{r.name}", f"  signed '{field}': signed/{r.name}"))
        else:
            click.secho(tr(f"  '{field}' của {r.name} đã ký từ trước: để nguyên",
                           f"  '{field}' of {r.name} was signed before: left as it is"), fg="yellow")
    for bag in write_bags(out):
        click.echo(tr(f"Hồ sơ lưu trữ: {bag}", f"Archive: {bag}"))
    click.secho(tr(f"Đã ký '{field}' trên {sum(r.status == 'signed' for r in results)} văn bản. Kiểm tra: "
                   "dhtt-docs verify TỆP.pdf",
                   f"Signed '{field}' on {sum(r.status == 'signed' for r in results)} document(s). Check with: "
                   "dhtt-docs verify FILE.pdf"), fg="green")


def _secret(env: str | None, prompt: str) -> str:
    if env:
        value = os.environ.get(env)
        if value is None:
            raise UsageProblem(tr(f"Biến môi trường {env} chưa được đặt.", f"The environment variable {env} is not set."))
        return value
    return click.prompt(prompt, hide_input=True, default="", show_default=False)
