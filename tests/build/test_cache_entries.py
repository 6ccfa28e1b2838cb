"""Cache entries are written in place; one left half-written is never served and is written again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE_ROUND
from dhtt_docs.build.cache import BuildCache, digest

DATA = b"PK\x03\x04" + bytes(range(256)) * 40


def test_half_written_entry_is_passed_over_and_written_again(tmp_path):
    BuildCache(tmp_path).store_bytes("docx", "k1", DATA)
    (entry,) = (tmp_path / "docx").glob("k1-*.docx")
    assert entry.name == f"k1-{digest(DATA)[:16]}.docx"
    entry.write_bytes(DATA[:100])                     # a build stopped while writing it

    cache = BuildCache(tmp_path)
    assert not cache.fetch("docx", "k1", tmp_path / "out.docx")
    assert not entry.exists() and not (tmp_path / "out.docx").exists()
    cache.store_bytes("docx", "k1", DATA)
    assert entry.read_bytes() == DATA
    assert BuildCache(tmp_path).fetch("docx", "k1", tmp_path / "out.docx")
    assert (tmp_path / "out.docx").read_bytes() == DATA


def test_entry_kept_by_an_earlier_build_is_not_rewritten_and_survives_the_prune(tmp_path):
    BuildCache(tmp_path).store_bytes("pdf", "k2", DATA)
    (entry,) = (tmp_path / "pdf").glob("k2-*.pdf")
    before = entry.stat()

    cache = BuildCache(tmp_path)
    cache.store_bytes("pdf", "k2", DATA)
    cache.store_bytes("pdf", "k3", DATA + b"x")
    cache.prune()
    after = entry.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "pdf").iterdir()) == ["k2", "k3"]
    assert not list(tmp_path.rglob("*.part"))         # no temporary files around


def test_entry_whose_write_fails_leaves_nothing_behind(tmp_path, monkeypatch):
    from dhtt_docs.build import cache as cache_module

    def full_disk(path, mode):
        fh = open(path, mode)   # noqa: SIM115 - handed back to the `with` of the code under test

        def write(data):
            fh.raw.write(data[:10])
            raise OSError(28, "No space left on device")
        fh.write = write
        return fh

    cache = BuildCache(tmp_path)
    monkeypatch.setattr(cache_module, "open", full_disk, raising=False)
    cache.store_bytes("json", "k4", b"[1, 2, 3]")        # no error: a cache that cannot store just misses
    monkeypatch.undo()
    assert list((tmp_path / "json").iterdir()) == []
    assert BuildCache(tmp_path).fetch_json("k4") is None


def _build(folder):
    from dhtt_docs.build.pipeline import BuildOptions, build

    result = build(folder, BuildOptions(out=folder / "build", pdf=False))
    assert result.out is not None, [str(f.message) for f in result.findings]
    return result


@pytest.fixture
def round_folder(tmp_path):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    return folder


def test_reused_documents_are_links_to_their_cache_entries_not_copies(round_folder):
    _build(round_folder)
    (round_folder / "build").rename(round_folder / "first")       # the next build fetches every document
    result = _build(round_folder)
    assert result.stats == {"docx_reused": 9}
    entries = {p.stat().st_ino for p in (round_folder / ".dhtt-cache/docx").glob("*.docx")}
    documents = sorted((round_folder / "build/documents").glob("*.docx"))
    assert len(documents) == 9 and all(d.stat().st_ino in entries for d in documents)


def test_a_document_edited_in_place_is_not_served_again(round_folder):
    _build(round_folder)
    shutil.rmtree(round_folder / "build")
    _build(round_folder)                         # every document now a link to its entry
    doc = round_folder / "build/documents/to-trinh.docx"
    good = doc.read_bytes()
    with open(doc, "r+b") as fh:                 # an editor that saves into the same file (and so the entry)
        fh.seek(100)
        fh.write(b"edited")
    result = _build(round_folder)
    assert result.stats == {"docx_rendered": 1, "docx_reused": 8}
    assert doc.read_bytes() == good
    assert len(list((round_folder / ".dhtt-cache/docx").glob("*.docx"))) == 9


def test_where_links_cannot_be_made_the_documents_are_written(round_folder, tmp_path, monkeypatch):
    import os

    from dhtt_docs.build import cache as cache_module

    linked = _build(round_folder)
    expected = {p.name: p.read_bytes() for p in (linked.out / "documents").iterdir()}
    other = tmp_path / "other"
    shutil.copytree(SAMPLE_ROUND, other, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))

    def no_links(src, dst):
        raise OSError(18, "Invalid cross-device link")
    monkeypatch.setattr(cache_module.os, "link", no_links)
    for step in ("rendered", "fetched from the cache"):        # neither can link
        result = _build(other)
        assert result.stats == ({"docx_rendered": 9} if step == "rendered" else {"docx_reused": 9})
        documents = {p.name: p for p in (result.out / "documents").iterdir()}
        assert {name: p.read_bytes() for name, p in documents.items()} == expected, step
        assert all(os.stat(p).st_nlink == 1 for p in documents.values()), step
        shutil.rmtree(result.out)


def test_the_same_bytes_put_twice_are_one_entry_and_two_links(tmp_path):
    cache = BuildCache(tmp_path / "cache")
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    cache.put_bytes("pdf", "k6", DATA, a, Path.write_bytes)
    cache.put_bytes("pdf", "k6", DATA, b, Path.write_bytes)
    (entry,) = (tmp_path / "cache/pdf").iterdir()
    assert a.read_bytes() == b.read_bytes() == DATA
    assert a.stat().st_ino == b.stat().st_ino == entry.stat().st_ino
    assert cache.file_digest(a) == digest(DATA)


def test_an_entry_left_by_a_stopped_build_is_not_linked_to(tmp_path):
    first = BuildCache(tmp_path / "cache")
    first.store_bytes("pdf", "k7", DATA)
    (entry,) = (tmp_path / "cache/pdf").iterdir()
    entry.write_bytes(DATA[:50])                        # half-written, under the full content's name
    dest = tmp_path / "x.pdf"
    BuildCache(tmp_path / "cache").put_bytes("pdf", "k7", DATA, dest, Path.write_bytes)
    assert dest.read_bytes() == DATA and dest.stat().st_ino != entry.stat().st_ino


def _reads_of_entries(monkeypatch, root: Path) -> list[Path]:
    """Every read of a file under `root` from now on (Path.read_bytes, which the cache reads entries with)."""
    reads: list[Path] = []
    real = Path.read_bytes

    def counted(self):
        if root in self.parents:
            reads.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return reads


def test_an_entry_found_sound_by_one_build_is_not_read_again_by_the_next(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    first = BuildCache(root)
    first.store_bytes("pdf", "k1", DATA)
    first.save_checked()
    reads = _reads_of_entries(monkeypatch, root)
    second = BuildCache(root)
    assert second.fetch("pdf", "k1", tmp_path / "a.pdf")
    assert reads == []                                   # taken as sound by its inode, size and date
    assert (tmp_path / "a.pdf").read_bytes() == DATA
    assert second.file_digest(tmp_path / "a.pdf") == digest(DATA)


def test_an_entry_changed_since_it_was_checked_is_read_and_dropped(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    first = BuildCache(root)
    first.store_bytes("pdf", "k1", DATA)
    first.save_checked()
    (entry,) = (root / "pdf").glob("k1-*.pdf")
    was = entry.stat()
    with open(entry, "r+b") as fh:                        # edited in place (as through a link in OUT): same size
        fh.write(b"XX")
    os.utime(entry, ns=(was.st_atime_ns, was.st_mtime_ns + 1_000_000))
    reads = _reads_of_entries(monkeypatch, root)
    assert not BuildCache(root).fetch("pdf", "k1", tmp_path / "a.pdf")
    assert reads == [entry] and not entry.exists() and not (tmp_path / "a.pdf").exists()


def test_the_note_of_checked_entries_holds_only_what_the_last_build_used(tmp_path):
    root = tmp_path / "cache"
    first = BuildCache(root)
    first.store_bytes("pdf", "k1", DATA)
    first.store_bytes("pdf", "k2", DATA + b"2")
    first.save_checked()
    second = BuildCache(root)
    assert second.fetch("pdf", "k2", tmp_path / "b.pdf")
    second.prune()
    second.save_checked()
    assert [name.split("-")[0] for name in second.read_note(BuildCache.CHECKED)] == ["k2"]


def test_a_stored_file_is_kept_as_a_link_or_where_links_fail_as_a_copy(tmp_path, monkeypatch):
    made = tmp_path / "bag.zip"
    made.write_bytes(DATA)
    cache = BuildCache(tmp_path / "cache")
    assert cache.store("zip", "k1", made) == digest(DATA)
    (entry,) = (tmp_path / "cache" / "zip").glob("k1-*.zip")
    assert entry.stat().st_ino == made.stat().st_ino                  # one file, not two

    def no_links(*args, **kwargs):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    other = tmp_path / "other.zip"
    other.write_bytes(DATA + b"2")
    cache.store("zip", "k2", other)
    (copy,) = (tmp_path / "cache" / "zip").glob("k2-*.zip")
    assert copy.read_bytes() == DATA + b"2" and copy.stat().st_ino != other.stat().st_ino


def test_fetching_onto_a_link_to_the_same_entry_leaves_no_stray_file(tmp_path):
    """rename() does nothing when both names are links to one file: the temporary link must not stay."""
    cache = BuildCache(tmp_path / "cache")
    cache.store_bytes("pdf", "k", DATA)
    out = tmp_path / "out"
    out.mkdir()
    assert cache.fetch("pdf", "k", out / "a.pdf")            # a new file: linked in one call
    assert BuildCache(tmp_path / "cache").fetch("pdf", "k", out / "a.pdf")   # already that file
    (entry,) = (tmp_path / "cache" / "pdf").glob("k-*.pdf")
    assert sorted(p.name for p in out.iterdir()) == ["a.pdf"]
    assert (out / "a.pdf").stat().st_ino == entry.stat().st_ino and (out / "a.pdf").read_bytes() == DATA
    noted = cache.file_digest(out / "a.pdf")                 # noted from the entry, without reading
    assert noted == digest(DATA)
