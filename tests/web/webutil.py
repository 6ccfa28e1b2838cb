"""Helpers of the web tests: an app on a copy of a round, and the fields of a page's form."""

from __future__ import annotations

import html
import re


def form_fields(page: str) -> dict[str, str]:
    """Every named input, textarea and select of the page with its current value (as a browser sends it)."""
    data: dict[str, str] = {}
    for attrs in re.findall(r"<input ([^>]*)>", page):
        name = re.search(r'name="([^"]+)"', attrs)
        if not name or 'type="file"' in attrs or 'type="checkbox"' in attrs:
            continue
        value = re.search(r'value="([^"]*)"', attrs)
        data[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    for name, body in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        data[html.unescape(name)] = html.unescape(body)
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        data[html.unescape(name)] = html.unescape(chosen.group(1)) if chosen else ""
    data.pop("_op", None)
    return data


def slot_findings(fragment: str, slot: str) -> str:
    """The text of the findings shown in one field's slot."""
    m = re.search(rf'<div class="slot" id="{slot}"[^>]*>(.*?)</div>\n', fragment, re.S)
    return re.sub(r"<[^>]+>", "", m.group(1)) if m else ""
