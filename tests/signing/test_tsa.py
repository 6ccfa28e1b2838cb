"""--tsa URL: an RFC 3161 timestamp (PAdES B-T), from a local test TSA (pyHanko's DummyTimeStamper over HTTP)."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from dhtt_docs.signing.verify import load_roots, verify_pdf
from signing_fixtures import built_round, fresh_round, keys  # noqa: F401 - fixtures
from signing_helpers import pdfsig, sign_p12

pytestmark = pytest.mark.slow


@pytest.fixture
def tsa_url(keys):
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    ca = keys.ca
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TSA thử nghiệm")]))
            .issuer_name(ca.root_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca.root_key, hashes.SHA256()))
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(serialization.Encoding.DER,
                                                                serialization.PrivateFormat.PKCS8,
                                                                serialization.NoEncryption())))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            req = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(req).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_tsa_timestamp_makes_a_b_t_signature(fresh_round, keys, tsa_url):
    proc = sign_p12(fresh_round, "thu-ky", keys.staff, keys.signature, "--tsa", tsa_url)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pdf = fresh_round / "build" / "signed" / "bien-ban-hop-hoi-dong.pdf"
    assert "Signature is Valid." in pdfsig(pdf)
    (check,) = verify_pdf(pdf, load_roots(keys.root))
    assert check.timestamped and check.intact and check.trusted


def test_an_unreachable_tsa_is_said_in_one_line(fresh_round, keys):
    proc = sign_p12(fresh_round, "thu-ky", keys.staff, None, "--tsa", "http://127.0.0.1:9/")
    assert proc.returncode == 1 and "thu-ky" in proc.stderr and "Traceback" not in proc.stderr
    assert not (fresh_round / "build" / "signed" / "bien-ban-hop-hoi-dong.pdf").exists()
