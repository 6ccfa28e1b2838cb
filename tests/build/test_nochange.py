"""The short cut of a rebuild with nothing changed: taken only when every input and OUT are as the last
build left them, and then it says exactly what a full rebuild says."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from conftest import SAMPLE_ROUND, SCREENING_ROUND
from dhtt_docs.build.incremental import RecordedReport, _note_name
from dhtt_docs.build.pipeline import BuildOptions, build
from helpers import cli_run

pytestmark = pytest.mark.slow   # each test builds a round two or more times

N_DOCS = 9


@pytest.fixture
def work(tmp_path) -> Path:
    folder = tmp_path / "bhxh-thanh-hoa-2024"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    return folder


def go(folder: Path, **kw):
    kw.setdefault("pdf", False)
    result = build(folder, BuildOptions(out=folder / "build", **kw))
    assert result.out is not None, [str(f.message) for f in result.findings]
    return result


def short_cut(result) -> bool:
    """Was the build decided from the record alone (nothing loaded)?"""
    return isinstance(result.report, RecordedReport) and "load" not in result.timings


def outputs(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(folder / "build").as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in (folder / "build").rglob("*") if p.is_file()}


def forget_record(folder: Path) -> None:
    """Drop the record from the last build's note: the next build takes the full path (still_current)."""
    note = folder / ".dhtt-cache" / f"{_note_name((folder / 'build').absolute())}.json"
    value = json.loads(note.read_text(encoding="utf-8"))
    value.pop("record")
    note.write_text(json.dumps(value), encoding="utf-8")


def test_nothing_changed_takes_the_short_cut_and_says_the_same(work):
    first = go(work)
    before = outputs(work)
    full = go(work)                       # the record is written by the first build: already the short cut
    assert short_cut(full)
    forget_record(work)
    slow = go(work)                       # the full path, which writes the record again
    assert not short_cut(slow) and slow.stats == {"docx_reused": N_DOCS}
    fast = go(work)
    assert short_cut(fast)
    assert outputs(work) == before        # nothing rewritten, not even a date
    for r in (slow, fast):
        assert r.written == r.unchanged == first.written and not r.changed
        assert (r.rendered, r.reused, r.converted, r.draft, r.pdf_reused) == (0, N_DOCS, 0, False, None)
    assert [f.to_json("vi") for f in fast.report.all_findings()] == \
        [f.to_json("vi") for f in slow.report.all_findings()]
    assert [f.to_json("en") for f in fast.report.all_findings()] == \
        [f.to_json("en") for f in slow.report.all_findings()]
    assert fast.report.ok is slow.report.ok is True
    # anything else a caller asks of the report is evaluated then, and is the real thing
    assert [v.id for v in fast.report.verdicts] == [v.id for v in slow.report.verdicts]
    assert fast.report.to_json("vi") == slow.report.to_json("vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_cli_prints_the_same_and_exits_the_same(work, lang):
    out = work / "build"
    args = ("--lang", lang, "build", work, "-o", out, "--no-pdf")
    assert cli_run(*args).exit_code == 0
    validation = (out / "validation.json").read_bytes()
    forget_record(work)
    full = cli_run(*args)
    fast = cli_run(*args)
    assert full.exit_code == fast.exit_code == 0
    assert fast.stdout == full.stdout and fast.stderr == full.stderr
    last = {"vi": "Lần này: lập 0 văn bản, dùng lại 9 văn bản không đổi.",
            "en": "This run: 0 documents made again, 9 reused unchanged."}[lang]
    assert fast.stdout.splitlines()[-1] == last
    assert (out / "validation.json").read_bytes() == validation


def test_draft_with_errors_says_the_same_and_exits_1(tmp_path):
    folder = tmp_path / "so-loai"
    shutil.copytree(SCREENING_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    args = ("build", folder, "-o", folder / "build", "--no-pdf", "--force")
    first = cli_run(*args)
    assert first.exit_code == 1 and "DỰ THẢO" in first.stdout
    forget_record(folder)
    full = cli_run(*args)
    fast = cli_run(*args)
    assert full.exit_code == fast.exit_code == 1
    assert fast.stdout == full.stdout and fast.stderr == full.stderr
    result = build(folder, BuildOptions(out=folder / "build", pdf=False, force=True))
    assert short_cut(result) and result.draft and not result.report.ok


def _edit_candidate(folder: Path) -> None:
    f = folder / "candidates/bui-thi-lan-anh.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Câu mới.\n", 1),
                 encoding="utf-8")


def test_edited_candidate_falls_through_and_rebuilds_it(work):
    go(work)
    _edit_candidate(work)
    result = go(work)
    assert not short_cut(result) and result.rendered == 1
    text = "\n".join(p.text for p in Document(work / "build/documents/bao-cao-thanh-tich-bui-thi-lan-anh.docx").paragraphs)
    assert "Câu mới." in text
    assert short_cut(go(work))


def test_only_the_changed_file_is_parsed_again(work):
    from dhtt_docs.build.memo import Memo
    from dhtt_docs.dossier.loader import load_round

    go(work)
    _edit_candidate(work)
    memo = Memo((work / ".dhtt-cache").absolute(), work)
    rnd = load_round(work, memo=memo.parsed)
    assert (memo.parsed.parsed, memo.parsed.hits) == (1, len(rnd.candidates))   # the submission and 5 others reused


def test_changed_attachment_falls_through_and_is_archived(work):
    go(work)
    att = work / "attachments/qd-187-2023.pdf"
    other = (work / "attachments/qd-3120-2022.pdf").read_bytes()
    att.write_bytes(other)                            # another (valid) PDF under the same name
    result = go(work)
    assert not short_cut(result)
    import zipfile
    with zipfile.ZipFile(work / "build/bundle/bhxh-thanh-hoa-2024.zip") as z:
        assert z.read("bhxh-thanh-hoa-2024/data/attachments/qd-187-2023.pdf") == other
    assert short_cut(go(work))


def test_touched_attachment_with_the_same_bytes_changes_nothing(work):
    import os

    go(work)
    before = outputs(work)
    att = work / "attachments/qd-187-2023.pdf"
    os.utime(att, ns=(att.stat().st_atime_ns, att.stat().st_mtime_ns + 10**9))
    assert short_cut(go(work))            # inputs are compared by their bytes, not their dates
    assert outputs(work) == before


def test_removed_attachment_falls_through(work):
    go(work)
    (work / "attachments/qd-187-2023.pdf").unlink()
    result = build(work, BuildOptions(out=work / "build", pdf=False))
    assert not short_cut(result)
    assert "attachment.unusable" in [f.code for f in result.report.all_findings()]


@pytest.mark.parametrize("option", [{"force": True}, {"duplex": True}, {"templates": "export"}])
def test_changed_option_falls_through(work, tmp_path, option):
    go(work)
    if option.get("templates") == "export":
        from dhtt_docs.documents.render import export_templates
        export_templates(tmp_path / "mau")
        option = {"templates": tmp_path / "mau"}
    result = go(work, **option)
    assert not short_cut(result) and result.stats == {"docx_reused": N_DOCS}
    assert short_cut(go(work, **option))  # recorded with the new option
    assert not short_cut(go(work))        # and back


def test_new_template_in_the_templates_folder_falls_through(work, tmp_path):
    from dhtt_docs.documents.render import export_templates

    mine = tmp_path / "mau"
    export_templates(mine)
    (mine / "to-trinh.docx").unlink()     # the built-in one is used
    go(work, templates=mine)
    export_templates(tmp_path / "all")
    shutil.copy(tmp_path / "all/to-trinh.docx", mine / "to-trinh.docx")
    result = go(work, templates=mine)
    assert not short_cut(result)


@pytest.mark.parametrize("damage", ["delete", "alter", "add"])
def test_out_not_as_left_falls_through_and_is_repaired(work, damage):
    go(work)
    target = work / "build/documents/to-trinh.docx"
    good = target.read_bytes()
    if damage == "delete":
        target.unlink()
    elif damage == "alter":
        target.write_bytes(b"not a docx")
    else:
        (work / "build/documents/extra.txt").write_text("x", encoding="utf-8")
    result = go(work)
    assert not short_cut(result)
    assert target.read_bytes() == good and not (work / "build/documents/extra.txt").exists()
    assert short_cut(go(work))


def test_signed_files_do_not_stop_the_short_cut(work):
    go(work)
    (work / "build/signed").mkdir()
    (work / "build/signed/to-trinh.pdf").write_bytes(b"%PDF signed")
    assert short_cut(go(work))            # sign's own folder is not the build's


def test_changed_plan_file_falls_through_and_rebuilds_everything(work):
    from dhtt_docs.rules.profile_files import plans_dir

    plan = work / "ke-hoach.yaml"
    shutil.copy(plans_dir() / "1935-KH-BHXH.yaml", plan)
    sub = work / "submission.yaml"
    sub.write_text(sub.read_text(encoding="utf-8").replace("plan: 1935/KH-BHXH", "plan: ke-hoach.yaml"),
                   encoding="utf-8")
    go(work)
    assert short_cut(go(work))
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# sửa\n", encoding="utf-8")
    result = go(work)
    assert not short_cut(result) and result.rendered == N_DOCS


def test_new_candidate_file_falls_through(work):
    go(work)
    shutil.copy(work / "candidates/bui-thi-lan-anh.yaml", work / "candidates/bui-thi-lan-anh-2.yaml")
    result = build(work, BuildOptions(out=work / "build", pdf=False))
    assert not short_cut(result)


def test_no_cache_never_takes_it(work):
    go(work, cache=False)
    assert not short_cut(go(work, cache=False))


@pytest.mark.usefixtures("soffice")
def test_with_pdfs_the_short_cut_counts_pdfs(work):
    first = go(work, pdf=True)
    second = go(work, pdf=True)
    assert short_cut(second)
    assert second.stats == {"docx_reused": N_DOCS, "pdf_converted": 0, "pdf_reused": N_DOCS}
    assert second.written == first.written
    (work / "build/bundle/bhxh-thanh-hoa-2024.pdf").unlink()
    third = go(work, pdf=True)
    assert not short_cut(third) and (work / "build/bundle/bhxh-thanh-hoa-2024.pdf").is_file()


@pytest.mark.parametrize("damage", ['{"key": 1', '{"record": {"format": 1, "inputs": 3}}', '[]',
                                    "RECORD_FINDINGS"])
def test_damaged_record_takes_the_normal_way(work, damage):
    go(work)
    note = work / ".dhtt-cache" / f"{_note_name((work / 'build').absolute())}.json"
    if damage == "RECORD_FINDINGS":
        value = json.loads(note.read_text(encoding="utf-8"))
        value["record"]["findings"] = [["nonsense"]]
        damage = json.dumps(value)
    note.write_text(damage, encoding="utf-8")
    result = go(work)
    assert not short_cut(result) and result.stats == {"docx_reused": N_DOCS}
