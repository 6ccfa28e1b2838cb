"""The sentences a user reads when a document gets no PDF: what happened and what to do.

Each returns the chosen language's text (they are reasons of
:class:`~dhtt_docs.pdf.jobs.ConversionFailure`, turned into findings by the
pipeline).
"""

from __future__ import annotations

from pathlib import Path

from dhtt_docs.i18n import tr
from dhtt_docs.install import libreoffice_hint


def msg_no_soffice() -> str:
    hint = libreoffice_hint()
    return tr(f"Không tìm thấy LibreOffice (lệnh soffice) để chuyển DOCX sang PDF: {hint.vi}.",
              f"LibreOffice (the soffice command) was not found, so DOCX cannot be converted to PDF: {hint.en}.")


def bad_url(url: str, why: str) -> str:
    return tr(
        f"Địa chỉ unoserver không hợp lệ: {url!r} ({why}). "
        "Hãy viết dạng unoserver://máy:cổng[,máy:cổng...], ví dụ unoserver://127.0.0.1:2003.",
        f"Invalid unoserver address: {url!r} ({why}). "
        "Write it as unoserver://host:port[,host:port...], for example unoserver://127.0.0.1:2003.",
    )


def msg_timeout(name: str, seconds: float) -> str:
    return tr(
        f"LibreOffice không chuyển xong {name} sang PDF trong {seconds:.0f} giây nên đã bị dừng. "
        "Hãy mở tệp bằng LibreOffice Writer để kiểm tra (tệp quá lớn hoặc hỏng), "
        "hoặc chạy lại với thời gian chờ dài hơn / ít luồng hơn (-j 1).",
        f"LibreOffice did not finish converting {name} to PDF within {seconds:.0f} seconds and was stopped. "
        "Open the file in LibreOffice Writer to check it (it may be too large or damaged), "
        "or run again with a longer timeout / fewer workers (-j 1).",
    )


def msg_not_loaded(name: str, detail: str) -> str:
    tail = tr(f" Chi tiết: {detail}", f" Details: {detail}") if detail else ""
    return tr(
        f"LibreOffice không mở được {name} nên không tạo được PDF (tệp hỏng hoặc không phải "
        "định dạng Word). Hãy mở tệp bằng Word hoặc LibreOffice Writer, lưu lại dạng .docx "
        f"rồi chạy lại.{tail}",
        f"LibreOffice could not open {name}, so no PDF was made (the file is damaged or not in "
        "Word format). Open the file in Word or LibreOffice Writer, save it again as .docx, "
        f"then run again.{tail}",
    )


def msg_empty_pdf(name: str) -> str:
    return tr(
        f"PDF tạo từ {name} không đọc được hoặc không có trang nào. "
        "Hãy mở tệp bằng LibreOffice Writer, kiểm tra nội dung, lưu lại rồi chạy lại.",
        f"The PDF made from {name} is unreadable or has no pages. "
        "Open the file in LibreOffice Writer, check its content, save it again, then run again.",
    )


def msg_crashed(name: str, code: int, detail: str) -> str:
    tail = tr(f" Chi tiết: {detail}", f" Details: {detail}") if detail else ""
    return tr(
        f"LibreOffice dừng bất thường (mã {code}) khi chuyển {name} sang PDF. "
        "Hãy chạy 'dhtt-docs doctor' để kiểm tra cài đặt LibreOffice, rồi chạy lại."
        f"{tail}",
        f"LibreOffice stopped unexpectedly (exit code {code}) while converting {name} to PDF. "
        "Run 'dhtt-docs doctor' to check the LibreOffice installation, then run again."
        f"{tail}",
    )


def msg_write_failed(name: str, target: Path, err: OSError) -> str:
    return tr(
        f"Không ghi được PDF của {name} vào {target}: {err.strerror or err}. "
        "Hãy kiểm tra quyền ghi và dung lượng đĩa của thư mục đầu ra.",
        f"Cannot write the PDF of {name} to {target}: {err.strerror or err}. "
        "Check write permission and free disk space in the output folder.",
    )


def msg_listener_down(endpoint, err: object) -> str:
    return tr(
        f"Không kết nối được unoserver tại {endpoint.host}:{endpoint.port} ({err}). "
        "Hãy kiểm tra unoserver đang chạy (ví dụ: unoserver --port "
        f"{endpoint.port}), hoặc bỏ tùy chọn unoserver để dùng soffice.",
        f"Cannot connect to unoserver at {endpoint.host}:{endpoint.port} ({err}). "
        "Check that unoserver is running (for example: unoserver --port "
        f"{endpoint.port}), or drop the unoserver option to use soffice.",
    )


def tail(text: str, lines: int = 3) -> str:
    """Last meaningful lines of soffice's chatter (without its harmless java warning)."""
    kept = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and "javaldx" not in line and not line.startswith("convert ")
    ]
    return " | ".join(kept[-lines:])
