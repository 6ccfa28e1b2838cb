"""The benchmark's report (benchmarks/run.py): the README's copy of the tables is the one results.md holds."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture
def bench(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench_run_report", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "benchmarks").mkdir()
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "HERE", tmp_path / "benchmarks")
    monkeypatch.setattr(module, "plot", lambda results: None)
    return module


def results() -> dict:
    def row(n: int, build: float) -> dict:
        timed = {"seconds": build, "peak_mb": 300.0, "stages": {"load": 0.4, "plan": 0.2, "documents": 1.5}}
        return {"n": n, "documents": n + 3, "build": timed,
                "no_pdf": {"seconds": 0.9, "peak_mb": 80.0}, "floor": {"seconds": 2.5, "made": n + 3},
                "floor_marked": {"seconds": 1.9, "made": n + 3}, "batch": {"seconds": 3.8, "made": n + 3},
                "rebuild0": {"seconds": 0.1}, "rebuild1_warm": {"seconds": 0.4}, "rebuild1_warm_next": {"seconds": 0.35}}
    return {"machine": "x86_64", "cpus": 2, "python": "3.11.7", "libreoffice": "7.4.7.2",
            "when": "2026-12-01 11:19 UTC", "load": "1.0 1.0 1.0", "rounds": [row(50, 2.37)]}


def test_the_readme_gets_the_tables_of_results_md_between_its_markers(bench, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nBefore.\n\n{bench.README_START}\nold tables\n{bench.README_END}\n\nAfter.\n",
                      encoding="utf-8")
    bench.write_report(results())
    tables = (tmp_path / "benchmarks" / "results.md").read_text(encoding="utf-8")
    text = readme.read_text(encoding="utf-8")
    assert text == f"# Title\n\nBefore.\n\n{bench.README_START}\n{tables}{bench.README_END}\n\nAfter.\n"
    assert "| 50 | 53 | 2.37 | 2.50 | 1.90 | 3.80 |" in tables        # build, floor, marked floor, batch
    assert "| 0.95 | 1.25 |" in tables                               # build / floor, build / marked floor
    assert json.loads((tmp_path / "benchmarks" / "results.json").read_text(encoding="utf-8")) == results()


def test_a_readme_without_the_markers_is_left_as_it_is(bench, tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n\nNo tables here.\n", encoding="utf-8")
    bench.write_report(results())
    assert readme.read_text(encoding="utf-8") == "# Title\n\nNo tables here.\n"
    assert (tmp_path / "benchmarks" / "results.md").is_file()
