"""What leaves the product: `export` (the JSONL contract of gold/FORMAT.md), `sheets` (one
conversion for every CSV/xlsx: formula escaping, Chinese headers, links), `workbook` (an .xlsx
of the current filter), `brief` (the meeting brief, .docx and PDF). Built on `pipeline.queries`.
"""
