"""Signing with a PKCS#11 token, emulated by SoftHSM2 (Debian softhsm2; scripts/setup --dev)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from signing_helpers import pdfsig, run
from signing_fixtures import built_round, fresh_round, keys  # noqa: F401 - fixtures


pytestmark = pytest.mark.slow

LIBS = ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so")
PIN = "246810"


@pytest.fixture(scope="module")
def token(keys, tmp_path_factory):
    """A SoftHSM2 token 'VANTHU' holding the văn thư's key and certificate (label 'dau-co-quan')."""
    lib = next((p for p in LIBS if Path(p).is_file()), None)
    if lib is None or shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2 is not installed (scripts/setup --dev)")
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {"SOFTHSM2_CONF": str(conf)}
    import os
    full = dict(os.environ, **env)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "VANTHU", "--so-pin", "123456",
                    "--pin", PIN], check=True, capture_output=True, env=full)
    ca = keys.ca
    _, cert, key = ca.issue(folder, "Van thu BHXH Quang Tri")
    pem = folder / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    subprocess.run(["softhsm2-util", "--import", str(pem), "--token", "VANTHU", "--label", "dau-co-quan",
                    "--id", "01", "--pin", PIN], check=True, capture_output=True, env=full)
    pem.unlink()
    # the certificate goes in through PKCS#11 itself (softhsm2-util imports keys only)
    os.environ["SOFTHSM2_CONF"] = str(conf)
    try:
        import pkcs11
        from pkcs11 import Attribute, CertificateType, ObjectClass
        t = pkcs11.lib(lib).get_token(token_label="VANTHU")
        from asn1crypto import core, x509
        der = cert.public_bytes(serialization.Encoding.DER)
        parsed = x509.Certificate.load(der)
        with t.open(rw=True, user_pin=PIN) as session:
            session.create_object({Attribute.CLASS: ObjectClass.CERTIFICATE,
                                   Attribute.SUBJECT: parsed.subject.dump(), Attribute.ISSUER: parsed.issuer.dump(),
                                   Attribute.SERIAL_NUMBER: core.Integer(parsed.serial_number).dump(),
                                   Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                                   Attribute.TOKEN: True, Attribute.LABEL: "dau-co-quan", Attribute.ID: b"\x01",
                                   Attribute.VALUE: der})
    finally:
        del os.environ["SOFTHSM2_CONF"]
    return lib, env


def test_sign_with_a_softhsm2_token_after_the_leader(fresh_round, keys, token):
    from signing_helpers import sign_p12
    lib, env = token
    assert sign_p12(fresh_round, "nguoi-ky", keys.leader, keys.signature).returncode == 0
    proc = run("sign", fresh_round, "--field", "co-quan", "--pkcs11", lib, "--token", "VANTHU",
               "--pin-env", "TOKEN_PIN", "--image", keys.seal, env={**env, "TOKEN_PIN": PIN})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    signed = fresh_round / "build" / "signed"
    for name in ("to-trinh.pdf", "danh-sach.pdf"):
        out = pdfsig(signed / name)
        assert out.count("Signature is Valid.") == (2 if name == "to-trinh.pdf" else 1), out
        assert "Van thu BHXH Quang Tri" in out
    proc = run("verify", signed / "to-trinh.pdf", "--trust", keys.root)
    assert proc.returncode == 0, proc.stdout
    # with the key named, and a wrong PIN
    proc = run("sign", fresh_round, "--field", "thu-ky", "--pkcs11", lib, "--token", "VANTHU", "--key", "dau-co-quan",
               "--pin-env", "TOKEN_PIN", env={**env, "TOKEN_PIN": PIN})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Signature is Valid." in pdfsig(signed / "bien-ban-hop-hoi-dong.pdf")
    proc = run("sign", fresh_round, "--field", "chu-toa", "--pkcs11", lib, "--token", "VANTHU",
               "--pin-env", "TOKEN_PIN", env={**env, "TOKEN_PIN": "000000"})
    assert proc.returncode == 1 and "PIN" in proc.stderr and "Traceback" not in proc.stderr
