"""Raw Office Open XML shared by the renderer, the template linter and tools/make_templates.py.

Namespaces, relationship types, and the few XML fragments the tool writes by
hand (the boxed "DỰ THẢO" of a draft). Layout constants of the templates
belong here too, so that the runtime and the template maker cannot disagree.
"""

from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
FOOTER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"

DRAFT_TEXT = "DỰ THẢO"

DRAFT_XML = (
    f'<w:p xmlns:w="{W_NS}"><w:pPr><w:framePr w:w="2268" w:hSpace="142" w:wrap="around" w:vAnchor="page" '
    'w:hAnchor="margin" w:xAlign="right" w:y="284"/><w:pBdr>'
    + "".join(f'<w:{s} w:val="single" w:sz="12" w:space="1" w:color="auto"/>' for s in ("top", "left", "bottom", "right"))
    + '</w:pBdr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
    '<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr>'
    '<w:r><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" '
    'w:eastAsia="Times New Roman"/><w:b/><w:bCs/><w:sz w:val="26"/><w:szCs w:val="26"/></w:rPr>'
    f"<w:t>{DRAFT_TEXT}</w:t></w:r></w:p>"
)

