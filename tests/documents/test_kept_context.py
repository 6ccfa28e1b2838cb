"""Report variables kept between builds of one process: the same values as made from nothing, made
again only for a candidate loaded again."""

from __future__ import annotations

import shutil

from conftest import SAMPLE_ROUND
from dhtt_docs.documents.context import KeptCandidates, build_context
from dhtt_docs.dossier.loader import LoadedCandidates, load_round
from dhtt_docs.rules.engine import evaluate


def test_kept_variables_are_the_variables_and_only_an_edited_candidates_are_made_again(tmp_path):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    loaded, kept = LoadedCandidates(), KeptCandidates()
    first = build_context(evaluate(load_round(folder, loaded=loaded)), kept=kept)
    again = build_context(evaluate(load_round(folder, loaded=loaded)), kept=kept)
    assert again.candidates == first.candidates
    assert all(again.candidates[k] is first.candidates[k] for k in first.candidates)   # not made again
    hung = folder / "candidates" / "le-van-hung.yaml"
    hung.write_text(hung.read_text(encoding="utf-8").replace("achievements: |\n", "achievements: |\n  Thêm.\n", 1),
                    encoding="utf-8")
    third = build_context(evaluate(load_round(folder, loaded=loaded)), kept=kept)
    fresh = build_context(evaluate(load_round(folder)))
    assert third.candidates == fresh.candidates and third.headers == fresh.headers
    assert list(third.candidates) == list(fresh.candidates)   # the order too: it is the bundle's
    assert third.common == fresh.common and third.place_dates == fresh.place_dates
    remade = [k for k in first.candidates if third.candidates[k] is not first.candidates[k]]
    assert remade == ["le-van-hung"]
    # the names kept together changed (another council chair): every candidate is made again
    sub = folder / "submission.yaml"
    text = sub.read_text(encoding="utf-8")
    chair = evaluate(load_round(folder)).round.submission.council.chair.name
    sub.write_text(text.replace(chair, "Đỗ Văn Mới"), encoding="utf-8")
    fourth = build_context(evaluate(load_round(folder, loaded=loaded)), kept=kept)
    assert all(fourth.candidates[k] is not third.candidates[k] for k in third.candidates)
    assert fourth.candidates == build_context(evaluate(load_round(folder))).candidates
