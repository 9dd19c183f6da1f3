"""The import manifest: a CSV naming, per file, what the text may not say itself.

Why one module: the CLI and the 数据导入 page (dashboard/uploads.py) both read manifests,
and each used to parse them its own way, so Chinese headers (文件名,单位,年份) worked from
the CLI and were silently ignored on the page. Both now call `parse_rows`.

Columns `file,unit,year,unit_type,region,period`, any but `file` optional, in English or
as people write them in Excel (文件名,单位,年份,单位类型,地区,期间 …); UTF-8 with or
without BOM, GBK as Excel saves it, or UTF-16.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline import rules

COLUMNS = ("file", "unit", "year", "unit_type", "region", "period")


def column_of() -> dict[str, str]:
    """Header name (lower-cased) -> column: the names people write in Excel, Chinese among
    them (`[columns]` in manifest_values.toml), and each column's own name."""
    cfg = rules.load("manifest_values.toml")["columns"]
    out = {c: c for c in COLUMNS}
    out.update({alias.lower(): col for col, aliases in cfg.items() for alias in aliases})
    return out


class ManifestError(ValueError):
    """A manifest that cannot be used; the message names the file and the problem."""


def decode(data: bytes) -> str:
    """The manifest's text, whatever encoding Excel or an editor saved it in."""
    from pipeline.load.decode import decode_bytes

    return decode_bytes(data)[0].lstrip("\ufeff")


def parse_rows(text: str, name: str = "清单") -> list[dict]:
    """The rows as dicts with the canonical column names (unknown columns dropped, values
    stripped), `file` included.

    >>> parse_rows("文件名,单位,年份,期间\\n2021/a.txt,县审计局,2021年,上半年\\n")
    [{'file': '2021/a.txt', 'unit': '县审计局', 'year': '2021年', 'period': '上半年'}]
    """
    if "\x00" in text:
        raise ManifestError(f"清单文件 {Path(name).name} 含二进制内容,不是 CSV 表格")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    out = []
    line = 1
    try:     # (csv raises on a field past its size limit or a malformed quote: a message, not a traceback)
        column = column_of()
        columns = {h: column.get((h or "").strip().lower()) for h in reader.fieldnames or []}
        if "file" not in columns.values():
            raise ManifestError(f"清单文件 {name} 缺少 file(文件名)列:第一行应为 file,unit,year,unit_type,region,"
                                f"period(或 文件名,单位,年份,单位类型,地区,期间)")
        for raw in reader:
            line = reader.line_num
            row = {columns[k]: (v or "").strip() for k, v in raw.items() if columns.get(k) and isinstance(v, str)}
            if row.get("file"):
                out.append(row)
    except csv.Error as exc:
        why = "某一格内容过长" if "field larger" in str(exc) else "格式不是有效的 CSV"
        raise ManifestError(f"清单文件 {Path(name).name} 第 {line} 行附近{why},无法读取;"
                            f"请用 Excel 另存为 CSV 后重试") from None
    return out


def by_file(rows: list[dict]) -> dict[str, dict]:
    """Rows keyed by the file as written, with `/` for `\\`, and by its bare name (the row
    without `file`): a folder ingest looks files up by path, then by name."""
    out: dict[str, dict] = {}
    for r in rows:
        row = {k: v for k, v in r.items() if k != "file"}
        f = r["file"]
        for key in (f, f.replace("\\", "/"), f.replace("\\", "/").rsplit("/", 1)[-1]):
            out[key] = row
    return out


def read_manifest(path: str | Path | None) -> dict[str, dict]:
    """A manifest file -> `by_file` rows; {} for no manifest. Raises `ManifestError`."""
    if not path:
        return {}
    from pipeline.load.document import Rejected

    try:
        text = decode(Path(path).read_bytes())
    except FileNotFoundError:
        raise ManifestError(f"清单文件不存在:{path}") from None
    except (OSError, Rejected) as exc:
        raise ManifestError(f"清单文件无法读取:{path}({exc})") from None
    return by_file(parse_rows(text, str(path)))
