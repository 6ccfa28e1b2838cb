"""Parsed files found again by their bytes (dossier/parsecache.py), and the remembered 'did you mean' hints:
the answer read back is exactly the answer parsing (or matching) gives."""

from __future__ import annotations

import difflib
import json
import random
import shutil
from pathlib import Path

import pytest

from conftest import SAMPLE_ROUND, SCREENING_ROUND
from dhtt_docs import vocab
from dhtt_docs.dossier.loader import load_round
from dhtt_docs.dossier.parsecache import ParseMemo
from dhtt_docs.dossier.yamlsource import read_yaml
from dhtt_docs.rules.engine import evaluate

TRICKY = {
    "years.yaml": "ratings:\n  2021: HTTNV\n  2022: 'HTXSNV'\n  '2023': x\nnested: {a: [1, 2.5, true, null, ~]}\n",
    "floats.yaml": "i: .nan\na: .inf\nb: -.inf\nc: 1.0\nd: 1e3\ne: 0x1F\nf: 0o17\ng: 1_000\nh: '1.0'\n",
    "keys.yaml": "1.5: float key\ntrue: bool key\nnull: none key\n3: int key\nx: str key\n",
    "dup.yaml": "a: 1\na: 2\nb:\n  - c: 1\n    c: 2\n",
    "syntax.yaml": "a: [1, 2\nb: 3\n",
    "alias.yaml": "a: &x 1\nb: *x\n",
    "invisible.yaml": "a: \"chữ\u200bẩn\"\nb: dòng\x07 có ký tự lạ\n",
    "empty.yaml": "---\n",
    "list.yaml": "- a\n- b\n",
    "nfd.yaml": "name: Nguye\u0302\u0303n\n",
}


def same(a, b) -> bool:
    """Equal, and of the same types all the way down (1 == 1.0 == True would hide a change)."""
    return repr(a) == repr(b) and json.dumps(a, default=repr) == json.dumps(b, default=repr)


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_a_file_read_back_is_what_parsing_gives(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(TRICKY[name].encode("utf-8"))
    memo = ParseMemo(None, "v")
    parsed = read_yaml(path, name, memo)
    saved = json.loads(json.dumps(memo.to_json()))          # through JSON, as the cache keeps it
    again = ParseMemo(saved, "v")
    found = read_yaml(path, name, again)
    assert again.hits == 1 and again.parsed == 0
    assert same(found.data, parsed.data)
    assert found.source == parsed.source and list(found.source.lines) == list(parsed.source.lines)
    assert [f.to_json("vi") for f in found.findings] == [f.to_json("vi") for f in parsed.findings]
    assert [f.to_json("en") for f in found.findings] == [f.to_json("en") for f in parsed.findings]
    assert found.findings == parsed.findings


def test_changed_bytes_are_parsed_again(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    memo = ParseMemo(None, "v")
    read_yaml(path, "a.yaml", memo)
    path.write_text("a: 2\n", encoding="utf-8")
    again = ParseMemo(memo.to_json(), "v")
    assert read_yaml(path, "a.yaml", again).data == {"a": 2}
    assert (again.hits, again.parsed) == (0, 1) and again.changed


@pytest.mark.parametrize("saved", [None, {}, {"format": [1, "other version"], "files": {}}, {"files": "x"},
                                   {"format": [1, "v"], "files": {"a.yaml": ["0" * 64, "not json"]}},
                                   {"format": [1, "v"], "files": {"a.yaml": [None, 3]}}])
def test_a_damaged_or_foreign_record_is_ignored(tmp_path, saved):
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    memo = ParseMemo(saved, "v")
    assert read_yaml(path, "a.yaml", memo).data == {"a": 1}
    assert memo.hits == 0


@pytest.mark.parametrize("folder", [SAMPLE_ROUND, SCREENING_ROUND], ids=["sample", "screening"])
def test_a_round_loaded_from_the_record_is_the_same_round(tmp_path, folder):
    work = tmp_path / folder.name
    shutil.copytree(folder, work, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    memo = ParseMemo(None, "v")
    first = load_round(work, memo=memo)
    again = ParseMemo(json.loads(json.dumps(memo.to_json())), "v")
    second = load_round(work, memo=again)
    assert again.parsed == 0 and again.hits == len(first.candidates) + 1
    assert same(first.submission_data, second.submission_data) and repr(first.submission) == repr(second.submission)
    assert [(c.id, repr(c.model), c.source) for c in first.candidates] == \
        [(c.id, repr(c.model), c.source) for c in second.candidates]
    assert evaluate(first).to_json("vi") == evaluate(second).to_json("vi")


def test_closest_gives_difflibs_answer():
    """The faster best match is get_close_matches(n=1) exactly, ties and cut-offs included."""
    rng = random.Random(7)
    letters = "abcd-019"
    for _ in range(3000):
        choices = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 9))) for _ in range(rng.randint(0, 12))]
        word = "".join(rng.choice(letters) for _ in range(rng.randint(0, 9)))
        cutoff = rng.choice([0.0, 0.4, 0.6, 0.8, 1.0])
        want = difflib.get_close_matches(word, choices, n=1, cutoff=cutoff)
        assert vocab._best_match(word, choices, cutoff) == (want[0] if want else None)


def test_closest_answers_are_remembered_and_seeded():
    ids = [f"phong-quan-ly-thu-{i:04d}" for i in range(4, 200, 6)]
    answer = vocab.closest("phong-quan-ly-thu-0007", ids)
    assert answer == difflib.get_close_matches("phong-quan-ly-thu-0007", ids, n=1, cutoff=0.6)[0]
    memo = vocab.closest_memo()
    assert [e for e in memo if e[0] == "phong-quan-ly-thu-0007"][0][3] == answer
    vocab._MEMO.clear()
    vocab.seed_closest(json.loads(json.dumps(memo)) + [["bad"], "x", [1, 2, 3, 4]])
    key = ("phong-quan-ly-thu-0007", vocab._choices_key(tuple(ids)), 0.6)
    assert vocab._MEMO[key] == answer
