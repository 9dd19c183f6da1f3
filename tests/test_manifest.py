"""One manifest parser for the CLI and the 数据导入 page: a manifest with Chinese headers
(文件名,单位,年份,单位类型,地区,期间), saved as GBK by Excel, gives the same stored values
whichever way the files come in."""
from __future__ import annotations

import json

import pytest

from dashboard.uploads import save_uploads
from pipeline.__main__ import main
from pipeline.load.manifest import ManifestError, by_file, parse_rows
from tests.conftest import SAMPLE, db_rows

HEADER = "文件名,单位,年份,单位类型,地区,期间\n"
ROW = "{name},县政府办公室,2019年,乡镇,谷城县,上半年\n"
WANT = ("县政府办公室", 2019, "乡镇街道", "谷城县", "half_year")


def _stored(db) -> list[tuple]:
    rows = db_rows(db, "SELECT unit, year, unit_type, region, period, sources FROM reports")
    return [(*r[:5], {k: v for k, v in json.loads(r[5]).items() if v == "manifest"}) for r in rows]


def test_chinese_headers_same_from_cli_and_upload_page(tmp_path, capsys):
    src = sorted(SAMPLE.glob("*.txt"))[0]
    man = (HEADER + ROW.format(name=src.name)).encode("gbk")

    # the CLI: files on disk, --manifest
    (tmp_path / "m.csv").write_bytes(man)
    cli_db = tmp_path / "cli.duckdb"
    assert main(["ingest", str(src), "--db", str(cli_db), "--manifest", str(tmp_path / "m.csv"), "--workers", "1"]) == 0

    # the 数据导入 page: uploaded bytes + uploaded manifest, stored under generated names
    batch = save_uploads([(src.name, src.read_bytes())], ("清单.csv", man), root=tmp_path / "uploads")
    assert batch.manifest is not None and "1 个文件与上传文件对应" in batch.manifest_note
    from pipeline.ingest import ingest_paths

    page_db = tmp_path / "page.duckdb"
    ingest_paths(batch.paths, db=page_db, manifest=batch.manifest, workers=1)

    cli_rows, page_rows = _stored(cli_db), _stored(page_db)
    assert cli_rows == page_rows and len(cli_rows) == 1
    assert cli_rows[0][:5] == WANT
    assert set(cli_rows[0][5]) == {"unit", "year", "unit_type", "region", "period"}


def test_upload_page_says_when_a_manifest_has_no_file_column(tmp_path):
    src = sorted(SAMPLE.glob("*.txt"))[0]
    batch = save_uploads([(src.name, src.read_bytes())], ("m.csv", "单位,年份\n县政府办公室,2019\n".encode()),
                         root=tmp_path)
    assert batch.manifest is None and "缺少 file(文件名)列" in batch.manifest_note


def test_rows_are_found_by_path_and_by_name():
    rows = by_file(parse_rows("File,Unit\n2021\\县审计局.txt,县审计局\n"))
    assert rows["2021/县审计局.txt"] == rows["县审计局.txt"] == {"unit": "县审计局"}
    with pytest.raises(ManifestError, match="缺少 file"):
        parse_rows("单位\n县审计局\n")
