"""Cut the PDF of combined reports (documents/combine.py) back into one PDF per report.

Each report begins with a named destination (its bookmark, exported by
LibreOffice); its pages run to the page before the next report's. Each
report's PDF gets what LibreOffice gives a document converted alone: its
pages with their resources, the catalog's language, viewer preferences,
XMP metadata and output intents (PDF/A), the same PDF version, and an open
action on its first page; not the destinations, which only served the cut.
A tagged PDF (a structure tree) is not cut: its tree would not follow.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from dhtt_docs.fsutil import atomic_path

__all__ = ["split_at_marks"]

#: Catalog entries a report's PDF takes over from the combined one.
_KEPT = ("/Lang", "/ViewerPreferences", "/Metadata", "/OutputIntents", "/MarkInfo", "/PageLayout", "/PageMode")


def split_at_marks(combined: Path, marks: list[str], targets: list[Path]) -> bool:
    """Write the pages from each of `marks` (named destinations, in order) to the next one into the
    matching target; False (nothing written) when the marks are not where they should be: then each
    report is converted alone."""
    import pikepdf

    with pikepdf.open(combined) as pdf:
        if "/StructTreeRoot" in pdf.Root:   # a tagged PDF: its structure tree is not cut (the build does not
            return False                    # combine reports for tagged PDF/A, build/pipeline.pdf_keys_of)
        starts = _starts(pdf, marks)
        if starts is None:
            return False
        ends = starts[1:] + [len(pdf.pages)]
        for start, end, target in zip(starts, ends, targets):
            with pikepdf.new() as part:
                part.pages.extend(pdf.pages[start:end])
                for key in _KEPT:
                    if key in pdf.Root:
                        part.Root[key] = _copied(pdf, part, pdf.Root[key])
                if "/OpenAction" in pdf.Root:
                    part.Root.OpenAction = pikepdf.Array([part.pages[0].obj, pikepdf.Name.XYZ, None, None, 0])
                with atomic_path(target) as partial:
                    part.save(partial, static_id=True, min_version=pdf.pdf_version)
    return True


def _copied(source, part, value):
    """`value` of `source` as an object of `part`, direct where it was direct."""
    import pikepdf

    if value.is_indirect:
        return part.copy_foreign(value)
    text = value.unparse()
    if b" R" not in text:                  # no reference inside: the same object, made anew
        return pikepdf.Object.parse(text)
    return part.copy_foreign(source.make_indirect(value))


def _starts(pdf, marks: list[str]) -> list[int] | None:
    """The index of each mark's page, or None unless they are strictly increasing from the first page."""
    import pikepdf

    dests = pdf.Root.get("/Dests")
    if not isinstance(dests, pikepdf.Dictionary):
        return None
    page_of = {page.objgen: number for number, page in enumerate(pdf.pages)}
    starts = []
    for mark in marks:
        dest = dests.get("/" + mark)
        if isinstance(dest, pikepdf.Dictionary):
            dest = dest.get("/D")
        if not isinstance(dest, pikepdf.Array) or len(dest) == 0 or dest[0].objgen not in page_of:
            return None
        starts.append(page_of[dest[0].objgen])
    if not starts or starts[0] != 0 or any(b <= a for a, b in pairwise(starts)):
        return None
    return starts
