"""Getting text out of a file: `read` (formats, sizes, archives), `decode` (bytes to text,
html and saved web pages to text with offsets), `document` (what read hands to decode, and the
Rejected error shown to users), `manifest` (the import manifest: unit, year per file).

Nothing here knows what a report says; `pipeline.extract` takes the text from here.
"""
