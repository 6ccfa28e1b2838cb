"""How to install what the tool needs: written once, used by `build`, the converter and `doctor`."""

from __future__ import annotations

from dhtt_docs.i18n import Text, t

LIBREOFFICE = "sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui fonts-liberation2"
FONTCONFIG = "sudo apt-get install -y fontconfig fonts-liberation2"
FONTS = "sudo apt-get install -y fonts-liberation2"


def libreoffice_hint() -> Text:
    """What to do when LibreOffice is missing (both languages; print with str())."""
    return t(f"cài LibreOffice: {LIBREOFFICE} (hoặc chạy scripts/setup), hoặc thêm --no-pdf để chỉ lập tệp DOCX",
             f"install LibreOffice: {LIBREOFFICE} (or run scripts/setup), or add --no-pdf to make only the DOCX files")
