"""`dhtt-docs serve`: the round in a browser, with live checks and a preview of every page."""

from __future__ import annotations

import secrets
from pathlib import Path

import click

from dhtt_docs.cli.options import FOLDER, check_folder, lang_option
from dhtt_docs.i18n import get_lang, tr


@click.command()
@lang_option
@click.argument("folder", type=FOLDER, default=".")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe. Khác 127.0.0.1 thì phải đăng nhập (mã in ra khi khởi động hoặc --password-file).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Cổng.")
@click.option("--open", "open_browser", is_flag=True, help="Mở trình duyệt.")
@click.option("--password-file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Tệp chứa mật khẩu đăng nhập (thay cho mã in ra khi khởi động).")
def serve(folder: Path, host: str, port: int, open_browser: bool, password_file: Path | None) -> None:
    """Mở đợt xét (hoặc thư mục nhiều đợt) trong trình duyệt: điền, kiểm tra ngay, xem trước, lập hồ sơ.

    \b
    Ví dụ:
      dhtt-docs serve dossiers/bhxh-thanh-hoa-2024 --open
      dhtt-docs serve dossiers --host 0.0.0.0 --password-file mat-khau.txt
    """
    import uvicorn

    from dhtt_docs.exceptions import UsageProblem
    from dhtt_docs.web.app import create_app
    from dhtt_docs.web.security import is_loopback

    check_folder(folder)
    secret = None
    if password_file is not None:
        secret = password_file.read_text(encoding="utf-8").strip()
        if not secret:
            raise UsageProblem(tr(f"Tệp mật khẩu {password_file} đang trống.", f"The password file {password_file} is empty."))
    elif not is_loopback(host):
        secret = secrets.token_urlsafe(24)
    _check_port(host, port)
    app = create_app(folder, lang=get_lang(), secret=secret, host=host, port=port)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)

    def started() -> None:
        servers = getattr(server, "servers", None)
        real = servers[0].sockets[0].getsockname()[1] if servers else port
        url = f"http://{shown}:{real}/"
        if secret is not None and password_file is None:
            url += f"?token={secret}"
        click.echo(tr(f"dhtt-docs đang chạy: {url}  (Ctrl-C để dừng)", f"dhtt-docs is running: {url}  (Ctrl-C to stop)"))
        if password_file is not None:
            click.echo(tr("Đăng nhập bằng mật khẩu trong " + str(password_file) + ".",
                          "Log in with the password in " + str(password_file) + "."))
        if open_browser:
            import webbrowser
            webbrowser.open(url)

    _run(server, started)


def _check_port(host: str, port: int) -> None:
    """Exit 2 with the fix when the address cannot be used (a port taken by another program)."""
    import socket

    from dhtt_docs.exceptions import UsageProblem

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(infos[0][4])
    except OSError as e:
        raise UsageProblem(tr(f"Không mở được {host}:{port} ({e.strerror or e}): cổng đang bị chương trình khác dùng? "
                              "Hãy chọn cổng khác, ví dụ --port 8001.",
                              f"Cannot listen on {host}:{port} ({e.strerror or e}): is the port used by another "
                              "program? Choose another one, e.g. --port 8001.")) from None


def _run(server, started) -> None:
    """Run uvicorn; call `started` once the socket listens (so port 0 prints the real port)."""
    import asyncio

    async def main() -> None:
        config = server.config
        if not config.loaded:
            config.load()
        server.lifespan = config.lifespan_class(config)
        await server.startup()
        if server.should_exit:
            raise SystemExit(2)
        started()
        await server.main_loop()
        await server.shutdown()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
