"""Excel in and out: the workbook to fill in, its import into candidate files, the Danh sách as .xlsx.

- layout: the sheets and their columns, derived from the schema's fields
- template: the workbook to fill in (`write_template`)
- cells: one cell read into a typed value (the schema's types)
- reader, drafts, importer: a filled workbook -> candidates/<id>.yaml (`import_workbook`)
- danh_sach: the Danh sách workbook written by `build` (`write_danh_sach_xlsx`)
- sheetstyle: borders, row heights, deterministic saving
"""

from dhtt_docs.excel.importer import import_workbook
from dhtt_docs.excel.template import write_template

__all__ = ["import_workbook", "write_template"]
