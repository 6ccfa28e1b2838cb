"""The unoserver back end: already running unoserver XML-RPC listeners convert one file each at a time.

``unoserver://host:port[,host:port...]``: one thread per listener pulls jobs
from a shared queue; a job whose listener is unreachable goes to another.
"""

from __future__ import annotations

import functools
import io
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dhtt_docs.fsutil import atomic_write
from dhtt_docs.i18n import tr
from dhtt_docs.pdf.jobs import Job, pdf_has_pages
from dhtt_docs.pdf.messages import (
    bad_url,
    msg_empty_pdf,
    msg_listener_down,
    msg_not_loaded,
    msg_timeout,
    msg_write_failed,
    tail,
)
from dhtt_docs.pdf.procs import run_threads

_UNOSERVER_DEFAULT_PORT = 2003
_UNOSERVER_API = "3"  # XML-RPC API spoken by unoserver 2.x/3.x


@dataclass(frozen=True)
class UnoserverEndpoint:
    """One unoserver XML-RPC listener."""

    host: str
    port: int

    def url(self) -> str:
        """The XML-RPC address (IPv6 hosts in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"


def parse_unoserver_url(url: str) -> list[UnoserverEndpoint]:
    """Parse ``unoserver://host:port[,host:port...]`` (port defaults to 2003).

    IPv6 hosts are written in brackets: ``unoserver://[::1]:2003``.
    Raises ``ValueError`` with an example of the right form.
    """
    prefix = "unoserver://"
    if not url.lower().startswith(prefix):
        raise ValueError(bad_url(url, tr("địa chỉ phải bắt đầu bằng unoserver://", "the address must start with unoserver://")))
    items = url[len(prefix):].split(",")
    endpoints: list[UnoserverEndpoint] = []
    for item in items:
        endpoints.append(_parse_endpoint(url, item.strip()))
    if len(set(endpoints)) != len(endpoints):
        raise ValueError(bad_url(url, tr("một máy chủ được ghi hai lần", "a server is listed twice")))
    return endpoints


def parse_backend(backend: str | None) -> list[UnoserverEndpoint] | None:
    """None for the soffice pool, else the unoserver listeners."""
    if backend is None or backend.strip().lower() in ("soffice", "warm"):
        return None
    if backend.strip().lower().startswith("unoserver://"):
        return parse_unoserver_url(backend.strip())
    raise ValueError(tr(
        f"Cách chuyển PDF không hợp lệ: {backend!r}. Hãy dùng 'soffice' hoặc "
        "'unoserver://máy:cổng[,máy:cổng...]', ví dụ unoserver://127.0.0.1:2003.",
        f"Invalid PDF converter: {backend!r}. Use 'soffice' or "
        "'unoserver://host:port[,host:port...]', for example unoserver://127.0.0.1:2003.",
    ))


def _parse_endpoint(url: str, item: str) -> UnoserverEndpoint:
    if not item:
        raise ValueError(bad_url(url, tr("thiếu tên máy", "the host name is missing")))
    if any(ch in item for ch in "/?#@ "):
        raise ValueError(bad_url(url, tr(f"phần {item!r} chỉ được có máy:cổng", f"the part {item!r} may only be host:port")))
    if item.startswith("["):
        host, sep, rest = item[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(bad_url(url, tr(f"địa chỉ IPv6 {item!r} viết sai", f"the IPv6 address {item!r} is malformed")))
        port_text = rest[1:] if rest else ""
    elif item.count(":") > 1:
        raise ValueError(bad_url(url, tr(f"địa chỉ IPv6 {item!r} phải đặt trong ngoặc vuông",
                                         f"the IPv6 address {item!r} must be in square brackets")))
    else:
        host, _, port_text = item.partition(":")
        if ":" in item and not port_text:
            raise ValueError(bad_url(url, tr(f"thiếu số cổng sau dấu ':' trong {item!r}",
                                             f"the port number after ':' is missing in {item!r}")))
    if not host:
        raise ValueError(bad_url(url, tr(f"thiếu tên máy trong {item!r}", f"the host name is missing in {item!r}")))
    if not port_text:
        return UnoserverEndpoint(host, _UNOSERVER_DEFAULT_PORT)
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise ValueError(bad_url(url, tr(f"cổng {port_text!r} phải là số từ 1 đến 65535",
                                         f"the port {port_text!r} must be a number from 1 to 65535")))
    return UnoserverEndpoint(host, int(port_text))


@functools.cache
def _transport_class() -> type:
    """XML-RPC transport with a socket timeout (xmlrpc, with http and ssl, is imported only when used).

    unoserver's own ``UnoClient`` has none (a hung listener would hang the
    build) and retries a refused connection 5 x 10 s; we speak its small
    XML-RPC API (``info``, ``convert``) directly instead.
    """
    import xmlrpc.client

    class TimeoutTransport(xmlrpc.client.Transport):
        def __init__(self, timeout: float):
            super().__init__()
            self._timeout = timeout

        def make_connection(self, host):  # type: ignore[no-untyped-def]
            conn = super().make_connection(host)
            conn.timeout = self._timeout
            return conn

    return TimeoutTransport


def _proxy(endpoint: UnoserverEndpoint, timeout: float):
    import xmlrpc.client

    return xmlrpc.client.ServerProxy(endpoint.url(), allow_none=True, transport=_transport_class()(timeout))


def _expected_api() -> str:
    """API version of the installed unoserver client, if any (else the one we know)."""
    try:
        from unoserver.client import API_VERSION  # type: ignore[import-not-found]

        return str(API_VERSION)
    except Exception:  # noqa: BLE001 - the client package is optional
        return _UNOSERVER_API


class _Listener:
    """One unoserver listener, used by exactly one thread (it converts one file at a time)."""

    def __init__(self, endpoint: UnoserverEndpoint, timeout: float, pdfa: bool):
        self.endpoint = endpoint
        self.timeout = timeout
        self.pdfa = pdfa
        self.down: str | None = None  # why it is no longer used
        self._checked = False

    def check(self) -> bool:
        """Ask ``info`` once: reachable, and speaking our API version?"""
        if self._checked:
            return self.down is None
        self._checked = True
        import xmlrpc.client

        try:
            info = _proxy(self.endpoint, min(self.timeout, 15)).info()
        except (OSError, xmlrpc.client.Error) as err:
            self.down = msg_listener_down(self.endpoint, err)
            return False
        api = str(info.get("api", "")) if isinstance(info, dict) else ""
        if api != _expected_api():
            self.down = tr(
                f"unoserver tại {self.endpoint.host}:{self.endpoint.port} dùng API {api or '?'}, "
                f"cần API {_expected_api()}. Hãy cài cùng phiên bản unoserver ở máy chủ và máy này.",
                f"unoserver at {self.endpoint.host}:{self.endpoint.port} speaks API {api or '?'}, "
                f"but API {_expected_api()} is needed. Install the same unoserver version on the server "
                "and on this machine.",
            )
            return False
        return True

    def convert(self, job: Job) -> str | None:
        """Convert one job; None when done, else the failure reason.

        Raises ``ConnectionError`` when the listener is unreachable, so the
        job can go to another listener.
        """
        import xmlrpc.client

        options = ["SelectPdfVersion=2"] if self.pdfa else []
        try:
            data = job.source.read_bytes()
            result = _proxy(self.endpoint, self.timeout).convert(
                None, data, None, "pdf", "writer_pdf_Export", options, True, None, None
            )
        except TimeoutError:
            self.down = msg_timeout(job.source.name, self.timeout)
            return self.down
        except xmlrpc.client.Fault as fault:
            return msg_not_loaded(job.source.name, tail(str(fault.faultString), 1))
        except (OSError, xmlrpc.client.ProtocolError) as err:
            self.down = msg_listener_down(self.endpoint, err)
            raise ConnectionError(self.down) from err
        pdf = bytes(result.data) if isinstance(result, xmlrpc.client.Binary) else b""
        return self._store(job, pdf)

    def _store(self, job: Job, pdf: bytes) -> str | None:
        if not pdf_has_pages(io.BytesIO(pdf)):
            return msg_empty_pdf(job.source.name)
        try:
            atomic_write(job.target, pdf)
        except OSError as err:
            return msg_write_failed(job.source.name, job.target, err)
        return None


def convert_with_unoserver(
    jobs: list[Job],
    endpoints: list[UnoserverEndpoint],
    timeout: float,
    pdfa: bool,
    notify: Callable[[Path], None],
) -> dict[int, str]:
    """One thread per listener pulls jobs from a shared queue.

    A job whose listener turns out to be unreachable goes back to the queue;
    rounds repeat while jobs remain and some listener is still up.
    """
    pending: queue.Queue[Job] = queue.Queue()
    for job in jobs:
        pending.put(job)
    listeners = [_Listener(e, timeout, pdfa) for e in endpoints]
    reasons: dict[int, str] = {}
    lock = threading.Lock()

    def serve(listener: _Listener) -> None:
        if not listener.check():
            return
        while listener.down is None:
            try:
                job = pending.get_nowait()
            except queue.Empty:
                return
            try:
                reason = listener.convert(job)
            except ConnectionError:
                pending.put(job)
                return
            if reason is not None:
                with lock:
                    reasons[job.index] = reason
            notify(job.source)

    while not pending.empty():
        alive = [lst for lst in listeners if lst.down is None]
        if not alive:
            break
        run_threads([functools.partial(serve, lst) for lst in alive], None)

    why = " ".join(dict.fromkeys(lst.down for lst in listeners if lst.down)) or "?"
    while not pending.empty():
        job = pending.get_nowait()
        reasons[job.index] = why
        notify(job.source)
    return reasons
