"""The records (pipeline/records.py) are the one declaration of the extracted tables: the DDL,
the writer's Arrow tables, the export's keys and the labels come from them - and the database
they make is the one the hand-written schema made (pinned below, as it stood before)."""
from __future__ import annotations

import json
import pickle
import shutil

import duckdb
import pytest

from pipeline import records, rules, store
from pipeline.extract.process import process_bytes
from pipeline.version import PACKAGE_DIR, pipeline_version

# The extracted tables as written by hand before records.py (schema 3), kept verbatim: the
# generated DDL must give exactly these columns, types, order and keys.
HAND_WRITTEN = """
CREATE TABLE IF NOT EXISTS files (
    file_id VARCHAR PRIMARY KEY, name VARCHAR, file_type VARCHAR, encoding VARCHAR,
    size_bytes BIGINT, n_chars INTEGER, n_reports INTEGER, pipeline_version VARCHAR,
    ingested_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS file_paths (path VARCHAR PRIMARY KEY, file_id VARCHAR, seen_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS rejects (path VARCHAR PRIMARY KEY, reason VARCHAR, rejected_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR PRIMARY KEY, file_id VARCHAR, source VARCHAR, report_index INTEGER,
    char_start INTEGER, char_end INTEGER, title VARCHAR,
    unit VARCHAR, unit_explicit BOOLEAN, unit_type VARCHAR, region VARCHAR,
    year INTEGER, period VARCHAR, is_report BOOLEAN, publish_date DATE, script VARCHAR,
    sources VARCHAR,
    n_chars INTEGER, text VARCHAR, text_simplified VARCHAR);
CREATE TABLE IF NOT EXISTS sections (
    report_id VARCHAR, file_id VARCHAR, section_index INTEGER, kind VARCHAR, heading VARCHAR,
    style VARCHAR, char_start INTEGER, char_end INTEGER);
CREATE TABLE IF NOT EXISTS metrics (
    report_id VARCHAR, file_id VARCHAR, metric_index INTEGER, section_index INTEGER, section_kind VARCHAR,
    phrase VARCHAR, category VARCHAR,
    value DOUBLE, measure VARCHAR,
    base_value DOUBLE, base_measure VARCHAR,
    approx BOOLEAN, placeholder BOOLEAN,
    text VARCHAR, sentence VARCHAR, char_start INTEGER, char_end INTEGER);
CREATE TABLE IF NOT EXISTS shortcomings (
    report_id VARCHAR, file_id VARCHAR, item_index INTEGER, section_index INTEGER, text VARCHAR,
    category VARCHAR, categories VARCHAR[], triggers VARCHAR[], char_start INTEGER, char_end INTEGER);
CREATE TABLE IF NOT EXISTS term_counts (report_id VARCHAR, term VARCHAR, n INTEGER);
"""
EXTRACTED = ("files", "file_paths", "rejects", "reports", "sections", "metrics", "shortcomings", "term_counts")

REPORT = ("平安县委宣传部2021年意识形态工作总结\n一、工作开展情况\n今年以来,我部开展专题学习3次,覆盖干部1.2万人次。\n"
          "二、存在问题\n一是学习不够深入,二是阵地管理有短板。\n三、下一步打算\n继续加强学习。\n")


def _shape(con) -> tuple[list, list]:
    cols = con.execute("""
        SELECT table_name, ordinal_position, column_name, data_type, is_nullable, column_default
        FROM information_schema.columns WHERE table_name IN (SELECT unnest(?::VARCHAR[]))
        ORDER BY table_name, ordinal_position""", [list(EXTRACTED)]).fetchall()
    keys = con.execute("""
        SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints()
        WHERE table_name IN (SELECT unnest(?::VARCHAR[])) ORDER BY ALL""", [list(EXTRACTED)]).fetchall()
    return cols, keys


def test_the_generated_schema_is_the_hand_written_one():
    before, after = duckdb.connect(), duckdb.connect()
    before.execute(HAND_WRITTEN)
    store.init_schema(after)
    cols, keys = _shape(after)
    assert _shape(before) == (cols, keys)
    assert len(cols) == 9 + 3 + 3 + 20 + 8 + 17 + 10 + 3
    assert ("metrics", 8, "value", "DOUBLE", "YES", None) in cols
    assert ("shortcomings", 7, "categories", "VARCHAR[]", "YES", None) in cols
    assert [k[0] for k in keys if k[1] == "PRIMARY KEY"] == ["file_paths", "files", "rejects", "reports"]


def test_the_searched_text_is_stored_uncompressed(sample_db):
    """reports.text_simplified is declared `USING COMPRESSION uncompressed` and an ingested
    database keeps it so (上下文 reads scattered reports one by one, pipeline/queries/textscan.py);
    the original text keeps DuckDB's own compression."""
    assert "text_simplified VARCHAR USING COMPRESSION uncompressed" in records.TABLES["reports"].ddl()
    con = duckdb.connect(str(sample_db), read_only=True)
    try:
        got = dict(con.execute("""
            SELECT column_name, list(DISTINCT compression) FROM pragma_storage_info('reports')
            WHERE column_name IN ('text', 'text_simplified') AND segment_type = 'VARCHAR' GROUP BY ALL""").fetchall())
    finally:
        con.close()
    assert got["text_simplified"] == ["Uncompressed"] and "Uncompressed" not in got["text"], got


def _compression(db) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return sorted({c for (c,) in con.execute(
            "SELECT compression FROM pragma_storage_info('reports') "
            "WHERE column_name = 'text_simplified' AND segment_type = 'VARCHAR'").fetchall()})
    finally:
        con.close()


def test_an_older_database_searches_as_before_and_rebuild_gives_the_uncompressed_text(sample_db, tmp_path):
    """A database made before the column was declared uncompressed keeps DuckDB's compression
    (a column's compression cannot change in place): 上下文 gives the same lines and counts on
    it; `ingest --rebuild` writes the tables anew with the declared column (README, Scale)."""
    from pipeline.ingest import ingest_paths
    from pipeline.queries import query as q
    from tests.conftest import SAMPLE

    old = tmp_path / "old.duckdb"
    shutil.copyfile(sample_db, old)
    con = duckdb.connect(str(old))
    try:                                       # the reports table as DuckDB compresses it by default
        con.execute("CREATE TABLE r_old AS SELECT * FROM reports")
        con.execute("DROP TABLE reports")
        con.execute("CREATE TABLE reports AS SELECT * FROM r_old")
        con.execute("DROP TABLE r_old")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    assert "Uncompressed" not in _compression(old)
    for term in ("意识形态", "两学一做"):
        assert q.kwic_total.uncached({}, term, db=old) == q.kwic_total.uncached({}, term, db=sample_db)
        assert q.kwic.uncached({}, term, db=old).equals(q.kwic.uncached({}, term, db=sample_db))
    store.release_readers(old)
    ingest_paths([SAMPLE], db=old, workers=1, rebuild=True)
    assert _compression(old) == ["Uncompressed"]
    assert q.kwic_total.uncached({}, "意识形态", db=old) == q.kwic_total.uncached({}, "意识形态", db=sample_db)


def test_every_stored_field_has_its_column_once():
    for record, table in ((records.Section, records.SECTIONS), (records.Metric, records.METRICS),
                          (records.Shortcoming, records.SHORTCOMINGS), (records.ReportResult, records.REPORTS)):
        own = records.columns_of(record)
        assert set(own) <= set(table.names), table.name
        assert len(table.names) == len(set(table.names))
    # renamed where the column is named otherwise: stated on the field, not in the writer
    assert records.columns_of(records.Metric)["char_start"].attr == "start"
    assert records.columns_of(records.Shortcoming)["item_index"].attr == "position"
    assert records.columns_of(records.Section)["section_index"].attr == "index"
    assert "item" not in {c.attr for c in records.SECTIONS.columns}          # not stored


def test_the_writer_hands_over_typed_arrow_tables():
    res = process_bytes(REPORT.encode(), "平安县.txt")
    r = res.reports[0]
    assert (r.unit, r.region, r.year) == ("平安县委宣传部", "平安县", 2021) and r.attrs["year"] == 2021
    assert [(m.value, m.measure, m.base_value) for m in r.metrics] == [(3.0, "次", 3.0), (1.2, "万人次", 12000.0)]
    tables = store.arrow_tables([res], "v")
    assert set(tables) == set(EXTRACTED) - {"rejects"}
    for name, tbl in tables.items():
        assert tbl.schema == records.arrow_schema(records.TABLES[name]), name
    # a batch whose publish_date is all NULL still carries its type
    assert str(tables["reports"].schema.field("publish_date").type) == "date32[day]"
    assert tables["reports"].column("sources").to_pylist() == [json.dumps(r.sources, ensure_ascii=False)]
    assert tables["reports"].column("n_chars").to_pylist() == [len(r.text)]
    assert tables["metrics"].column("metric_index").to_pylist() == [0, 1]
    assert tables["metrics"].column("char_start").to_pylist() == [m.start for m in r.metrics]
    assert tables["shortcomings"].column("item_index").to_pylist() == [1, 2]
    assert tables["files"].column("name").to_pylist() == ["平安县.txt"]
    assert tables["files"].column("n_reports").to_pylist() == [1]
    con = duckdb.connect()
    store.init_schema(con)
    assert store.write_tables(con, tables) == 1
    assert con.execute("SELECT count(*), sum(n) FROM term_counts").fetchone()[1] == sum(r.terms.values())
    assert con.execute("SELECT measure, base_value FROM metrics ORDER BY metric_index").fetchall() == [
        ("次", 3.0), ("万人次", 12000.0)]


def test_records_pickle_whole():
    res = process_bytes(REPORT.encode(), "a.txt")
    back = pickle.loads(pickle.dumps(res, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == res and type(back.reports[0].metrics[0]) is records.Metric
    m = res.reports[0].metrics[0]
    assert m.__reduce__()[0] is records.Metric and len(m.__reduce__()[1]) == 14


def test_export_keys_and_labels_come_from_the_records():
    from pipeline.outputs import export
    from pipeline.queries.labels import LABELS

    # the contract's keys (gold FORMAT.md): the measure is exported as `unit`
    assert [c.key for c in export.METRIC_COLS] == ["phrase", "category", "value", "unit", "approx", "placeholder",
                                                   "text", "section_kind", "base_value", "base_unit"]
    assert [c.key for c in export.SHORTCOMING_COLS] == ["text", "category", "categories"]
    assert (LABELS["measure"], LABELS["char_start"], LABELS["item_index"], LABELS["reason"]) == (
        "计量单位", "起始位置", "序号", "原因")
    assert {k: LABELS[k] for k in records.labels()} == records.labels()


def test_a_change_to_the_records_re_extracts(tmp_path):
    pkg = tmp_path / "pipeline"
    shutil.copytree(PACKAGE_DIR, pkg, ignore=shutil.ignore_patterns("__pycache__", "data"))
    v0 = pipeline_version(pkg, rules.BUNDLED)
    with open(pkg / "records.py", "a", encoding="utf-8") as fh:
        fh.write("\n# a new stored field\n")
    assert pipeline_version(pkg, rules.BUNDLED) != v0


@pytest.mark.parametrize("table", EXTRACTED)
def test_store_column_lists_are_the_tables(table):
    if table in store._COLUMNS:
        assert store._COLUMNS[table] == records.TABLES[table].names
