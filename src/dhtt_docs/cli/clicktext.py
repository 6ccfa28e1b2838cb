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

The commands' own help (docstrings, option `help=`) is written in Vietnamese;
`install()` also makes click look it up in `helptext.EN` when it renders help
in English. Every lookup happens at render time: in one process, click keeps
the `--help` option it made for a command (with its help text, in the
language of the first --help) and `version_option`'s help is made at import,
so those two are mapped back to the chosen language here too. And `--lang`
is processed before the other eager options (`--help`, `--version`), wherever
it stands on the command line, so `dhtt-docs validate --help --lang en` is in
English.
"""

from __future__ import annotations

import copy
import importlib
import inspect

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


_CLICK_OF_VI = {vi: click_id for click_id, vi in VI.items()}


def help_text(text: str) -> str:
    """A command's or option's help text (as click cleaned it) in the chosen language.

    In English, our Vietnamese help from `helptext.EN` and click's own words
    made earlier in Vietnamese (the cached --help option) back to click's
    English; in Vietnamese, click's words made earlier in English. Anything
    else unchanged.
    """
    from dhtt_docs.cli.helptext import english

    if get_lang() == "en":
        return english(text) or _CLICK_OF_VI.get(text, text)
    return VI.get(text, text) if get_lang() == "vi" else text


def _with_help(obj, attr: str, text: str | None):
    """`obj` itself when its help reads the same in the chosen language, else a shallow copy with it translated."""
    if not text:
        return obj
    cleaned = inspect.cleandoc(text)
    translated = help_text(cleaned)
    if translated == cleaned:
        return obj
    other = copy.copy(obj)
    setattr(other, attr, translated)
    return other


def _lang_first(order):
    """click's `iter_params_for_processing`, with our `--lang` moved before every other parameter."""
    def iter_params_for_processing(invocation_order, declaration_order):
        from dhtt_docs.cli.options import _set_lang

        params = order(invocation_order, declaration_order)
        return sorted(params, key=lambda p: getattr(p, "callback", None) is not _set_lang)   # stable
    return iter_params_for_processing


def _install_help() -> None:
    import click.core
    from click.core import Command, Option

    if getattr(Command.format_help_text, "_dhtt", False):
        return
    click.core.iter_params_for_processing = _lang_first(click.core.iter_params_for_processing)
    format_help_text, get_short_help_str, get_help_record = (
        Command.format_help_text, Command.get_short_help_str, Option.get_help_record)

    def _format_help_text(self, ctx, formatter):
        return format_help_text(_with_help(self, "help", self.help), ctx, formatter)

    def _get_short_help_str(self, limit: int = 45) -> str:
        cmd = (_with_help(self, "short_help", self.short_help) if self.short_help
               else _with_help(self, "help", self.help.partition("\f")[0] if self.help else None))
        return get_short_help_str(cmd, limit)

    def _get_help_record(self, ctx):
        return get_help_record(_with_help(self, "help", self.help), ctx)

    for cls, name, fn in ((Command, "format_help_text", _format_help_text),
                          (Command, "get_short_help_str", _get_short_help_str),
                          (Option, "get_help_record", _get_help_record)):
        fn._dhtt = True
        setattr(cls, name, fn)


def install() -> None:
    """Make click speak the chosen language, its own words and our commands' help (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    _install_help()
