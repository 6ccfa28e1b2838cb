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


# --------------------------------------------------------------------------- entries copied from an earlier zip


def stored_spans(zf: zipfile.ZipFile) -> dict[str, tuple[int, int, int, int]]:
    """Of a zip being written, its entries that `write_entry(..., stored=True)` wrote: name -> (offset of
    the local header, length of header and data, CRC, size). What `copy_entry` needs to copy one into
    another zip. Call before closing (the central directory starts where the last entry ends)."""
    infos = zf.infolist()
    ends = [i.header_offset for i in infos[1:]] + [zf.start_dir]
    spans = {}
    for info, end in zip(infos, ends):
        if (info.compress_type == zipfile.ZIP_STORED and not info.extra and not info.flag_bits & 0x08
                and info.compress_size == info.file_size):
            spans[info.filename] = (info.header_offset, end - info.header_offset, info.CRC, info.file_size)
    return spans


def copy_entry(zf: zipfile.ZipFile, src: IO[bytes], name: str, span: tuple[int, int, int, int]) -> None:
    """Append to `zf` (open for writing) the entry `name` that `stored_spans` found at `span` in the zip
    `src`, by copying its local header and data: the same bytes, and the same central directory record,
    as `write_entry(zf, name, data, stored=True)` writes for the same data."""
    offset, length, crc, size = span
    info = entry(name, stored=True)
    info.CRC, info.file_size, info.compress_size = crc, size, size
    zf.fp.seek(zf.start_dir)
    info.header_offset = zf.start_dir
    src.seek(offset)
    data = src.read(length)
    if len(data) != length:
        raise OSError(f"{name}: the earlier zip is shorter than its index says")
    zf.fp.write(data)
    zf.start_dir = zf.fp.tell()
    zf.filelist.append(info)
    zf.NameToInfo[name] = info
    zf._didModify = True


def can_copy_entries(zf: zipfile.ZipFile) -> bool:
    """Does this zipfile keep the state `copy_entry` updates (zipfile's own attributes, as in 3.11-3.13)?"""
    return all(hasattr(zf, a) for a in ("fp", "start_dir", "filelist", "NameToInfo", "_didModify"))
