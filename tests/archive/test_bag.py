"""BagIt zip: layout, checksums, determinism, and each kind of tampering reported."""

from __future__ import annotations

import hashlib
import os
import zipfile
from pathlib import Path

import pytest
from helpers import assert_english, rewrite

from dhtt_docs import __version__
from dhtt_docs.archive.bag import BagError, make_bag_zip, verify_bag_zip

INFO = {
    "Source-Organization": "Bảo hiểm xã hội tỉnh Nam Định",
    "External-Identifier": "1935/KH-BHXH",
    "Bagging-Date": "2024-03-15",
    "External-Description": "Hồ sơ đề nghị khen thưởng\nđiển hình tiên tiến",
}


@pytest.fixture()
def payload(tmp_path: Path) -> dict[str, Path]:
    src = tmp_path / "src"
    src.mkdir()
    files = {
        "candidates/nguyễn-văn-an.yaml": "ho_ten: Nguyễn Văn An\n",
        "submission.yaml": "ke_hoach: 1935/KH-BHXH\n",
        "documents/tờ-trình.docx": "docx bytes",
        "attachments/bằng khen 2022.pdf": "%PDF-1.7 scan",
        "attachments/tỷ lệ 100%.pdf": "%PDF-1.7 percent",
        "empty.txt": "",
    }
    out = {}
    for i, (name, text) in enumerate(files.items()):
        path = src / f"f{i}"
        path.write_bytes(text.encode("utf-8"))
        out[name] = path
    return out


@pytest.fixture()
def bag(tmp_path: Path, payload: dict[str, Path]) -> Path:
    out = tmp_path / "out" / "ho-so-2024.zip"
    make_bag_zip(out, payload, info=INFO)
    return out


def read(zip_path: Path, name: str) -> str:
    with zipfile.ZipFile(zip_path) as zf:
        return zf.read(name).decode("utf-8")


# --------------------------------------------------------------------------- layout


def test_layout_under_one_folder_named_after_the_zip(bag: Path, payload: dict[str, Path]) -> None:
    with zipfile.ZipFile(bag) as zf:
        names = zf.namelist()
    assert names == sorted(names, key=lambda n: n.encode("utf-8"))
    assert all(n.startswith("ho-so-2024/") for n in names)
    assert {n for n in names if not n.startswith("ho-so-2024/data/")} == {
        "ho-so-2024/bag-info.txt",
        "ho-so-2024/bagit.txt",
        "ho-so-2024/manifest-sha256.txt",
        "ho-so-2024/tagmanifest-sha256.txt",
    }
    assert {n[len("ho-so-2024/data/"):] for n in names if "/data/" in n} == set(payload)


def test_zip_entries_have_fixed_attributes(bag: Path) -> None:
    with zipfile.ZipFile(bag) as zf:
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.external_attr >> 16 == 0o100644
            assert info.create_system == 3
            stored = info.filename.lower().endswith((".pdf", ".docx", ".xlsx"))
            assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
            if not info.filename.isascii():
                assert info.flag_bits & 0x800  # UTF-8 names


def test_tag_files(bag: Path, payload: dict[str, Path]) -> None:
    assert read(bag, "ho-so-2024/bagit.txt") == (
        "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    info = read(bag, "ho-so-2024/bag-info.txt")
    octets = sum(p.stat().st_size for p in payload.values())
    assert f"Payload-Oxum: {octets}.{len(payload)}\n" in info
    assert "Bag-Size: " in info
    assert f"Bag-Software-Agent: dhtt-docs {__version__}\n" in info
    assert "Source-Organization: Bảo hiểm xã hội tỉnh Nam Định\n" in info
    assert "External-Description: Hồ sơ đề nghị khen thưởng\n  điển hình tiên tiến\n" in info
    labels = [line.split(":")[0] for line in info.splitlines() if not line.startswith(" ")]
    assert labels == sorted(labels)


def test_manifest_checksums_are_right(bag: Path, payload: dict[str, Path]) -> None:
    lines = read(bag, "ho-so-2024/manifest-sha256.txt").splitlines()
    assert lines == sorted(lines, key=lambda line: line.split("  ", 1)[1].encode("utf-8"))
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    expected = {
        "data/" + name.replace("%", "%25"): hashlib.sha256(path.read_bytes()).hexdigest()
        for name, path in payload.items()
    }
    assert listed == expected


def test_tagmanifest_covers_the_tag_files(bag: Path) -> None:
    lines = read(bag, "ho-so-2024/tagmanifest-sha256.txt").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(listed) == ["bag-info.txt", "bagit.txt", "manifest-sha256.txt"]
    with zipfile.ZipFile(bag) as zf:
        for name, digest in listed.items():
            assert hashlib.sha256(zf.read(f"ho-so-2024/{name}")).hexdigest() == digest


def test_two_builds_are_byte_identical(tmp_path: Path, payload: dict[str, Path]) -> None:
    a, b = tmp_path / "a" / "ho-so.zip", tmp_path / "b" / "ho-so.zip"
    make_bag_zip(a, payload, info=INFO)
    make_bag_zip(b, dict(reversed(list(payload.items()))), info=dict(reversed(list(INFO.items()))))
    assert a.read_bytes() == b.read_bytes()


def test_nfd_names_are_stored_as_nfc(tmp_path: Path, payload: dict[str, Path]) -> None:
    import unicodedata

    nfd = {unicodedata.normalize("NFD", k): v for k, v in payload.items()}
    make_bag_zip(tmp_path / "nfd" / "ho-so.zip", nfd, info=INFO)
    make_bag_zip(tmp_path / "nfc" / "ho-so.zip", payload, info=INFO)
    assert (tmp_path / "nfd" / "ho-so.zip").read_bytes() == (tmp_path / "nfc" / "ho-so.zip").read_bytes()


def test_computed_fields_cannot_be_overridden(tmp_path: Path, payload: dict[str, Path]) -> None:
    make_bag_zip(tmp_path / "x.zip", payload, info={**INFO, "Payload-Oxum": "1.1"})
    assert verify_bag_zip(tmp_path / "x.zip") == []


def test_known_hashes_and_streamed_big_files_give_the_same_bag(tmp_path: Path, payload: dict[str, Path],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The manifest from the caller's hashes (the build hashed the files for its cache key), and a file too
    big to be read at once (streamed), give the same bytes as hashing and reading whole; bagit agrees."""
    import dhtt_docs.archive.bag as bag_module

    big = tmp_path / "src" / "big.pdf"
    big.write_bytes(bytes(range(256)) * 5000)   # 1.28 MB
    payload = {**{k: v for k, v in payload.items() if "%" not in k}, "bundle/ho-so.pdf": big}
    plain = tmp_path / "plain" / "ho-so.zip"
    make_bag_zip(plain, payload, info=INFO)
    digests = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in payload.items()}
    known = tmp_path / "known" / "ho-so.zip"
    make_bag_zip(known, payload, info=INFO, digests=digests)
    monkeypatch.setattr(bag_module, "_WHOLE", 1000)   # every file but the tiny ones streamed in chunks
    monkeypatch.setattr(bag_module, "_CHUNK", 4096)
    streamed = tmp_path / "streamed" / "ho-so.zip"
    make_bag_zip(streamed, payload, info=INFO)
    assert plain.read_bytes() == known.read_bytes() == streamed.read_bytes()
    assert verify_bag_zip(known) == []
    with zipfile.ZipFile(known) as zf:
        assert zf.getinfo("ho-so/data/bundle/ho-so.pdf").compress_type == zipfile.ZIP_STORED
        assert zf.read("ho-so/data/bundle/ho-so.pdf") == big.read_bytes()
        zf.extractall(tmp_path / "x")
    bagit = pytest.importorskip("bagit")
    assert bagit.Bag(str(tmp_path / "x" / "ho-so")).validate()


def test_a_file_that_grows_while_packed_is_named(tmp_path: Path, payload: dict[str, Path], lang: str) -> None:
    name, path = next((k, v) for k, v in payload.items() if k.endswith(".yaml"))
    digests = {name: hashlib.sha256(path.read_bytes()).hexdigest()}
    real_stat = os.stat

    def smaller(where, *args, **kwargs):   # the size seen when listing, before the file grew
        st = real_stat(where, *args, **kwargs)
        if os.fspath(where) == str(path):
            return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid,
                                   st.st_size - 1, st.st_atime, st.st_mtime, st.st_ctime))
        return st

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "stat", smaller)
        with pytest.raises(BagError) as info:
            make_bag_zip(tmp_path / "x.zip", payload, info=INFO, digests=digests)
    assert str(path) in str(info.value)
    if lang == "en":
        assert_english(str(info.value), "changed while it was being packed")
    assert not (tmp_path / "x.zip").exists()


# --------------------------------------------------------------------------- verification


def test_good_bag_verifies(bag: Path) -> None:
    assert verify_bag_zip(bag) == []


def test_bagit_library_agrees(tmp_path: Path, payload: dict[str, Path]) -> None:
    """LoC's bagit-python, as an independent check of the same bag.

    bagit-python (1.9) does not percent-encode '%' in manifest paths as RFC 8493
    2.1.3 requires (we do), so names with '%' are left out of this comparison.
    """
    bagit = pytest.importorskip("bagit")
    make_bag_zip(tmp_path / "ho-so.zip", {k: v for k, v in payload.items() if "%" not in k}, info=INFO)
    with zipfile.ZipFile(tmp_path / "ho-so.zip") as zf:
        zf.extractall(tmp_path / "x")
    assert bagit.Bag(str(tmp_path / "x" / "ho-so")).validate()


def test_altered_file_is_named(bag: Path, tmp_path: Path, lang: str) -> None:
    name = "ho-so-2024/data/documents/tờ-trình.docx"
    bad = rewrite(bag, tmp_path / "bad.zip", replace={name: b"docx BYTES"})
    problems = verify_bag_zip(bad)
    assert len(problems) == 1
    assert "data/documents/tờ-trình.docx" in problems[0]
    if lang == "vi":
        assert "thay đổi" in problems[0]
    else:
        assert_english(problems[0], "File data/documents/tờ-trình.docx has been altered", "does not match",
                       "manifest-sha256.txt")


def _one(problems: list[str], word: str) -> str:
    """The one problem that mentions `word`."""
    (problem,) = [p for p in problems if word in p]
    return problem


def test_missing_file_is_named_and_oxum_flagged(bag: Path, tmp_path: Path, lang: str) -> None:
    bad = rewrite(bag, tmp_path / "bad.zip", drop={"ho-so-2024/data/submission.yaml"})
    problems = verify_bag_zip(bad)
    missing, oxum = _one(problems, "data/submission.yaml"), _one(problems, "Payload-Oxum")
    if lang == "vi":
        assert "Thiếu tệp data/submission.yaml" in missing
    else:
        assert_english(missing, "Missing file data/submission.yaml", "deleted or renamed")
        assert_english(oxum, "Payload-Oxum in bag-info.txt", "files were added to, removed from or changed")
        for problem in problems:
            assert_english(problem)


def test_extra_file_is_named(bag: Path, tmp_path: Path, lang: str) -> None:
    bad = rewrite(bag, tmp_path / "bad.zip", add={"ho-so-2024/data/thêm.pdf": b"x"})
    problems = verify_bag_zip(bad)
    extra, oxum = _one(problems, "data/thêm.pdf"), _one(problems, "Payload-Oxum")
    if lang == "vi":
        assert "Tệp thừa data/thêm.pdf" in extra
    else:
        assert_english(extra, "Extra file data/thêm.pdf", "not in manifest-sha256.txt", "added after")
        assert_english(oxum, "Payload-Oxum in bag-info.txt", "files were added to, removed from or changed")
        for problem in problems:
            assert_english(problem)


def test_bad_oxum_is_reported(bag: Path, tmp_path: Path) -> None:
    name = "ho-so-2024/bag-info.txt"
    text = read(bag, name)
    line = next(ln for ln in text.splitlines() if ln.startswith("Payload-Oxum"))
    bad = rewrite(
        bag, tmp_path / "bad.zip", replace={name: text.replace(line, "Payload-Oxum: 1.1").encode()}
    )
    problems = verify_bag_zip(bad)
    assert any("Payload-Oxum trong bag-info.txt là 1.1" in p for p in problems)
    assert any("bag-info.txt đã bị thay đổi" in p for p in problems)  # tagmanifest catches it too


def test_missing_bagit_txt(bag: Path, tmp_path: Path) -> None:
    bad = rewrite(bag, tmp_path / "bad.zip", drop={"ho-so-2024/bagit.txt"})
    problems = verify_bag_zip(bad)
    assert len(problems) == 1 and "Thiếu bagit.txt" in problems[0]


def test_missing_manifest(bag: Path, tmp_path: Path) -> None:
    bad = rewrite(bag, tmp_path / "bad.zip", drop={"ho-so-2024/manifest-sha256.txt"})
    problems = verify_bag_zip(bad)
    assert any("Thiếu manifest" in p for p in problems)
    assert any("manifest-sha256.txt" in p and "Thiếu tệp" in p for p in problems)


def test_zip_slip_names_are_reported_not_used(bag: Path, tmp_path: Path) -> None:
    bad = rewrite(bag, tmp_path / "bad.zip", add={"../../etc/evil": b"x", "/abs/evil": b"y"})
    problems = verify_bag_zip(bad)
    assert sum("không an toàn" in p for p in problems) == 2


def test_not_a_zip(tmp_path: Path, lang: str) -> None:
    bad = tmp_path / "x.zip"
    bad.write_bytes(b"hello")
    problems = verify_bag_zip(bad)
    assert len(problems) == 1 and "x.zip" in problems[0]
    if lang == "vi":
        assert "không tìm thấy" in verify_bag_zip(tmp_path / "none.zip")[0].lower()
    else:
        assert_english(problems[0], "x.zip", "is not a readable ZIP file", "original archive copy")


def test_bag_at_zip_root_is_accepted(bag: Path, tmp_path: Path) -> None:
    flat = tmp_path / "flat.zip"
    with zipfile.ZipFile(bag) as zin, zipfile.ZipFile(flat, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info.filename.split("/", 1)[1], zin.read(info))
    assert verify_bag_zip(flat) == []


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ["../x.yaml", "/etc/passwd", "a//b", "a\\b", "./a", "", "C:/x"])
def test_unsafe_payload_names_are_refused(name: str, tmp_path: Path) -> None:
    src = tmp_path / "f"
    src.write_text("x")
    with pytest.raises(BagError):
        make_bag_zip(tmp_path / "x.zip", {name: src}, info=INFO)


def test_missing_source_is_named(tmp_path: Path, lang: str) -> None:
    with pytest.raises(BagError, match="khong-co.yaml") as info:
        make_bag_zip(tmp_path / "x.zip", {"a.yaml": tmp_path / "khong-co.yaml"}, info=INFO)
    assert not (tmp_path / "x.zip").exists()
    if lang == "en":
        assert_english(str(info.value), "khong-co.yaml", "not found", "data/a.yaml", "then run again")


def test_bad_info_label_is_refused(tmp_path: Path, payload: dict[str, Path]) -> None:
    with pytest.raises(BagError, match="Nhãn"):
        make_bag_zip(tmp_path / "x.zip", payload, info={"Bad Label": "x"})


LONG = "Hồ sơ đề nghị công nhận điển hình tiên tiến năm 2024 theo Kế hoạch 1935/KH-BHXH của Bảo hiểm xã hội Việt Nam"


def test_long_bag_info_values_are_folded_at_79_and_still_valid(tmp_path: Path, payload: dict[str, Path]) -> None:
    """RFC 8493 2.2.2: lines of bag-info.txt SHOULD stay within 79 characters; long values are folded."""
    bagit = pytest.importorskip("bagit")
    safe = {k: v for k, v in payload.items() if "%" not in k}
    make_bag_zip(tmp_path / "ho-so.zip", safe, info={**INFO, "External-Description": LONG})
    text = read(tmp_path / "ho-so.zip", "ho-so/bag-info.txt")
    assert max(len(line) for line in text.splitlines()) <= 79
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("External-Description: "))
    folded = [lines[start]] + [line for line in lines[start + 1:start + 3] if line.startswith("  ")]
    assert len(folded) == 2                                    # folded once, continuation indented
    assert " ".join(part.strip() for part in folded) == f"External-Description: {LONG}"
    assert verify_bag_zip(tmp_path / "ho-so.zip") == []
    with zipfile.ZipFile(tmp_path / "ho-so.zip") as zf:
        zf.extractall(tmp_path / "x")
    read_back = bagit.Bag(str(tmp_path / "x" / "ho-so"))
    assert read_back.validate()
    assert " ".join(read_back.info["External-Description"].split()) == LONG


# --------------------------------------------------------------------------- copying from an earlier bag


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_bag_made_from_an_earlier_one_is_the_bag_made_from_nothing(tmp_path, payload, monkeypatch):
    from dhtt_docs.archive import detzip
    from dhtt_docs.archive.bag import EarlierBag

    def digests() -> dict[str, str]:
        return {name: _sha(path) for name, path in payload.items()}

    first = tmp_path / "a" / "ho-so.zip"
    index = make_bag_zip(first, payload, info=INFO, digests=digests())
    stored = sorted(n for n in payload if n.endswith((".pdf", ".docx")))
    assert sorted(n.split("/data/", 1)[1] for n in index["entries"]) == stored
    payload["attachments/bằng khen 2022.pdf"].write_bytes(b"%PDF-1.7 another scan")   # one file changed
    copied = []
    real = detzip.copy_entry
    monkeypatch.setattr(detzip, "copy_entry", lambda zf, src, name, span: copied.append(name) or real(zf, src, name, span))
    again = tmp_path / "b" / "ho-so.zip"
    make_bag_zip(again, payload, info=INFO, digests=digests(), earlier=EarlierBag(first, index))
    fresh = tmp_path / "c" / "ho-so.zip"
    make_bag_zip(fresh, payload, info=INFO, digests=digests())
    assert again.read_bytes() == fresh.read_bytes()
    assert sorted(n.split("/data/", 1)[1] for n in copied) == [n for n in stored if "bằng khen" not in n]
    assert verify_bag_zip(again) == []


def test_an_earlier_bag_whose_index_does_not_match_is_not_copied_from(tmp_path, payload):
    from dhtt_docs.archive.bag import EarlierBag

    digests = {name: _sha(path) for name, path in payload.items()}
    first = tmp_path / "a" / "ho-so.zip"
    index = make_bag_zip(first, payload, info=INFO, digests=digests)
    fresh = tmp_path / "c" / "ho-so.zip"
    make_bag_zip(fresh, payload, info=INFO, digests=digests)
    wrong = {"entries": {name: span[:4] + ["0" * 64] for name, span in index["entries"].items()}}
    again = tmp_path / "b" / "ho-so.zip"
    make_bag_zip(again, payload, info=INFO, digests=digests, earlier=EarlierBag(first, wrong))
    assert again.read_bytes() == fresh.read_bytes()
    make_bag_zip(again, payload, info=INFO, digests=digests, earlier=EarlierBag(tmp_path / "missing.zip", index))
    assert again.read_bytes() == fresh.read_bytes()
    first.write_bytes(first.read_bytes()[:200])                   # cut short after its index was made
    with pytest.raises(BagError, match="--no-cache"):
        make_bag_zip(again, payload, info=INFO, digests=digests, earlier=EarlierBag(first, index))
