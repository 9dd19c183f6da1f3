"""From a file's text to a report's facts, per file and pure (no database): `split` (one file,
several reports), `attribute` (unit, unit type, region, year, period, report type), `segment`
(sections and sentences), `metrics` and `shortcomings` (the numbers and the 存在问题), `tokenize`
(keyword counts), and `process`, which chains them for one file (what an ingest worker runs).

What they look for lives in `pipeline/data/` (loaded by `pipeline.rules`); a change here or
there changes the extraction version (`pipeline.version`) and re-extracts stored files.
"""
