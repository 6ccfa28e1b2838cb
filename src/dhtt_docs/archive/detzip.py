"""The one deterministic zip writer: fixed dates and attributes, so equal inputs give equal bytes.

Used by the BagIt bag (archive/bag.py) and by DOCX normalisation
(documents/docxfix.py). Each entry is dated 1980-01-01 00:00:00 (the
earliest date zip can hold) and carries fixed attributes: Unix 0644 for the
bag, none (MS-DOS) for DOCX, as Word writes them. Deflate runs at zlib's
default level (6). The caller chooses the entry order.
"""

from __future__ import annotations

import zipfile
from typing import IO

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
UNIX_FILE = 0o100644   # regular file, rw-r--r--


def entry(name: str, *, stored: bool = False, unix: bool = True) -> zipfile.ZipInfo:
    """The header of one entry: fixed date; Unix 0644 (`unix`) or no attributes; stored or deflated."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    if unix:
        info.create_system = 3           # Unix, whatever the host, so attributes mean the same
        info.external_attr = UNIX_FILE << 16
    else:
        info.create_system = 0           # MS-DOS: no mode bits from the machine
        info.external_attr = 0
    return info


def write_entry(zf: zipfile.ZipFile, name: str, data: bytes, *, stored: bool = False, unix: bool = True) -> None:
    """Write one whole entry."""
    info = entry(name, stored=stored, unix=unix)
    zf.writestr(info, data, compress_type=info.compress_type, compresslevel=None if stored else 6)


def open_entry(zf: zipfile.ZipFile, name: str, size: int, *, stored: bool = False, unix: bool = True) -> IO[bytes]:
    """A stream to write one entry of `size` bytes without holding it in memory (zip64 when large)."""
    info = entry(name, stored=stored, unix=unix)
    info.file_size = size
    return zf.open(info, "w", force_zip64=size >= 1 << 31)
