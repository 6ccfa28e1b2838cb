"""Each candidate's own checks kept between builds of one process (rules/engine.py KeptChecks): the same
verdicts and findings as checking from nothing, checked again only for a candidate loaded again, and
every candidate again under another year or another profile."""

from __future__ import annotations

import shutil

from conftest import SAMPLE_ROUND
from dhtt_docs.dossier.loader import LoadedCandidates, load_round
from dhtt_docs.rules import engine
from dhtt_docs.rules.engine import KeptChecks, evaluate


def state(report) -> list:
    return [(v.id, v.eligible, v.tracks, v.labels, v.basis, v.findings, v.votes, v.approved,
             v.not_checked_because) for v in report.verdicts] + [report.findings]


def counting(monkeypatch) -> list[str]:
    checked: list[str] = []
    real = engine.check_candidate

    def check(v, *args):
        checked.append(v.id)
        return real(v, *args)

    monkeypatch.setattr(engine, "check_candidate", check)
    return checked


def test_kept_checks_are_the_checks_and_only_an_edited_candidate_is_checked_again(tmp_path, monkeypatch):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    checked = counting(monkeypatch)
    loaded, kept = LoadedCandidates(), KeptChecks()
    first = evaluate(load_round(folder, loaded=loaded), kept=kept)
    everyone = list(checked)
    assert len(everyone) == len(first.verdicts) > 1
    checked.clear()
    again = evaluate(load_round(folder, loaded=loaded), kept=kept)
    assert checked == [] and state(again) == state(first)
    # an edit that makes a finding: that candidate alone is checked again, and says it
    hung = folder / "candidates" / "le-van-hung.yaml"
    hung.write_text(hung.read_text(encoding="utf-8").replace("  2023: hoàn thành xuất sắc nhiệm vụ",
                                                             "  2023: hoàn thành nhiệm vụ", 1), encoding="utf-8")
    third = evaluate(load_round(folder, loaded=loaded), kept=kept)
    assert checked == ["le-van-hung"]
    assert state(third) == state(evaluate(load_round(folder)))
    assert state(third) != state(first)
    # another round year: every candidate is checked again
    checked.clear()
    sub = folder / "submission.yaml"
    year = third.round.submission.year
    sub.write_text(sub.read_text(encoding="utf-8").replace(f"year: {year}", f"year: {year - 1}", 1), encoding="utf-8")
    fourth = evaluate(load_round(folder, loaded=loaded), kept=kept)
    assert sorted(checked) == sorted(everyone)
    assert state(fourth) == state(evaluate(load_round(folder)))
