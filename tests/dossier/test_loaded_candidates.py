"""Candidates kept between builds of one process (the warm builder): an unchanged file gives back the
very candidate loaded before, without parsing; a changed one is loaded again; the parse memo the next
cold build reads stays whole."""

from __future__ import annotations

import shutil

from conftest import SAMPLE_ROUND
from dhtt_docs.dossier.loader import LoadedCandidates, load_round
from dhtt_docs.dossier.parsecache import ParseMemo
from dhtt_docs.rules.engine import evaluate


def _round(tmp_path):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    return folder


def _findings(rnd) -> list:
    return [(f.code, f.file, f.line, f.key) for f in rnd.findings]


def test_unchanged_files_give_back_the_same_candidates_and_a_changed_one_is_loaded_again(tmp_path):
    folder = _round(tmp_path)
    loaded = LoadedCandidates()
    first = load_round(folder, memo=ParseMemo(None, "t"), loaded=loaded)
    saved = ParseMemo(None, "t")
    load_round(folder, memo=saved)
    record = saved.to_json()

    memo = ParseMemo(record, "t")
    again = load_round(folder, memo=memo, loaded=loaded)
    assert [c.id for c in again.candidates] == [c.id for c in first.candidates]
    assert all(a is b for a, b in zip(again.candidates, first.candidates))   # not loaded again
    assert memo.parsed == 0 and memo.hits == 1          # only submission.yaml went through the memo
    assert not memo.changed and memo.to_json() == record   # the record a cold build reads stays whole

    hung = folder / "candidates" / "le-van-hung.yaml"
    hung.write_text(hung.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Thêm.\n", 1),
                    encoding="utf-8")
    memo = ParseMemo(record, "t")
    third = load_round(folder, memo=memo, loaded=loaded)
    changed = [c for c in third.candidates if c.id == "le-van-hung"][0]
    assert changed is not [c for c in first.candidates if c.id == "le-van-hung"][0]
    assert "Thêm." in changed.model.achievements and memo.parsed == 1
    assert sum(a is b for a, b in zip(third.candidates, first.candidates)) == len(first.candidates) - 1
    cold = load_round(folder)
    assert _findings(third) == _findings(cold)
    judged = [[(v.eligible, v.tracks) for v in evaluate(r).verdicts] for r in (third, cold)]
    assert judged[0] == judged[1]


def test_a_file_gone_is_forgotten_and_its_findings_come_back_with_it(tmp_path):
    folder = _round(tmp_path)
    bad = folder / "candidates" / "sai.yaml"
    bad.write_text("kind: individual\nfull_name: Nguyễn Văn Sai\nbirth_year: một nghìn\n", encoding="utf-8")
    loaded = LoadedCandidates()
    first = load_round(folder, loaded=loaded)
    again = load_round(folder, loaded=loaded)
    assert _findings(again) == _findings(first) == _findings(load_round(folder))
    assert any(f[1] == "candidates/sai.yaml" for f in _findings(again))
    bad.unlink()
    gone = load_round(folder, loaded=loaded)
    assert "sai" not in {c.id for c in gone.candidates}
    assert all(key[0] != str(bad) for key in loaded._by_file)
