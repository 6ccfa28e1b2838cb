"""A progress bar per build stage on a terminal; silence everywhere else.

The pipeline reports `(stage, done, total)`; this turns that into one
click progress bar per stage on stderr, only when stderr is a terminal, and
only for stages with enough items to be worth watching.
"""

from __future__ import annotations

import sys

import click

from dhtt_docs.i18n import tr

STAGE_LABELS = {
    "render": "Lập văn bản DOCX",
    "convert": "Chuyển sang PDF ",
    "bundle": "Ghép hồ sơ PDF  ",
    "bag": "Đóng gói lưu trữ",
}
STAGE_LABELS_EN = {
    "render": "Rendering DOCX   ",
    "convert": "Converting to PDF",
    "bundle": "Merging PDF      ",
    "bag": "Packing archive  ",
}


def stage_label(stage: str) -> str:
    """The label of a stage's progress bar, in the chosen language."""
    return tr(STAGE_LABELS.get(stage, stage), STAGE_LABELS_EN.get(stage, stage))

MIN_ITEMS = 4


class TerminalProgress:
    """Callable progress sink: `progress(stage, done, total)`."""

    def __init__(self, stream=None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._bar = None
        self._stage: str | None = None
        self._shown = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total < MIN_ITEMS:
            return
        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = click.progressbar(length=total, label=stage_label(stage), file=self.stream,
                                          show_pos=True, show_eta=total >= 20)
            self._bar.__enter__()
            self._shown = 0
        step = done - self._shown
        if step > 0:
            self._bar.update(step)
            self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
            self._stage = None
