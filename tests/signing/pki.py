"""A test CA and signers, made with the cryptography library (no real tokens, no network)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PASSWORD = b"mat-khau-thu"


@dataclass
class Pki:
    root_pem: Path
    root_cert: x509.Certificate
    root_key: rsa.RSAPrivateKey

    def issue(self, folder: Path, common_name: str, org: str = "Bảo hiểm xã hội tỉnh Thanh Hóa",
              password: bytes = PASSWORD) -> tuple[Path, x509.Certificate, rsa.RSAPrivateKey]:
        """A signer's key and certificate, as a PKCS#12 file with the CA in its chain."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.now(timezone.utc)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                                         x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
                .issuer_name(self.root_cert.subject)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=365))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.root_key.public_key()),
                               critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .sign(self.root_key, hashes.SHA256()))
        slug = common_name.encode("ascii", "ignore").decode().replace(" ", "-").lower() or "signer"
        p12 = folder / f"{slug}.p12"
        p12.write_bytes(pkcs12.serialize_key_and_certificates(
            common_name.encode(), key, cert, [self.root_cert],
            serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()))
        return p12, cert, key


def make_ca(folder: Path, name: str = "CA thử nghiệm dhtt-docs") -> Pki:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(timezone.utc)
    subject = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"), x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=2)).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    pem = folder / "root.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return Pki(pem, cert, key)
