"""The records the per-file chain passes on, and the stored tables they become: defined once.

Why: the schema used to be written five times - the extract dataclasses, the DDL, the
writer's column lists (which renamed `start` to `char_start` by hand), the export's SELECTs
and the Chinese labels - so a new field had to land in five places and a miss showed up
only as a wrong column. Here each stored field says, where it is declared, its DuckDB type,
its column when the column is named otherwise (`start` -> `char_start`), its Chinese label
and its export key; `Table` lists a table's columns in order. From these come the CREATE
TABLE statements and the writer's column lists and Arrow schemas (pipeline/store), the
export's columns and keys (pipeline/outputs/export.py) and the labels (pipeline/queries/labels.py).

Layering: the bottom of the house - extract builds these records, the store turns them into
rows, and this module imports nothing from the package. It is part of the extraction version
(pipeline/version.py follows the import graph): a change here re-extracts stored files, which
a new column needs anyway (a label edit pays for it too; labels are rarely changed).

Speed: records cross from worker processes to the parent by pickle. They are slotted
dataclasses pickled as (class, field values), as cheap as the dicts they replace; the
default pickle of a slotted object was a fifth slower (BENCHMARKS.md, "Records").
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import PurePath
from operator import attrgetter
from typing import Any, Callable

# ---------------------------------------------------------------- how a field is stored


def stored(sql: str, *, column: str | None = None, label: str | None = None, export: str | None = None,
           compression: str | None = None, **kw: Any):
    """A dataclass field that is stored: its DuckDB type, its column (default: the field's
    name), its Chinese label, its key in the export (default: the column) and, where DuckDB's
    own choice is wrong for how the column is read, its compression."""
    return field(metadata={"sql": sql, "column": column, "label": label, "export": export,
                           "compression": compression}, **kw)


@dataclass(frozen=True, slots=True)
class Column:
    name: str                      # the column in the store
    sql: str                       # DuckDB type
    attr: str | None = None        # the record field it comes from; None: the writer supplies it
    label: str | None = None       # Chinese header (pipeline/queries/labels.py)
    export: str | None = None      # key in the export JSONL, when not `name`
    get: Callable | None = None    # value from the record, when not the plain field (json, len)
    compression: str | None = None  # DuckDB's `USING COMPRESSION`, when not its own choice

    @property
    def key(self) -> str:
        return self.export or self.name


def columns_of(record: type) -> dict[str, Column]:
    """The stored fields of a record class, by column name."""
    out = {}
    for f in fields(record):
        md = f.metadata
        if "sql" in md:
            name = md["column"] or f.name
            out[name] = Column(name, md["sql"], f.name, md["label"], md["export"],
                               compression=md.get("compression"))
    return out


# ---------------------------------------------------------------- the records


def _pickled_by_fields(cls: type) -> type:
    """Pickle as (class, field values): one C call gathers the values and the class is
    named once per pickle, which is cheaper than the slot-state dict pickle builds by
    default (these records cross from every worker to the parent)."""
    values = attrgetter(*[f.name for f in fields(cls)])

    def __reduce__(self):
        return cls, values(self)

    cls.__reduce__ = __reduce__
    return cls



@_pickled_by_fields
@dataclass(slots=True)
class Section:
    """A headed part of a report (pipeline/extract/segment.py)."""
    index: int = stored("INTEGER", column="section_index")
    kind: str = stored("VARCHAR", label="部分")       # 工作开展 / 存在问题 / 下一步 / 其他
    heading: str | None = stored("VARCHAR", label="标题行")
    start: int = stored("INTEGER", column="char_start", label="起始位置")   # offsets into the report text
    end: int = stored("INTEGER", column="char_end", label="结束位置")
    style: str | None = stored("VARCHAR")   # heading style, 'marker' for an inline marker, None for the preamble
    item: bool = False  # a numbered item of an announced problems list ("还存在以下不足：" then 1./2.)


@_pickled_by_fields
@dataclass(slots=True)
class Metric:
    """An activity count (pipeline/extract/metrics.py)."""
    section_index: int = stored("INTEGER")
    section_kind: str = stored("VARCHAR", label="所在部分")
    phrase: str = stored("VARCHAR", label="指标短语")
    category: str = stored("VARCHAR", label="类别")
    value: float | None = stored("DOUBLE", label="数值")      # as written: 3.2 (万人次); NULL for a placeholder
    measure: str = stored("VARCHAR", label="计量单位", export="unit")
    approx: bool = stored("BOOLEAN", label="约数")
    placeholder: bool = stored("BOOLEAN", label="占位")
    text: str = stored("VARCHAR", label="原文")        # the clause holding the count, as in the report text
    start: int = stored("INTEGER", column="char_start", label="起始位置")   # offsets of `text` in the report text
    end: int = stored("INTEGER", column="char_end", label="结束位置")
    sentence: str = stored("VARCHAR", label="所在句子", default="")   # the whole sentence, for the reader
    # the count in its base measure, for sums (3.2 万人次 -> 32000 人次; metrics.normalise)
    base_value: float | None = stored("DOUBLE", label="折算数值", default=None)
    base_measure: str = stored("VARCHAR", label="折算单位", export="base_unit", default="")


@_pickled_by_fields
@dataclass(slots=True)
class Shortcoming:
    """A shortcoming statement (pipeline/extract/shortcomings.py)."""
    section_index: int = stored("INTEGER")
    position: int = stored("INTEGER", column="item_index", label="序号")   # 1-based order within the report
    text: str = stored("VARCHAR", label="原文")              # the statement, as in the report text
    category: str = stored("VARCHAR", label="类别")          # primary category
    categories: list[str] = stored("VARCHAR[]", label="全部类别", default_factory=list)   # every category that matched
    triggers: list[str] = stored("VARCHAR[]", label="触发词", default_factory=list)       # the words that matched
    start: int = stored("INTEGER", column="char_start", label="起始位置", default=0)
    end: int = stored("INTEGER", column="char_end", label="结束位置", default=0)


@_pickled_by_fields
@dataclass(slots=True)
class ReportResult:
    """One report of a file, with everything extracted from it (pipeline/extract/process.py)."""
    report_index: int = stored("INTEGER", label="文件内序号")
    char_start: int = stored("INTEGER", label="起始位置")    # offsets in the file's decoded text
    char_end: int = stored("INTEGER", label="结束位置")
    text: str = stored("VARCHAR", label="原文")              # cleaned report text, original script
    # searched by 上下文 (pipeline/queries/textscan.py): stored uncompressed, a report's text is
    # read without decompressing the 2,048 around it (1,000 scattered reports: 180 -> 8 ms at
    # 100,000) and a full scan costs 130 ms instead of 205; the file grows by ~5 KB a report
    text_simplified: str = stored("VARCHAR", label="简体文本", compression="uncompressed")
    title: str | None = stored("VARCHAR", label="标题")
    # attribution (pipeline/extract/attribute.py and the modules it decides between)
    unit: str | None = stored("VARCHAR", label="单位")
    unit_explicit: bool = stored("BOOLEAN", label="单位明确署名")
    unit_type: str = stored("VARCHAR", label="单位类型")
    region: str | None = stored("VARCHAR", label="地区")
    year: int | None = stored("INTEGER", label="年度")
    period: str | None = stored("VARCHAR", label="期间")
    is_report: bool = stored("BOOLEAN", label="是工作总结")
    publish_date: date | None = stored("DATE", label="发布日期")
    sources: dict = stored("VARCHAR", label="取值来源")      # which source gave each value; stored as JSON
    script: str = stored("VARCHAR", label="繁简")
    sections: list[Section] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    shortcomings: list[Shortcoming] = field(default_factory=list)
    terms: dict[str, int] = field(default_factory=dict)    # term -> count: the term_counts rows
    copy_sig: Any = None      # 查重 signature (text.shingles.Signed), signed in the worker so the writer only stores it

    @property
    def attrs(self) -> dict:
        """The attribution as one dict (what tests and tools read)."""
        return {k: getattr(self, k) for k in ATTRIBUTION}


ATTRIBUTION = ("unit", "unit_explicit", "unit_type", "region", "year", "period", "is_report", "publish_date")


@_pickled_by_fields
@dataclass(slots=True)
class FileResult:
    """One processed file: what a worker hands the parent."""
    path: str                                              # as shown: file_paths.path, reports.source
    file_id: str = stored("VARCHAR", label="文件哈希")      # sha256 of the bytes
    file_type: str = stored("VARCHAR")
    encoding: str = stored("VARCHAR")
    size_bytes: int = stored("BIGINT")
    n_chars: int = stored("INTEGER", label="字数")
    reports: list[ReportResult] = field(default_factory=list)


# ---------------------------------------------------------------- the tables


@dataclass(frozen=True)
class Table:
    """A stored table: its columns in order, and the record each row comes from."""
    name: str
    columns: tuple[Column, ...]
    record: type | None = None
    primary_key: str | None = None

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def ddl(self) -> str:
        cols = ", ".join(f"{c.name} {c.sql}{' PRIMARY KEY' if c.name == self.primary_key else ''}"
                         f"{f' USING COMPRESSION {c.compression}' if c.compression else ''}"
                         for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({cols});"

    def fields(self) -> list[Column]:
        """The columns whose values come from the record (the others the writer supplies)."""
        return [c for c in self.columns if c.attr is not None or c.get is not None]

    def getter(self) -> Callable:
        """record -> the tuple of its values for `fields()`, in order (one C call when every
        value is a plain field)."""
        cols = self.fields()
        if not any(c.get for c in cols):
            return attrgetter(*[c.attr for c in cols])
        # one tuple display, compiled once per table: no generator and no call per plain field
        env = {f"_g{i}": c.get for i, c in enumerate(cols) if c.get}
        parts = [f"_g{i}(r)" if c.get else f"r.{c.attr}" for i, c in enumerate(cols)]
        return eval(f"lambda r: ({', '.join(parts)},)", env)  # noqa: S307 (names from this module)


def _table(name: str, record: type | None, order: str, supplied: tuple[Column, ...] = (),
           primary_key: str | None = None, get: dict[str, Callable] | None = None) -> Table:
    """A table whose columns, in `order`, are the record's stored fields (by column name) or
    columns the writer supplies; `get`: a column whose value is computed from the record."""
    own = columns_of(record) if record else {}
    get = get or {}
    by_name = {**own, **{c.name: c for c in supplied}}
    cols = []
    for n in order.split():
        c = by_name.pop(n)
        if n in get:
            c = replace(c, get=get[n])
        cols.append(c)
    assert not (set(by_name) & set(own)), f"{name}: stored fields without a column: {sorted(set(by_name) & set(own))}"
    return Table(name, tuple(cols), record, primary_key)


REPORT_ID = Column("report_id", "VARCHAR", label="报告编号")
FILE_ID = Column("file_id", "VARCHAR", label="文件哈希")

FILES = _table("files", FileResult, "file_id name file_type encoding size_bytes n_chars n_reports pipeline_version "
               "ingested_at", (Column("name", "VARCHAR"), Column("n_reports", "INTEGER"),
                               Column("pipeline_version", "VARCHAR"), Column("ingested_at", "TIMESTAMP")),
               primary_key="file_id", get=dict(name=lambda f: PurePath(f.path).name, n_reports=lambda f: len(f.reports)))
FILE_PATHS = Table("file_paths", (Column("path", "VARCHAR", label="文件"), FILE_ID, Column("seen_at", "TIMESTAMP")),
                   primary_key="path")
REJECTS = Table("rejects", (Column("path", "VARCHAR", label="文件"), Column("reason", "VARCHAR", label="原因"),
                            Column("rejected_at", "TIMESTAMP", label="时间")), primary_key="path")
REPORTS = _table(
    "reports", ReportResult,
    "report_id file_id source report_index char_start char_end title unit unit_explicit unit_type region year "
    "period is_report publish_date script sources n_chars text text_simplified",
    (REPORT_ID, FILE_ID, Column("source", "VARCHAR", label="来源文件"), Column("n_chars", "INTEGER", label="字数")),
    primary_key="report_id",
    get=dict(sources=lambda r: json.dumps(r.sources, ensure_ascii=False), n_chars=lambda r: len(r.text)))
SECTIONS = _table("sections", Section, "report_id file_id section_index kind heading style char_start char_end",
                  (REPORT_ID, FILE_ID))
METRICS = _table(
    "metrics", Metric,
    "report_id file_id metric_index section_index section_kind phrase category value measure base_value "
    "base_measure approx placeholder text sentence char_start char_end",
    (REPORT_ID, FILE_ID, Column("metric_index", "INTEGER", label="序号")),
    get=dict(sentence=lambda m: m.sentence or m.text))
SHORTCOMINGS = _table(
    "shortcomings", Shortcoming,
    "report_id file_id item_index section_index text category categories triggers char_start char_end",
    (REPORT_ID, FILE_ID))
# ReportResult.terms (term -> n) as rows: the biggest table, so no file_id (see pipeline/store)
TERM_COUNTS = Table("term_counts", (REPORT_ID, Column("term", "VARCHAR", label="词语"),
                                    Column("n", "INTEGER", label="出现次数")))

# the extracted tables, in the order they are created and written
TABLES: dict[str, Table] = {t.name: t for t in (FILES, FILE_PATHS, REJECTS, REPORTS, SECTIONS, METRICS, SHORTCOMINGS,
                                                TERM_COUNTS)}

# ---------------------------------------------------------------- what the export lists (gold FORMAT.md)
# Column names in the order of the export's keys (each column's `key`: measure -> unit).
EXPORT_REPORT = ("source", "char_start", "char_end", "report_index", "title", "unit", "unit_explicit", "unit_type",
                 "region", "year", "period", "is_report", "script", "sources")
EXPORT_METRIC = ("phrase", "category", "value", "measure", "approx", "placeholder", "text", "section_kind",
                 "base_value", "base_measure")
EXPORT_SHORTCOMING = ("text", "category", "categories")


def labels() -> dict[str, str]:
    """Column -> Chinese label, over every table (a column has one label wherever it is stored)."""
    out: dict[str, str] = {}
    for t in TABLES.values():
        for c in t.columns:
            if c.label:
                assert out.setdefault(c.name, c.label) == c.label, f"{c.name}: two labels"
    return out


_ARROW = {"VARCHAR": "string", "INTEGER": "int64", "BIGINT": "int64", "DOUBLE": "float64", "BOOLEAN": "bool_",
          "DATE": "date32", "TIMESTAMP": "timestamp"}


def arrow_schema(table: Table):
    """The Arrow schema of a table's rows (the hand-off to DuckDB and the Parquet parts):
    typed from the records, so a batch whose column is all NULL or all whole numbers still
    has the column's type. INTEGER is carried as int64, as Arrow inferred it before."""
    import pyarrow as pa

    def typ(sql: str):
        if sql.endswith("[]"):
            return pa.list_(typ(sql[:-2]))
        name = _ARROW[sql]
        return pa.timestamp("us") if name == "timestamp" else getattr(pa, name)()

    return pa.schema([(c.name, typ(c.sql)) for c in table.columns])
