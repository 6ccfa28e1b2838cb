import io

from dhtt_docs.build.progress import TerminalProgress


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    p = TerminalProgress(out)
    for i in range(1, 11):
        p("render", i, 10)
    p.close()
    assert out.getvalue() == ""


def test_bar_per_stage_on_a_terminal():
    out = _Tty()
    p = TerminalProgress(out)
    for i in range(1, 11):
        p("render", i, 10)
    for i in range(1, 11):
        p("convert", i, 10)
    p.close()
    text = out.getvalue()
    assert "Lập văn bản DOCX" in text and "Chuyển sang PDF" in text and "10/10" in text


def test_small_stages_are_not_shown():
    out = _Tty()
    p = TerminalProgress(out)
    p("bundle", 1, 1)
    p.close()
    assert out.getvalue() == ""
