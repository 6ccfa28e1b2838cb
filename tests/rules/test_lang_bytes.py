"""Findings are data: what is archived is the same bytes whatever --lang is."""

from __future__ import annotations

import json

import pytest

from conftest import SAMPLE_ROUND, SCREENING_ROUND

from dhtt_docs.dossier.loader import load_round
from dhtt_docs.i18n import set_lang
from dhtt_docs.rules.engine import evaluate


def _build(run_cli, folder, out, lang):
    result = run_cli("--lang", lang, "build", folder, "-o", out, "--no-pdf", "--no-cache", "--force")
    assert result.exit_code in (0, 1), result.output
    return out


@pytest.mark.slow
def test_build_in_english_and_vietnamese_gives_the_same_bytes(tmp_path, run_cli):
    for folder in (SAMPLE_ROUND, SCREENING_ROUND):
        vi = _build(run_cli, folder, tmp_path / f"{folder.name}-vi", "vi")
        en = _build(run_cli, folder, tmp_path / f"{folder.name}-en", "en")
        assert (vi / "validation.json").read_bytes() == (en / "validation.json").read_bytes()
        zips = [next((d / "bundle").glob("*.zip")).read_bytes() for d in (vi, en)]
        assert zips[0] == zips[1]
        messages = [f["message"] for c in json.loads((vi / "validation.json").read_text())["candidates"]
                    for f in c["findings"]]
        assert folder is SAMPLE_ROUND or messages           # the screening round has findings to compare


def test_report_json_in_vietnamese_whatever_the_language(round_dir):
    round_dir.edit("candidates/an.yaml", "date: 2022-12-28", "date: 2020-12-28")     # errors to print
    round_dir.edit("submission.yaml", "plan: 1935/KH-BHXH", "plan: 1935/KH-BHXH")
    try:
        set_lang("en")
        in_en = json.dumps(evaluate(load_round(round_dir.root)).to_json("vi"), ensure_ascii=False)
        set_lang("vi")
        in_vi = json.dumps(evaluate(load_round(round_dir.root)).to_json("vi"), ensure_ascii=False)
    finally:
        set_lang("vi")
    assert in_en == in_vi and "ngoài thời gian 2021-2025" in in_vi
