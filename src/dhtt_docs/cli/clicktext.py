"""Click's own words (usage errors, help headings) in Vietnamese, or English with `--lang en`.

Click writes every text a user can meet through `gettext` (`_("Usage:")`,
`ngettext(...)`), bound by name in each of its modules at import time. We
give those modules a `gettext` of our own that looks the message up in the
catalogue below when the chosen language is Vietnamese and leaves it as click
wrote it otherwise.

Why not a `.mo` catalogue bound with `gettext.textdomain`: click uses the
process-wide default domain, so binding it would also translate (or break)
every other library that uses gettext's default domain, and the catalogue
would need a compile step in the build. Why not a Context or HelpFormatter
subclass: that reaches the headings ("Usage:", "Options:") but not the
messages click builds where it raises (`Directory '...' is a file.`,
`Missing argument 'FOLDER'.`). Rebinding the name `_` in click's modules
reaches both, changes nothing for other programs, and is one function.

The catalogue holds click 8's message ids; an id click changes or adds falls
back to click's English (never a crash); tests/cli/test_usage_errors.py runs
each command wrongly and checks the Vietnamese.
"""

from __future__ import annotations

import importlib

from dhtt_docs.i18n import get_lang

VI: dict[str, str] = {
    # help
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "default: {default}": "mặc định: {default}",
    "env var: {var}": "biến môi trường: {var}",
    "(dynamic)": "(tùy lúc chạy)",
    "deprecated": "không nên dùng nữa",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    # usage errors
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing command.": "Thiếu tên lệnh.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Argument {name!r} takes {nargs} values.": "Tham số {name!r} cần {nargs} giá trị.",
    "Value must be an iterable.": "Giá trị phải là một danh sách.",
    "Aborted!": "Đã dừng.",
    "Choose from:\n\t{choices}": "Chọn một trong:\n\t{choices}",
    # paths
    # ({name} is click's English "File"/"Directory", fixed when the option is made: not used here)
    "{name} {filename!r} does not exist.": "không có {filename!r}.",
    "{name} {filename!r} is a file.": "{filename!r} là một tệp, cần một thư mục.",
    "{name} {filename!r} is a directory.": "{filename!r} là một thư mục, cần một tệp.",
    "{name} {filename!r} is not readable.": "không đọc được {filename!r}.",
    "{name} {filename!r} is not writable.": "không ghi được {filename!r}.",
    "{name} {filename!r} is not executable.": "không chạy được {filename!r}.",
    "Could not open file {filename!r}: {message}": "Không mở được tệp {filename!r}: {message}",
    # values
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "{value!r} is not a valid UUID.": "{value!r} không phải UUID hợp lệ.",
}

# Vietnamese has one form for every count: the key is click's singular.
VI_PLURAL: dict[str, str] = {
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Takes {nargs} values but 1 was given.": "Cần {nargs} giá trị nhưng có {len}.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} does not match the format {format}.": "{value!r} không đúng dạng {format}.",
    "{len_type} values are required, but {len_value} was given.": "Cần {len_type} giá trị, nhưng có {len_value}.",
}
# click words some plural forms differently from their singular (and formats both with the same names)
_VI_PLURAL_ONLY = {
    "(Did you mean one of: {possibilities}?)": "(Có phải ý bạn là một trong: {possibilities}?)",
    "{value!r} is not one of {choices}.": "{value!r} không phải một trong {choices}.",
    "Option {name!r} requires {nargs} arguments.": "Tùy chọn {name!r} cần {nargs} giá trị.",
}

_MODULES = ("core", "exceptions", "formatting", "types", "parser", "decorators", "termui", "utils")


def gettext(message: str) -> str:
    if get_lang() != "vi":
        return message
    return VI.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if get_lang() != "vi":
        return singular if n == 1 else plural
    if n != 1 and plural in _VI_PLURAL_ONLY:
        return _VI_PLURAL_ONLY[plural]
    return VI_PLURAL.get(singular, singular if n == 1 else plural)


def install() -> None:
    """Make click speak the chosen language (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
