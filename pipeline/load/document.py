"""What the read stage hands to the decode stage: a file's bytes (and, for formats read
by a library, their text), or `Rejected` with a reason for the user.

Its own module so that `read` (which calls the decoder for a saved web page, .mht) and
`decode` (which takes a `RawDocument`) do not import each other.
"""
from __future__ import annotations

from dataclasses import dataclass

# Notes that travel with a folder of reports (README.md, LICENSE, manifest.csv): never
# ingested, whether they come in a folder (ingest) or a .zip (the upload page).
SKIP_NAMES = ("readme", "license", "manifest")


class Rejected(Exception):
    """A file the pipeline will not ingest; the message is shown to the user as is."""


@dataclass
class RawDocument:
    path: str
    file_type: str            # txt | docx | pdf | html
    data: bytes               # the file's bytes (hashing, decoding of text files)
    text: str | None = None   # already-extracted text for docx/pdf/.mht (plain html is decoded first)
