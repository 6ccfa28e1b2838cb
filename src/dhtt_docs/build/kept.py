"""What a process that runs many builds keeps in memory from one build to the next (the warm builder).

A build in its own process keeps nothing: it ends. The warm builder (``cli/resident.py``) calls
:func:`keep_between_builds` once; from then on each build finds here what the last one left:

* the bundle's merge, kept open (:class:`..pdf.bundle.KeptBundle`): after an edit, only the changed
  documents' pages are put in again, and the bundle is the same bytes as one merged from nothing;
* the candidates loaded (:class:`..dossier.loader.LoadedCandidates`): a file whose bytes did not
  change is neither parsed nor checked against the schema again;
* each candidate's own checks (:class:`..rules.engine.KeptChecks`), run again only for a candidate
  loaded again (the round's checks run every time);
* each candidate's report variables (:class:`..documents.context.KeptCandidates`), made again only
  for a candidate loaded again, and the key of its report (:class:`..build.pipeline.KeptKeys`),
  hashed again only when its variables or anything else in the report's fingerprint changed.

Every kept thing gives the same output as a build that keeps nothing; the tests compare them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dhtt_docs.documents.context import KeptCandidates
    from dhtt_docs.dossier.loader import LoadedCandidates
    from dhtt_docs.build.pipeline import KeptKeys
    from dhtt_docs.pdf.bundle import KeptBundle
    from dhtt_docs.rules.engine import KeptChecks

__all__ = ["bundle", "candidates", "checks", "contexts", "forget", "keys", "keep_between_builds", "keeping"]

_kept: dict[str, object] = {}   # class name -> the one kept instance
_keeping = False


def keep_between_builds() -> None:
    """This process runs build after build: keep what the next one can use."""
    global _keeping
    _keeping = True


def keeping() -> bool:
    """Does this process keep things between builds (is it the warm builder)?"""
    return _keeping


def _one(module: str, name: str):
    """The kept instance of class `name` (made, and its module imported, when first asked for); None in
    a process that keeps nothing."""
    if not _keeping:
        return None
    if name not in _kept:
        _kept[name] = getattr(importlib.import_module(module), name)()
    return _kept[name]


def bundle() -> KeptBundle | None:
    """The bundle merge kept from the last build."""
    return _one("dhtt_docs.pdf.bundle", "KeptBundle")


def candidates() -> LoadedCandidates | None:
    """The candidates loaded by earlier builds."""
    return _one("dhtt_docs.dossier.loader", "LoadedCandidates")


def checks() -> KeptChecks | None:
    """Each candidate's own checks from earlier builds."""
    return _one("dhtt_docs.rules.engine", "KeptChecks")


def keys() -> KeptKeys | None:
    """The keys of the candidates' reports from earlier builds."""
    return _one("dhtt_docs.build.pipeline", "KeptKeys")


def contexts() -> KeptCandidates | None:
    """Each candidate's report variables from earlier builds."""
    return _one("dhtt_docs.documents.context", "KeptCandidates")


def forget() -> None:
    """Let go of everything kept (the next build starts from nothing)."""
    merge = _kept.get("KeptBundle")
    if merge is not None:
        merge.close()
    _kept.clear()
