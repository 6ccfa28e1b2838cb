"""What loading and checking a round remember from one build to the next, in the build's cache folder.

Three answers that cost time and depend only on bytes that seldom change:
each YAML file's parse (`dossier/parsecache.py`, by the file's hash), the
"did you mean" hints (`vocab.closest`, by the name and the choices) and the
structural check of each attachment (`dossier/attachments.py`, by the PDF's
hash and the pikepdf that checked it). The build reads them before loading
the round and writes them back once the round is checked: after one candidate
changed, only that candidate's file is parsed again. The note is JSON (never
pickle: the cache folder travels with the round folder) and is ignored when
it is damaged or written by another version.
"""

from __future__ import annotations

import json
from pathlib import Path

from dhtt_docs import __version__
from dhtt_docs.build.cache import key_of


class Memo:
    """The round's memo in the cache folder `root` (None: none): read, and the hints and checks seeded, here."""

    def __init__(self, root: Path | None, folder: Path):
        from dhtt_docs import vocab
        from dhtt_docs.dossier.parsecache import ParseMemo

        self.root = root
        self.name = "memo-" + key_of({"folder": str(Path(folder).absolute())})[:16]
        saved = self._read()
        self.parsed = ParseMemo(saved.get("parsed"), __version__)
        self._saved_hints = saved.get("hints")
        self._saved_checks = saved.get("checks") if saved.get("checker") else None
        self._saved_checker = saved.get("checker")
        vocab.seed_closest(self._saved_hints)
        if self._saved_checks:
            from dhtt_docs.dossier.attachments import checker_version, seed_checks
            if self._saved_checker == checker_version():
                seed_checks(self._saved_checks)

    def _read(self) -> dict:
        if self.root is None:
            return {}
        try:
            value = json.loads((self.root / f"{self.name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return value if isinstance(value, dict) and value.get("tool") == __version__ else {}

    def save(self, cache) -> None:
        """Write what this build learnt (only when it differs from what was read)."""
        from dhtt_docs import vocab
        from dhtt_docs.dossier.attachments import checker_version, remembered_checks

        if cache.root is None:
            return
        checks = remembered_checks()
        value = {"tool": __version__, "parsed": self.parsed.to_json(), "hints": vocab.closest_memo(),
                 "checks": checks, "checker": checker_version() if checks else None}
        if (not self.parsed.changed and value["hints"] == self._saved_hints and checks == (self._saved_checks or {})
                and (not checks or value["checker"] == self._saved_checker)):
            return
        try:
            data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError):
            return
        from dhtt_docs.fsutil import atomic_write
        try:
            atomic_write(cache.root / f"{self.name}.json", data)
        except OSError:
            pass
