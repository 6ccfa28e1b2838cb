"""Does the font LibreOffice will use show every Vietnamese letter? (for ``dhtt-docs doctor``)

Asks fontconfig (``fc-match``, ``fc-list``) without starting LibreOffice.
"""

from __future__ import annotations

import shutil

from dhtt_docs.pdf.procs import run_in_own_group

#: Every letter of Vietnamese that is not plain ASCII (134 with case), used to
#: tell whether a font shows Vietnamese or falls back to boxes / other fonts.
VIETNAMESE_LETTERS = (
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"
    + "".join(chr(c) for c in range(0x1EA0, 0x1EFA))
)


def font_for(family: str = "Times New Roman") -> tuple[str, bool]:
    """Font that fontconfig uses for ``family``, and whether it has every Vietnamese letter.

    Returns ``("", False)`` when fontconfig (``fc-match``) is not installed:
    coverage is then unknown, which must not be reported as fine.
    """
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return ("", False)
    result = run_in_own_group([fc_match, "-f", "%{family[0]}\n%{charset}\n", family], 30, None)
    if result.timed_out or result.returncode != 0:
        return ("", False)
    lines = result.output.splitlines()
    name = lines[0].strip() if lines else ""
    ranges = _parse_charset(lines[1] if len(lines) > 1 else "")
    if ranges:
        return (name, _covers(ranges, VIETNAMESE_LETTERS))
    return (name, _fc_list_covers(name, VIETNAMESE_LETTERS))


def _parse_charset(text: str) -> list[tuple[int, int]]:
    """fontconfig's ``%{charset}`` (``"20-7e a0-17f 1ea0-1ef9"``) as ranges."""
    ranges = []
    for token in text.split():
        lo, _, hi = token.partition("-")
        try:
            ranges.append((int(lo, 16), int(hi or lo, 16)))
        except ValueError:
            return []
    return ranges


def _covers(ranges: list[tuple[int, int]], letters: str) -> bool:
    return all(any(lo <= ord(ch) <= hi for lo, hi in ranges) for ch in letters)


def _fc_list_covers(name: str, letters: str) -> bool:
    """Fallback for fontconfig versions without ``%{charset}``: ask fc-list by charset."""
    fc_list = shutil.which("fc-list")
    if fc_list is None or not name:
        return False
    charset = " ".join(f"{ord(ch):x}" for ch in letters)
    pattern = f"{name}:charset={charset}"
    result = run_in_own_group([fc_list, pattern, "family"], 30, None)
    return not result.timed_out and result.returncode == 0 and bool(result.output.strip())
