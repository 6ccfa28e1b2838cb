"""The warm builder: `dhtt-docs build` run by a process kept running between commands.

A rebuild after one edit does little work (one file parsed, one document made
and converted by the warm converter), and a fresh process spends more than
that on starting Python and importing pydantic, docxtpl, pikepdf and PDFium.
So `build --converter warm` also leaves this server running, one per user,
after its own build; later `dhtt-docs build` commands of the same user and
installation are run by it, with its modules imported and its in-memory
caches (compiled templates, parses) warm. It is stopped after the warm
converter's idle time (DHTT_WARM_IDLE, 600 s) without a request, and never
used with DHTT_WARM=0.

Client side (:func:`relay`, called by the `dhtt-docs` entry point before click
is imported): a command that is not `build`, no server, a server busy with
another build, or a server started from other code or another environment
(:func:`fingerprint`) all mean "run it here", exactly as without a server.
The server runs the same click command in the caller's folder, streams its
stdout and stderr back (with the caller's terminal or not, for colours and
progress bars) and ends with its exit code. Ctrl-C is passed on: the build
stops as it would in the caller's own process.

Protocol on RUNTIME/sock (a Unix socket in a 0700 folder): the client sends
one JSON line ``{"op": "build", "fp", "argv", "cwd", "tty": [out, err]}`` or
``{"op": "stop"}``; the server answers with frames, each a channel byte and a
4-byte big-endian length: ``a`` accepted (payload: its pid), ``n`` not taken,
``o``/``e`` stdout/stderr bytes, ``x`` the exit code (ASCII).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import struct
import sys
from pathlib import Path

from dhtt_docs.fsutil import is_private_dir, listening, user_runtime_dir

#: The server stops after this long without a request (seconds); DHTT_WARM_IDLE overrides it.
IDLE_SECONDS = 600.0
#: Environment variables that change what a build does or says; a server serves only callers whose
#: values are its own (with the umask, the Python and the installed code: see fingerprint()).
ENV_PREFIXES = ("DHTT_", "LC_", "XDG_", "PYTHON")
ENV_NAMES = ("PATH", "HOME", "LANG", "LANGUAGE", "TMPDIR", "TZ", "NO_COLOR", "SOURCE_DATE_EPOCH")
#: What a server imports before it listens: what a build with PDFs runs (tests/build/test_imports.py).
PRELOAD = (
    "dhtt_docs.cli.app", "dhtt_docs.cli.commands.build", "dhtt_docs.cli.textreport",
    "dhtt_docs.build.pipeline", "dhtt_docs.build.kept", "dhtt_docs.build.produce", "dhtt_docs.build.incremental",
    "dhtt_docs.dossier.loader", "dhtt_docs.dossier.attachments", "dhtt_docs.rules.engine",
    "dhtt_docs.documents.render", "dhtt_docs.documents.compiled",
    "dhtt_docs.pdf.warm", "dhtt_docs.pdf.pool", "dhtt_docs.pdf.unoworker", "dhtt_docs.pdf.jobs",
    "dhtt_docs.pdf.normalise", "dhtt_docs.pdf.pdffile", "dhtt_docs.pdf.bundle", "dhtt_docs.pdf.partscan",
    "dhtt_docs.signing.fields", "dhtt_docs.signing.layout", "dhtt_docs.archive.bag", "dhtt_docs.excel.danh_sach",
    "dhtt_docs.build.memo", "dhtt_docs.dossier.parsecache", "dhtt_docs.pdf.unoserver", "pypdfium2", "pypdfium2.raw",
)
_HEAD = struct.Struct(">cI")
#: True in the server itself (whose builds must not start or stop a server).
INSIDE = False


def runtime_dir() -> Path:
    """The user's private folder of the server (socket, lock, pid)."""
    return user_runtime_dir("dhtt-build")


def enabled() -> bool:
    return os.environ.get("DHTT_WARM", "1") != "0"


def fingerprint() -> str:
    """What a server and a caller must share: the Python, the installed code (every file of this
    package and each import folder, by size and time), the umask and the environment that matters."""
    mask = os.umask(0o022)
    os.umask(mask)
    parts = [sys.executable, sys.version, str(os.getuid()), str(mask)]
    parts += sorted(f"{k}={v}" for k, v in os.environ.items() if k.startswith(ENV_PREFIXES) or k in ENV_NAMES)
    package = Path(__file__).resolve().parent.parent
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            st = os.stat(os.path.join(root, name))
            parts.append(f"{os.path.join(root, name)}:{st.st_size}:{st.st_mtime_ns}")
    for entry in sys.path[1:]:      # [0] is the program's folder (the script's, or the server's cwd with -m)
        try:
            parts.append(f"{entry}:{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}:-")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _is_build(argv: list[str]) -> bool:
    """Is this command line `build` (after the group's own --debug and --lang), without --help?"""
    rest = list(argv)
    while rest and rest[0].startswith("-"):
        if rest[0] == "--debug" or rest[0].startswith("--lang="):
            rest.pop(0)
        elif rest[0] == "--lang" and len(rest) > 1:
            del rest[:2]
        else:
            return False
    return bool(rest) and rest[0] == "build" and not {"-h", "--help"} & set(rest)


# --------------------------------------------------------------------------- client


def _frames(stream):
    while True:
        head = stream.read(_HEAD.size)
        if len(head) < _HEAD.size:
            return
        channel, size = _HEAD.unpack(head)
        yield channel, stream.read(size)


def relay(argv: list[str]) -> int | None:
    """Run `dhtt-docs ARGV` in this user's warm builder; its exit code, or None: run it here."""
    if not enabled() or not _is_build(argv):
        return None
    runtime = runtime_dir()
    if not (runtime / "sock").exists() or not is_private_dir(runtime):
        return None
    request = {"op": "build", "fp": fingerprint(), "argv": argv, "cwd": os.getcwd(),
               "tty": [sys.stdout.isatty(), sys.stderr.isatty()],
               "encoding": [[s.encoding, s.errors] for s in (sys.stdout, sys.stderr)]}
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(5)
        conn.connect(str(runtime / "sock"))
        conn.sendall(json.dumps(request).encode() + b"\n")
        stream = conn.makefile("rb")
        first = next(_frames(stream), (b"n", b""))
    except OSError:
        return None
    if first[0] != b"a":
        conn.close()
        return None
    conn.settimeout(None)          # a build takes as long as it takes
    import signal

    server_pid, wrote = int(first[1]), False

    def pass_on(*_) -> None:       # Ctrl-C stops the build there as it would here; reading goes on
        try:
            os.kill(server_pid, signal.SIGINT)
        except OSError:
            pass

    previous = signal.signal(signal.SIGINT, pass_on)
    try:
        for channel, data in _frames(stream):
            if channel == b"x":
                return int(data)
            wrote = True
            _out(sys.stdout if channel == b"o" else sys.stderr, data)
    except OSError:                # the connection broke
        pass
    finally:
        signal.signal(signal.SIGINT, previous)
        conn.close()
    if wrote:                       # the server ended in the middle of the build
        _out(sys.stderr, b"dhtt-docs: the warm builder stopped unexpectedly; run the command again.\n")
        return 3
    return None


def _out(stream, data: bytes) -> None:
    """Pass on output; a reader that went away (`dhtt-docs build | head`) is not an error here."""
    try:
        stream.buffer.write(data)
        stream.flush()
    except (OSError, ValueError):
        pass


def running() -> bool:
    """Is a warm builder of this user listening (in its private folder)?"""
    return is_private_dir(runtime_dir()) and listening(runtime_dir() / "sock")


def serves_this() -> bool:
    """Is a warm builder listening that would run this process's builds (same fingerprint)?"""
    try:
        return (runtime_dir() / "fp").read_text() == fingerprint() and running()
    except OSError:
        return False


def start(folder: Path | None = None, opts=None) -> None:
    """Start a warm builder for this installation and environment unless one runs (not waiting for it:
    it listens once it has imported what a build needs); one started from other code or another
    environment is stopped first. `folder` and `opts` (BuildOptions): the build that starts it, which
    the warm builder reads into its memory once that build is done (build/prime.py)."""
    import subprocess

    if INSIDE or not enabled() or serves_this():
        return
    prime = [] if folder is None or opts is None else ["--prime", json.dumps(_options_json(folder, opts))]
    stop()
    runtime = runtime_dir()
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not is_private_dir(runtime):
        return
    subprocess.Popen([sys.executable, "-m", "dhtt_docs.cli.resident", *prime], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd="/")


_PATH_OPTIONS = ("out", "templates", "cache_dir")


def _options_json(folder: Path, opts) -> dict:
    """A build's folder and options, every path absolute (the server runs in /)."""
    from dataclasses import asdict

    spec = {k: (str(Path(v).absolute()) if k in _PATH_OPTIONS and v is not None else v)
            for k, v in asdict(opts).items()}
    return {"folder": str(Path(folder).absolute()), "options": spec}


def _options_from(spec: dict):
    """The folder and BuildOptions of `_options_json`."""
    from dhtt_docs.build.pipeline import BuildOptions

    options = {k: (Path(v) if k in _PATH_OPTIONS and v is not None else v) for k, v in spec["options"].items()}
    return Path(spec["folder"]), BuildOptions(**options)


def idle() -> bool:
    """Is this user's warm builder running and idle: no build running or waiting, nothing being read
    into its memory (build/prime.py)? For the benchmark and the tests, which wait for it as a user
    who edits by hand does."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(str(runtime_dir() / "sock"))
            s.sendall(b'{"op": "status"}\n')
            frame = next(_frames(s.makefile("rb")), (b"n", b""))
    except OSError:
        return False
    return frame == (b"x", b"idle")


def stop(wait: float = 10) -> None:
    """Stop this user's warm builder (after the build it is running, if any)."""
    import time

    try:
        pid = int((runtime_dir() / "pid").read_text())
    except (OSError, ValueError):
        return
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(2)
            s.connect(str(runtime_dir() / "sock"))
            s.sendall(b'{"op": "stop"}\n')
            s.recv(16)
    except OSError:
        pass
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and _is_server(pid):
        time.sleep(0.05)
    if _is_server(pid):
        try:
            os.kill(pid, 9)
        except OSError:
            pass
    for name in ("sock", "pid", "fp"):
        (runtime_dir() / name).unlink(missing_ok=True)


def _is_server(pid: int) -> bool:
    """Is process `pid` a warm builder (not a process that got a dead server's number, nor a zombie)?"""
    try:
        return b"dhtt_docs.cli.resident" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


# --------------------------------------------------------------------------- server


class _Binary:
    """The bytes side of one request's stdout or stderr: each write goes to the client as a frame."""

    def __init__(self, conn: socket.socket, channel: bytes):
        self._conn, self._channel = conn, channel

    def write(self, data) -> int:
        raw = bytes(data)
        if raw and self._conn is not None:
            try:
                self._conn.sendall(_HEAD.pack(self._channel, len(raw)) + raw)
            except OSError:
                self._conn = None          # the caller is gone: the build finishes all the same
        return len(raw)

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True


class _Stream:
    """One request's sys.stdout or sys.stderr: text encoded as the caller's stream encodes it, sent over
    `buffer`; a terminal if the caller's was."""

    def __init__(self, conn: socket.socket, channel: bytes, tty: bool, encoding: list | None = None):
        self.buffer, self._tty = _Binary(conn, channel), tty
        self.encoding, self.errors = "utf-8", "strict"
        try:
            import codecs

            if encoding and len(encoding) == 2 and codecs.lookup(encoding[0]) and codecs.lookup_error(encoding[1]):
                self.encoding, self.errors = encoding
        except (LookupError, TypeError):
            pass

    def write(self, text: str) -> int:
        if not isinstance(text, str):      # click tells text streams from binary ones this way
            raise TypeError("write() argument must be str")
        self.buffer.write(text.encode(self.encoding, self.errors))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self._tty

    def writable(self) -> bool:
        return True


def _send(conn: socket.socket, channel: bytes, payload: bytes) -> None:
    try:
        conn.sendall(_HEAD.pack(channel, len(payload)) + payload)
    except OSError:
        pass


def _run(conn: socket.socket, request: dict) -> None:
    """Run one `dhtt-docs ARGV` as the caller's own process would, output streamed to it."""
    import gc
    import time

    from dhtt_docs.cli.app import cli
    from dhtt_docs.exceptions import DhttError

    began = time.monotonic()
    tty = request.get("tty") or [False, False]
    encoding = request.get("encoding") or [None, None]
    out, err = _Stream(conn, b"o", bool(tty[0]), encoding[0]), _Stream(conn, b"e", bool(tty[1]), encoding[1])
    saved = sys.stdout, sys.stderr
    code: object = 0
    try:
        os.chdir(request["cwd"])
        sys.stdout, sys.stderr = out, err
        cli.main(args=list(request["argv"]), prog_name="dhtt-docs")
    except SystemExit as exc:
        code = exc.code
    except DhttError as exc:                         # raised outside a command, as app.main shows it
        exc.show()
        code = exc.exit_code
    except KeyboardInterrupt:
        code = 1
    except BaseException as exc:  # noqa: BLE001 - the caller gets exit 3 and a line, the server lives on
        err.buffer.write(f"dhtt-docs: internal error in the warm builder: {exc!r}\n".encode("utf-8", "replace"))
        code = 3
    finally:
        sys.stdout, sys.stderr = saved
        os.chdir("/")
    if code is None:
        code = 0
    elif not isinstance(code, int):
        err.buffer.write(f"{code}\n".encode("utf-8", "replace"))
        code = 1
    _send(conn, b"x", str(code).encode())
    conn.close()
    _log(f"pid {os.getpid()}: dhtt-docs {' '.join(request['argv'])} (in {request['cwd']}) -> exit {code}, "
         f"{time.monotonic() - began:.2f} s")
    gc.collect()


def _prime_first(spec: dict, todo, busy, stopping) -> None:
    """Before the first request: read the build that started this server into memory, until a caller
    waits (then its build runs) or the server stops. A Ctrl-C meanwhile is a waiting caller's (passed on
    by `relay`), meant for its build: that build ends as stopped before it began."""
    try:
        _prime(spec, lambda: stopping.is_set() or not todo.empty())
    except KeyboardInterrupt:
        if not todo.empty():
            conn, request = todo.get()
            _stopped(conn, request)
            busy.release()


def _prime(spec: dict, stop) -> None:
    """Read the build that started this server into memory (build/prime.py); a line in the log."""
    import gc
    import time

    began = time.monotonic()
    try:
        folder, opts = _options_from(spec)
        from dhtt_docs.build.prime import prime

        outcome = "done" if prime(folder, opts, stop) else "ended early"
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - a bug here must not stop the server: its builds start afresh
        from dhtt_docs.build import kept

        kept.forget()
        outcome = f"failed: {exc!r}"
    _log(f"pid {os.getpid()}: read {spec.get('folder')} into memory: {outcome}, {time.monotonic() - began:.2f} s")
    gc.collect()


def _stopped(conn: socket.socket, request: dict) -> None:
    """Answer a caller that pressed Ctrl-C before its build began: as a build stopped at once."""
    from dhtt_docs.cli.app import stopped_text
    from dhtt_docs.cli.options import default_lang
    from dhtt_docs.i18n import LANGS, set_lang

    argv = [str(a) for a in request.get("argv") or []]
    asked = [a.split("=", 1)[1] for a in argv if a.startswith("--lang=")]
    asked += [b for a, b in zip(argv, argv[1:]) if a == "--lang"]
    set_lang(asked[-1] if asked and asked[-1] in LANGS else default_lang())
    text = stopped_text()
    _send(conn, b"e", (text + "\n").encode("utf-8", "replace"))
    _send(conn, b"x", b"1")
    conn.close()


def _log(line: str) -> None:
    """One line per request in RUNTIME/log (started afresh past 1 MB): what the warm builder ran."""
    path = runtime_dir() / "log"
    try:
        mode = "w" if path.exists() and path.stat().st_size > 1_000_000 else "a"
        with open(path, mode, encoding="utf-8") as fh:
            fh.write(line + "\n")
    except OSError:
        pass


def _warm_up() -> None:
    """What every first build would do once in this process: compile the built-in templates, read the
    shipped plan profiles (both are kept by content, so a changed file is read again)."""
    from dhtt_docs.documents.compiled import compiled
    from dhtt_docs.documents.templates import TEMPLATE_FILES, builtin_templates_dir
    from dhtt_docs.rules.profile_files import available_plans

    for name in TEMPLATE_FILES.values():
        compiled(builtin_templates_dir() / name)
    available_plans()


def serve(prime: dict | None = None) -> None:
    """The server's main loop (``python -m dhtt_docs.cli.resident [--prime JSON]``); `prime`: the build
    that started it (`_options_json`), read into memory first."""
    import fcntl
    import importlib
    import queue
    import signal
    import threading
    import time

    global INSIDE
    INSIDE = True
    runtime = runtime_dir()
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not is_private_dir(runtime):
        return
    lock = open(runtime / "lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return                                       # another one runs
    mine = fingerprint()
    for name in PRELOAD:
        importlib.import_module(name)
    _warm_up()
    from dhtt_docs.build import kept

    kept.keep_between_builds()
    idle = float(os.environ.get("DHTT_WARM_IDLE", IDLE_SECONDS))
    stopping = threading.Event()
    priming = threading.Event()
    if prime is not None:
        priming.set()
    busy = threading.Lock()
    todo: queue.Queue = queue.Queue()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    sock_path = runtime / "sock"
    sock_path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(sock_path))
    listener.listen(8)
    (runtime / "pid").write_text(str(os.getpid()))
    (runtime / "fp").write_text(mine)

    def accept() -> None:
        while not stopping.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            try:
                conn.settimeout(5)
                request = json.loads(conn.makefile("rb").readline() or b"{}")
                conn.settimeout(None)
            except (OSError, ValueError):
                conn.close()
                continue
            if request.get("op") == "stop":
                stopping.set()
                _send(conn, b"x", b"0")
                conn.close()
            elif request.get("op") == "status":
                _send(conn, b"x", b"busy" if priming.is_set() or busy.locked() else b"idle")
                conn.close()
            elif request.get("op") == "build" and request.get("fp") == mine and busy.acquire(blocking=False):
                _send(conn, b"a", str(os.getpid()).encode())
                todo.put((conn, request))
            else:                                    # another installation or environment, or busy
                _send(conn, b"n", b"")
                conn.close()

    acceptor = threading.Thread(target=accept, daemon=True, name="dhtt-accept")
    acceptor.start()
    if prime is not None:
        try:
            _prime_first(prime, todo, busy, stopping)
        finally:
            priming.clear()
    last = time.monotonic()
    try:
        while not stopping.is_set() and time.monotonic() - last < idle:
            try:
                conn, request = todo.get(timeout=0.5)
            except queue.Empty:
                continue
            except KeyboardInterrupt:                # a Ctrl-C passed on after its build had ended
                continue
            try:
                _run(conn, request)
            except KeyboardInterrupt:
                pass
            finally:
                busy.release()
                last = time.monotonic()
    finally:
        stopping.set()
        for name in ("sock", "pid", "fp"):
            (runtime / name).unlink(missing_ok=True)
        try:
            listener.shutdown(socket.SHUT_RDWR)          # wakes the accepting thread
        except OSError:
            pass
        listener.close()
        acceptor.join(10)
        while not todo.empty():                          # taken as the server stopped: run where they are
            todo.get()[0].close()


if __name__ == "__main__":
    serve(json.loads(sys.argv[2]) if sys.argv[1:2] == ["--prime"] and len(sys.argv) > 2 else None)
