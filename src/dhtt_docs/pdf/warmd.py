"""The warm converter's server: one LibreOffice kept running, converting DOCX to PDF on request.

Run by :mod:`dhtt_docs.pdf.warm` with the Python that has LibreOffice's
``uno`` module (Debian's python3-uno: /usr/bin/python3), so this file imports
nothing from dhtt_docs. One per user: it holds an exclusive lock on
RUNTIME/lock. It listens on RUNTIME/sock (a Unix socket in a 0700 folder),
serves one request at a time (two builds may share it: the second waits),
and stops, with its LibreOffice, after IDLE seconds without a request or when
LibreOffice dies. LibreOffice's profile and TMPDIR are under RUNTIME. The
server is started in a process group of its own, and LibreOffice stays in
it: killing the group stops both, and the server ends that way.

Protocol: one JSON line in, {"files": [docx...], "out": dir, "pdfa": bool};
one JSON line out, {"pdfs": {docx: pdf}, "errors": {docx: text}}.

The same server also runs privately for one build's conversion worker
(pdf/unoworker.py): then RUNTIME is in the build's private folder, PROFILE
(the optional fourth argument) is the worker's kept profile, and the idle
time is short. LibreOffice's pid is written to RUNTIME/office, so that a
client can kill a LibreOffice that hangs on a file.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def _start_office(soffice: str, runtime: Path, profile: Path, pipe: str) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(runtime / "tmp"), SAL_USE_VCLPLUGIN="svp")
    (runtime / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(
        [soffice, "--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
         "--nofirststartwizard", f"-env:UserInstallation={profile.as_uri()}",
         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def _connect(pipe: str, office: subprocess.Popen, wait: float = 60):
    import uno

    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + wait
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # noqa: BLE001 - not listening yet
            if office.poll() is not None or time.monotonic() > deadline or _Stop.requested:
                raise
            time.sleep(0.1)


def _props(**values):
    import uno  # noqa: F401 - makes the com.sun.star modules importable
    from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name = name
        p.Value = value
        out.append(p)
    return tuple(out)


def _convert(desktop, source: Path, target: Path, pdfa: bool) -> None:
    import uno

    doc = desktop.loadComponentFromURL(source.absolute().as_uri(), "_blank", 0,
                                       _props(Hidden=True, ReadOnly=True, FilterName="MS Word 2007 XML"))
    if doc is None:
        raise RuntimeError("LibreOffice could not open the file")
    try:
        # bookmarks as named destinations: where each combined report starts (documents/combine.py)
        data = _props(SelectPdfVersion=2, ExportBookmarksToPDFDestination=True) if pdfa else \
            _props(ExportBookmarksToPDFDestination=True)
        filter_data = uno.Any("[]com.sun.star.beans.PropertyValue", data)
        partial = target.with_name(f".{target.name}.part")
        uno.invoke(doc, "storeToURL", (partial.absolute().as_uri(),
                                       _props(FilterName="writer_pdf_Export", FilterData=filter_data)))
        os.replace(partial, target)
    finally:
        doc.close(True)


_WARM_UP_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>',
    "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
    '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/><w:b/><w:sz w:val="26"/></w:rPr>'
    '<w:t>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM - Độc lập - Tự do - Hạnh phúc</w:t></w:r></w:p></w:body>'
    '</w:document>',
}


def _warm_up(desktop, runtime: Path) -> None:
    """Convert one small Vietnamese document and throw it away: a LibreOffice's first conversion loads
    the Word import, the PDF export and the fonts (0.27-0.29 s against 0.09-0.12 s for the next ones),
    and the shared server should have paid that before its first client. Never fatal."""
    import zipfile

    source, target = runtime / "tmp" / "warm-up.docx", runtime / "tmp" / "warm-up.pdf"
    try:
        with zipfile.ZipFile(source, "w") as z:
            for name, text in _WARM_UP_PARTS.items():
                z.writestr(name, text)
        _convert(desktop, source, target, False)
    except Exception:  # noqa: BLE001 - a warm-up that fails changes nothing for the clients
        pass
    finally:
        source.unlink(missing_ok=True)
        target.unlink(missing_ok=True)


class _Stop:
    """Set by SIGTERM. The handler only notes it: an exception raised from a signal handler lands
    wherever the main thread happens to be (in a socket write, it was swallowed by the close that
    followed), so the server checks this flag between requests and between files instead."""

    requested = False

    @classmethod
    def request(cls, *_) -> None:
        cls.requested = True


def _serve(conn: socket.socket, desktop) -> None:
    with conn, conn.makefile("rwb") as stream:
        request = json.loads(stream.readline() or b"{}")
        out = Path(request["out"])
        pdfs, errors = {}, {}
        for name in request.get("files", []):
            if _Stop.requested:
                errors[name] = "the server is stopping"
                continue
            source = Path(name)
            target = out / f"{source.stem}.pdf"
            try:
                _convert(desktop, source, target, bool(request.get("pdfa")))
                pdfs[name] = str(target)
            except Exception as exc:  # noqa: BLE001 - reported to the client, per file
                if type(exc).__name__ in ("DisposedException", "RuntimeException") and "disposed" in str(exc).lower():
                    raise
                errors[name] = f"{type(exc).__name__}: {exc}"
        stream.write(json.dumps({"pdfs": pdfs, "errors": errors}).encode() + b"\n")
        stream.flush()


def pipe_name(runtime: Path) -> str:
    """The name of the pipe LibreOffice listens on, one per server folder."""
    from hashlib import md5

    return f"dhtt-warm-{os.getuid()}-{md5(str(runtime.absolute()).encode()).hexdigest()[:12]}"  # noqa: S324


def accept_pipe(runtime: Path) -> Path:
    """The socket LibreOffice makes for that pipe (always in /tmp), removed when the server stops."""
    return Path(f"/tmp/OSL_PIPE_{os.getuid()}_{pipe_name(runtime)}")


def _stop_with_parent() -> None:
    """A private server gets SIGTERM when the build that started it dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)     # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass                                       # elsewhere: the build's janitor kills it
    if os.getppid() == 1:                          # the parent died before that
        sys.exit(0)


def main(runtime: Path, soffice: str, idle: float, profile: Path | None = None) -> int:
    from hashlib import md5

    private = profile is not None

    profile = (profile or runtime / "profile").absolute()
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock = open(runtime / "lock", "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0                                   # another one serves this user
    signal.signal(signal.SIGTERM, _Stop.request)   # stop(): clean up like an idle stop
    # LibreOffice's bridge threads (binaryurpReader, ...) may be the ones the kernel hands SIGTERM to,
    # and then a main thread waiting for a client would not wake: every signal also writes a byte to
    # this socket, which the main thread waits on with the server's.
    wake, wake_signal = socket.socketpair()
    wake.setblocking(False)
    wake_signal.setblocking(False)
    signal.set_wakeup_fd(wake_signal.fileno(), warn_on_full_buffer=False)
    if private:
        _stop_with_parent()
    sock_path = runtime / "sock"
    pipe = pipe_name(runtime)
    office = _start_office(soffice, runtime, profile, pipe)
    (runtime / "office").write_text(str(office.pid))
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        desktop = _connect(pipe, office)
        if not private:                             # a build's own worker starts converting at once instead
            _warm_up(desktop, runtime)
        sock_path.unlink(missing_ok=True)
        server.bind(str(sock_path))
        server.listen(8)
        (runtime / "pid").write_text(str(os.getpid()))
        while office.poll() is None and not _Stop.requested:
            ready, _, _ = select.select([server, wake], [], [], idle)
            if not ready:
                break                               # idle: stop
            if wake in ready:
                wake.recv(64)                       # a signal (SIGTERM: the loop ends)
                continue
            conn, _ = server.accept()
            conn.settimeout(None)
            try:
                _serve(conn, desktop)
            except (OSError, ValueError, KeyError):
                continue                            # a client that went away or spoke nonsense
            except Exception:  # noqa: BLE001 - LibreOffice died: stop, the next client starts a new one
                break
    finally:
        server.close()
        sock_path.unlink(missing_ok=True)
        code = office.poll()
        (runtime / "exit").write_text(str(-1 if code is None else code))   # read by a private server's client
        digest = md5(profile.as_uri().encode("utf-16-le")).digest()  # noqa: S324 - LibreOffice's name
        Path(f"/tmp/OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(format(b, 'x') for b in digest)}").unlink(
            missing_ok=True)
        accept_pipe(runtime).unlink(missing_ok=True)
        (runtime / "pid").unlink(missing_ok=True)
        (runtime / "office").unlink(missing_ok=True)
        # LibreOffice (soffice, oosplash, soffice.bin) runs in this server's own process group, so that
        # whoever kills the group (the build's janitor, a stop) kills it too: end the group, this one last.
        os.killpg(0, signal.SIGKILL)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], float(sys.argv[3]), Path(sys.argv[4]) if len(sys.argv) > 4 else None))
