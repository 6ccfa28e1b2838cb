"""The reports' keys kept between builds of one process (build/pipeline.py KeptKeys): the keys a build
that keeps nothing computes, hashed again only for a report whose variables changed."""

from __future__ import annotations

import shutil

from conftest import SAMPLE_ROUND
from dhtt_docs.build import cache as cache_module
from dhtt_docs.build import kept
from dhtt_docs.build.pipeline import keyed_documents
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.rules.engine import evaluate
from test_kept import keeping  # noqa: F401 - the fixture: this process keeps, as the warm builder does


def keys(folder, keep: bool) -> dict[str, str]:
    """The round's keys as the warm builder computes them (`keep`), or as a build that keeps nothing."""
    kept._keeping = keep
    try:
        report = evaluate(load_round(folder, loaded=kept.candidates()), kept=kept.checks())
        return {job.file_name: key for job, key in keyed_documents(report, None, False)}
    finally:
        kept._keeping = True


def test_kept_keys_are_the_keys_and_only_a_changed_report_is_hashed_again(keeping, tmp_path, monkeypatch):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    hashed: list[str] = []
    real = cache_module.key_of

    def key_of(parts):
        hashed.append(parts.get("document", {}).get("file", "") if isinstance(parts.get("document"), dict) else "")
        return real(parts)

    monkeypatch.setattr("dhtt_docs.build.pipeline.key_of", key_of)
    first = keys(folder, keep=True)
    assert first == keys(folder, keep=False)
    hashed.clear()
    assert keys(folder, keep=True) == first
    reports = [name for name in first if name.startswith("bao-cao-")]
    assert not set(hashed) & set(reports)                    # every report's key given again
    hung = folder / "candidates" / "le-van-hung.yaml"
    hung.write_text(hung.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Thêm.\n", 1),
                    encoding="utf-8")
    hashed.clear()
    third = keys(folder, keep=True)
    assert set(hashed) & set(reports) == {"bao-cao-thanh-tich-le-van-hung.docx"}
    assert third == keys(folder, keep=False)
    assert {n for n in first if third[n] != first[n]} == {"bao-cao-thanh-tich-le-van-hung.docx"}
    # the round's date changes every document's fingerprint: every report is hashed again
    sub = folder / "submission.yaml"
    date = evaluate(load_round(folder)).round.submission.submission.date
    sub.write_text(sub.read_text(encoding="utf-8").replace(date.isoformat(), date.replace(day=date.day - 1)
                                                           .isoformat(), 1), encoding="utf-8")
    hashed.clear()
    fourth = keys(folder, keep=True)
    assert set(reports) <= set(hashed) and fourth == keys(folder, keep=False)
