"""Ctrl-C, noted where it cannot be lost.

Python turns SIGINT into a KeyboardInterrupt raised wherever the main thread
happens to be, and code there can lose it: C code that clears whatever error
a call gave (a dictionary lookup through ``PyDict_GetItem`` that runs a Python
``__eq__``, ``PyObject_HasAttr``). A build got Ctrl-C while it imported
python-docx (seen in a stack dump), went on, swapped its outputs in and ended
with exit 0 (4 of 28 runs of the Ctrl-C test here; the exact place that lost it
was not found). So the command line's handler (:func:`install`) also
notes the Ctrl-C, and the build looks at the note between its stages
(:func:`check`), always before anything is swapped into OUT: a Ctrl-C that was
swallowed stops the build there, as one that was not.
"""

from __future__ import annotations

import signal
import threading

__all__ = ["check", "install", "reset"]

_noted = threading.Event()


def install() -> None:
    """Ctrl-C raises KeyboardInterrupt as before, and is noted too. Only in the main thread, and only
    over Python's own handler (not over one that ignores Ctrl-C or a server's)."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_ctrl_c)


def _on_ctrl_c(signum, frame) -> None:
    _noted.set()
    raise KeyboardInterrupt


def check() -> None:
    """Raise KeyboardInterrupt if Ctrl-C came since :func:`reset` (whether or not it was swallowed)."""
    if _noted.is_set():
        raise KeyboardInterrupt


def reset() -> None:
    """Forget an earlier Ctrl-C: a new command starts (the warm builder runs many)."""
    _noted.clear()
