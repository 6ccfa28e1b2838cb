"""A Ctrl-C that some code swallows still stops a build, before anything is swapped into OUT.

C code that clears whatever error a call gave (PyDict_GetItem running a Python __eq__, PyObject_HasAttr)
can swallow the KeyboardInterrupt that Python raises for SIGINT. A build that got Ctrl-C while it
imported python-docx went on and ended with exit 0 (tests/build/test_interrupted.py, 4 runs in 28).
Here the swallowing is done on purpose, in the round's checking, every time.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from conftest import SAMPLE_ROUND
from helpers import ctrl_c_as_at_a_terminal
from dhtt_docs import interrupt

PROGRAM = textwrap.dedent("""
    import signal
    import sys

    from dhtt_docs.rules import engine

    evaluate = engine.evaluate


    def swallowing(*args, **kwargs):
        try:
            signal.raise_signal(signal.SIGINT)   # Ctrl-C ...
        except KeyboardInterrupt:
            pass                                 # ... lost, as C code that clears any error loses it
        return evaluate(*args, **kwargs)


    engine.evaluate = swallowing
    sys.argv = ["dhtt-docs"] + sys.argv[1:]
    from dhtt_docs.cli.app import main

    main()
""")


@pytest.fixture
def own_handler():
    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupt.reset()
    yield
    signal.signal(signal.SIGINT, previous)
    interrupt.reset()


def test_a_swallowed_ctrl_c_is_still_noted(own_handler):
    interrupt.install()
    interrupt.check()                            # nothing noted yet
    with pytest.raises(KeyboardInterrupt):       # Python's behaviour is kept: it raises at once
        signal.raise_signal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):       # and the note stays, for what swallowed it
        interrupt.check()
    interrupt.reset()
    interrupt.check()


def test_no_handler_is_put_over_one_that_ignores_ctrl_c(own_handler):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    interrupt.install()
    assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN


def test_a_build_whose_ctrl_c_was_swallowed_stops_with_exit_1_and_writes_nothing(tmp_path):
    folder = tmp_path / "round"
    shutil.copytree(SAMPLE_ROUND, folder, ignore=shutil.ignore_patterns(".dhtt-cache", "build"))
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", PROGRAM, "build", str(folder), "-o", str(out), "--no-pdf"],
                          capture_output=True, text=True, timeout=300, env=dict(os.environ, DHTT_WARM="0"),
                          preexec_fn=ctrl_c_as_at_a_terminal)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Ctrl-C" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
