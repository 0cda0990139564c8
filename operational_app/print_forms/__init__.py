"""Print forms (печатные формы): documents a customer downloads as PDF — the акт сверки now, the
Счет на оплату and the КП next (issue 25).

A form is built with `Document`: a title, requisites blocks, tables with column widths and
alignments (the header repeats on every page the table runs onto), totals rows and signature
places; `render()` returns the PDF's bytes. The text is set in DejaVu Sans, embedded (subset), so
Cyrillic prints and copies out of the PDF on any reader.
"""

from operational_app.print_forms.document import Cell, Column, Document, Signature

__all__ = ["Cell", "Column", "Document", "Signature"]
