"""Every `ZONGJIE_*` environment setting, once: name, default, how it is parsed, what it does.

Why: the settings used to be read with `os.environ.get` wherever they were needed, each
with its own default and parsing, and some were missing from the README. Here each is one
row (Datasette keeps its SETTINGS the same way); `tests/test_settings.py` checks that
every row is documented in README.md and that no module reads a `ZONGJIE_*` name this
table does not know.

    >>> get("ZONGJIE_MAX_FILE_MB") if "ZONGJIE_MAX_FILE_MB" not in os.environ else 50
    50

Values are read from the environment at each `get`, so a test can `monkeypatch.setenv`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable


class SettingError(ValueError):
    """A setting whose value cannot be used; the message names it, in Chinese."""


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        value = 0
    if value <= 0:
        raise SettingError(f"环境变量 {name} 应为正整数,实为 {raw!r}")
    return value


def _text(name: str, raw: str) -> str:
    return raw


def _flag(name: str, raw: str) -> bool:
    """0/false/no/off (any case) is off, everything else on."""
    return raw.strip().lower() not in ("0", "false", "no", "off", "")


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None                 # as it would be written in the environment; None: unset
    parse: Callable[[str, str], Any]
    zh: str                             # what it does, for people (README, error messages)
    en: str


SETTINGS: tuple[Setting, ...] = (
    Setting("ZONGJIE_DB", "data/zongjie.duckdb", _text,
            "DuckDB 数据库文件(命令行、看板和测试共用)", "the DuckDB file used by the CLI, the app and the tests"),
    Setting("ZONGJIE_MAX_FILE_MB", "50", _positive_int,
            "单个文档大小上限(MB),超过即拒收", "largest document accepted, in MB; larger files are rejected"),
    Setting("ZONGJIE_BATCH_FILES", "200", _positive_int,
            "每个写入事务包含的文件数", "files per write transaction during ingest"),
    Setting("ZONGJIE_CACHE_DIR", None, _text,
            "派生表(繁简转换、地名)的私有缓存文件夹,默认 <tmp>/zongjie-<uid>",
            "private cache folder for derived tables (t2s, place names); default <tmp>/zongjie-<uid>"),
    Setting("ZONGJIE_RULES_DIR", None, _text,
            "规则文件夹,默认为内置的 pipeline/data/(可指向一份副本试改规则)",
            "rules folder; default the bundled pipeline/data/ (point it at a copy to try edits)"),
    Setting("ZONGJIE_PASSWORD", None, _text,
            "看板访问密码(优先于 secrets.toml)", "dashboard access password (wins over secrets.toml)"),
    Setting("ZONGJIE_ALLOW_IMPORT", "1", _flag,
            "设为 0 关闭“数据导入”页面", "0 turns the 数据导入 page off"),
    Setting("ZONGJIE_UPLOAD_DIR", None, _text,
            "上传文件的保存位置,默认 data/uploads/", "where uploaded files are written; default data/uploads/"),
    Setting("ZONGJIE_MAX_UPLOAD_MB", "200", _positive_int,
            "单次上传大小上限(MB)", "largest upload accepted, in MB"),
    Setting("ZONGJIE_MAX_ZIP_MB", "500", _positive_int,
            "压缩包解压后总大小上限(MB)", "largest total uncompressed size of a .zip, in MB"),
    Setting("ZONGJIE_TABLE_ROWS", "2000", _positive_int,
            "长表格在页面上显示的最多行数(CSV 下载含全部行)",
            "most rows a long table shows on a page (its CSV holds every row)"),
    Setting("ZONGJIE_BASE_URL", None, _text,
            "下载文件中“查看报告”链接的网址前缀,默认为浏览器访问看板所用的地址",
            "address put in front of 查看报告 links in downloaded files; default the address the browser used"),
)
BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str) -> Any:
    """The setting's value from the environment (empty counts as unset), parsed; None when
    unset with no default."""
    s = BY_NAME[name]
    raw = os.environ.get(name) or s.default
    return None if raw is None else s.parse(name, raw)
