"""Fill the blanks of scaffolded YAML files as a secretary would, by editing text lines."""

from __future__ import annotations

import re
from pathlib import Path


def fill(text: str, values: list[tuple[str, str]]) -> str:
    """Fill blank `key:` lines in file order.

    Each (key, value) fills the next line at or after the previous match that
    reads `key:` with no value (a comment may follow), keeping the comment. A
    `key: |` line gets the value on the line below, indented.
    """
    lines = text.split("\n")
    pos = 0
    for key, value in values:
        rx = re.compile(rf"^(\s*(?:- )?){re.escape(key)}:(\s*\|)?\s*(#.*)?$")
        for i in range(pos, len(lines)):
            m = rx.match(lines[i])
            if not m:
                continue
            lead, block, comment = m.group(1), m.group(2), m.group(3) or ""
            if block:
                indent = " " * (len(lead) + 2)
                lines.insert(i + 1, "\n".join(indent + part for part in value.split("\n")))
            else:
                lines[i] = f"{lead}{key}: {value}" + (f"   {comment}" if comment else "")
            pos = i + 1
            break
        else:
            raise AssertionError(f"no blank '{key}:' line after line {pos + 1}")
    return "\n".join(lines)


def uncomment(text: str, key: str, *, drop: tuple[str, ...] = ()) -> str:
    """Delete the '# ' of the example lines right under `key:`; example lines containing `drop` go."""
    lines = text.split("\n")
    rx = re.compile(rf"^\s*{re.escape(key)}:")
    i = next(i for i, line in enumerate(lines) if rx.match(line))
    out = lines[: i + 1]
    j = i + 1
    while j < len(lines) and lines[j].lstrip().startswith("# "):
        line = lines[j].replace("# ", "", 1)
        if not any(d in line for d in drop):
            out.append(line)
        j += 1
    return "\n".join(out + lines[j:])


SUBMISSION_VALUES = [
    ("name", "Bảo hiểm xã hội tỉnh Quảng Trị"),
    ("place", "Quảng Trị"),
    ("name", "Lê Văn Bình"),
    ("title", "Giám đốc"),
    ("name", "Hội đồng Thi đua - Khen thưởng Bảo hiểm xã hội tỉnh Quảng Trị"),
    ("start", "2024-11-20 14:00"),
    ("location", "Phòng họp tầng 2"),
    ("name", "Lê Văn Bình"),
    ("title", "Giám đốc"),
    ("name", "Trần Thị Hoa"),
    ("title", "Chuyên viên Văn phòng"),
    ("name", "Lê Văn Bình"),
    ("title", "Giám đốc"),
    ("issued", "1"),
    ("returned", "1"),
    ("valid", "1"),
    ("date", "2024-11-25"),
]


def fill_submission(folder: Path, votes: dict[str, int]) -> None:
    """Fill the blanks of a fresh submission.yaml: one member (the chair), one ballot, the given votes."""
    path = folder / "submission.yaml"
    text = fill(path.read_text(encoding="utf-8"), SUBMISSION_VALUES)
    text = uncomment(text, "votes")
    lines = "\n".join(f"    {cid}: {n}" for cid, n in votes.items())
    text = re.sub(r"^    nguyen-van-an: 8 .*$", lines, text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
