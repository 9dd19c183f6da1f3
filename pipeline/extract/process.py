"""The per-file chain: read -> decode -> clean -> split -> attribute -> segment -> extract -> tokenize.

`process_file` is pure (no database) and picklable in and out, so it runs in worker
processes; `store` writes its result in one transaction.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline import __version__
from pipeline.extract.attribute import attribute
from pipeline.text.clean import clean
from pipeline.text.script import script_of, to_simplified
from pipeline.load.decode import decode_with_offsets
from pipeline.extract.metrics import extract_metrics
from pipeline.load.read import RawDocument, Rejected, read_bytes
from pipeline.extract.segment import segment
from pipeline.extract.shortcomings import extract_shortcomings
from pipeline.text.shingles import Signed, sign
from pipeline.extract.split import split_reports
from pipeline.extract.tokenize import term_counts
from pipeline.records import FileResult, ReportResult   # noqa: F401  (the chain's output; importers name them here)


def _is_page_header(part, simple: str) -> bool:
    """A short untitled block before a file's first report that names no unit, no year and
    no work done (site furniture or a preamble the cleaner did not know): not a report."""
    body = simple[part.start:part.end]
    if part.title or len(body) >= 400:
        return False
    a = attribute(None, body, "")
    return not a.is_report and a.year is None and not extract_metrics(body, body, segment(body, body))


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def process_document(doc: RawDocument, manifest: dict | None = None, display_path: str | None = None) -> FileResult:
    from pipeline.limits import max_file_chars, max_report_chars

    text, encoding, in_file = decode_with_offsets(doc)
    if len(text) > max_file_chars():
        raise Rejected(f"文字过多({len(text):,} 字),每个文件上限 {max_file_chars():,} 字(ZONGJIE_MAX_FILE_CHARS)")
    m = clean(text)
    parts = split_reports(m.text)
    if not parts:
        raise Rejected("清理网页模板等内容后没有剩下正文")
    longest = max(p.end - p.start for p in parts)
    if longest > max_report_chars():
        raise Rejected(f"单篇报告过长({longest:,} 字),上限 {max_report_chars():,} 字(ZONGJIE_MAX_REPORT_CHARS);"
                       f"请检查文件是否为报告原文")
    path = display_path or doc.path
    reports: list[ReportResult] = []
    simple_all = to_simplified(m.text)          # once per file; t2s keeps length, so slices align
    if len(parts) > 1 and _is_page_header(parts[0], simple_all):
        parts = parts[1:]
    for k, part in enumerate(parts, 1):
        body = m.text[part.start:part.end]
        # a text t2s left alone shares one string object: pickled once to the parent and
        # UTF-8-encoded once into Arrow (both memoise by identity)
        simple = body if simple_all is m.text else simple_all[part.start:part.end]
        start, end = m.original_span(part.start, part.end)     # in the decoded text
        header = to_simplified(text[:start][-3000:])
        title = part.title
        coll = part.collection_title
        sections = segment(body, simple)
        metrics = extract_metrics(body, simple, sections)
        shortcomings = extract_shortcomings(body, simple, sections)
        a = attribute(to_simplified(title) if title else None, simple, path, header=header, manifest=manifest,
                      collection_title=to_simplified(coll) if coll else None,
                      work_done=any(not x.placeholder for x in metrics),
                      opening=text[start:start + 600],
                      title_lines=tuple(t.strip() for t in part.title_lines if t))
        reports.append(ReportResult(
            report_index=k, text=body, text_simplified=simple,
            # a web page's offsets go on through its markup to the decoded file
            char_start=in_file[start] if in_file else start,
            char_end=(in_file[end - 1] + 1 if end > start else in_file[start]) if in_file else end,
            title=title,
            unit=a.unit, unit_explicit=a.unit_explicit, unit_type=a.unit_type, region=a.region,
            year=a.year, period=a.period, is_report=a.is_report, publish_date=a.publish_date,
            sources=a.sources, script=script_of(body, simple),
            sections=sections, metrics=metrics, shortcomings=shortcomings,
            terms=dict(term_counts(simple)),
            copy_sig=sign(simple),
        ))
    return FileResult(path=path, file_id=content_hash(doc.data), file_type=doc.file_type, encoding=encoding,
                      size_bytes=len(doc.data), n_chars=len(text), reports=reports)


def process_bytes(data: bytes, name: str, path: str | None = None, manifest: dict | None = None) -> FileResult:
    return process_document(read_bytes(data, name, path), manifest, display_path=path or name)


def process_path(path: str | Path, manifest: dict | None = None) -> FileResult:
    from pipeline.load.read import read_path

    return process_document(read_path(path), manifest, display_path=str(path))
