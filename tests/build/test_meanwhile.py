"""Without PDFs, the workbook is written while the documents are still being rendered, not after them."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from conftest import SAMPLE_ROUND
from dhtt_docs.build import pipeline, produce
from dhtt_docs.build.pipeline import BuildOptions, build


@pytest.mark.parametrize("parallel", [False, True])
def test_workbook_is_written_while_documents_render(tmp_path, monkeypatch, parallel):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    if parallel:   # the sample's 9 documents over the rendering processes
        monkeypatch.setattr(produce, "PARALLEL_RENDER_MIN", 2)
    rendered: list[int] = []
    when: list[tuple[int, int]] = []
    write = pipeline._danh_sach_xlsx

    def watched(*args, **kwargs):
        when.append((rendered[-1], rendered_total[0]))
        return write(*args, **kwargs)

    rendered_total = [0]

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "render":
            rendered.append(done)
            rendered_total[0] = total

    monkeypatch.setattr(pipeline, "_danh_sach_xlsx", watched)
    result = build(folder, BuildOptions(out=folder / "build", pdf=False, cache=False), progress)
    assert result.out is not None, [str(f.message) for f in result.findings]
    assert len(when) == 1                                   # once
    done, total = when[0]
    assert total == 9 and 1 <= done < total                 # after the first document, before the last
    assert rendered[-1] == total
    ws = load_workbook(result.out / "documents/danh-sach.xlsx").active
    assert ws.max_row > 5
