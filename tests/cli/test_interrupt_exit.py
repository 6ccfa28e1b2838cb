"""Ctrl-C ends `python -m dhtt_docs` with exit 1 and a message, wherever the KeyboardInterrupt came from.

CPython notes a KeyboardInterrupt that leaves an exec() of a string (an import making a dataclass while
Ctrl-C comes) as unhandled even once it is caught, and a `python -m` program then dies by SIGINT (-2)
instead of exiting 1: about one Ctrl-C in ten during a build's first second did (tests/build/
test_interrupted.py). Here the interrupt is raised from inside such an exec(), every time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PROGRAM = textwrap.dedent("""
    import sys

    import click

    from dhtt_docs.cli.app import _Group, cli, main


    def ctrl_c(*_):
        exec("raise KeyboardInterrupt")        # as Ctrl-C inside an exec() of a string


    class SetName:
        def __set_name__(self, owner, name):
            raise KeyboardInterrupt                # as Ctrl-C while an import makes a class


    @cli.command("ctrl-c-in-command")
    def in_command():
        ctrl_c()


    @cli.command("ctrl-c-making-a-class")
    def making_a_class():
        class Made:
            field = SetName()


    @click.group(cls=_Group)
    @click.option("--ctrl-c", is_flag=True, expose_value=False, callback=lambda c, p, v: v and ctrl_c())
    def outside():
        pass


    if sys.argv[1] == "outside":
        outside.main(["--ctrl-c", "build"], prog_name="dhtt-docs")
    else:
        sys.argv[1:] = [sys.argv[1]]
        main()
""")


def run(tmp_path, where: str) -> subprocess.CompletedProcess:
    (tmp_path / "ctrl_c_program.py").write_text(PROGRAM, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
               DHTT_WARM="0")
    return subprocess.run([sys.executable, "-m", "ctrl_c_program", where], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=60)


def test_ctrl_c_in_a_command_exits_1_with_the_message(tmp_path):
    proc = run(tmp_path, "ctrl-c-in-command")
    assert proc.returncode == 1, proc.stderr
    assert "Đã dừng (Ctrl-C)" in proc.stderr and "Traceback" not in proc.stderr


def test_ctrl_c_outside_a_command_exits_1_with_the_message(tmp_path):
    proc = run(tmp_path, "outside")
    assert proc.returncode == 1, proc.stderr
    assert "Đã dừng." in proc.stderr and "Traceback" not in proc.stderr


def test_ctrl_c_while_a_class_is_made_is_a_ctrl_c_not_an_internal_error(tmp_path):
    # Python 3.11 wraps it in a RuntimeError ("Error calling __set_name__"): it was said as an internal error
    proc = run(tmp_path, "ctrl-c-making-a-class")
    assert proc.returncode == 1, proc.stderr
    assert "Đã dừng (Ctrl-C)" in proc.stderr and "nội bộ" not in proc.stderr
