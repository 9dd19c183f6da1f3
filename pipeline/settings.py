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


def _yes(name: str, raw: str) -> bool:
    """Only an explicit yes (1/true/yes/on/y/enabled) is on: a switch that guards something
    (importing) must not be left on by `disabled`, `none` or a typo."""
    return raw.strip().lower() in ("1", "true", "yes", "on", "y", "enabled", "enable")


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        value = -1
    if value < 0:
        raise SettingError(f"环境变量 {name} 应为不小于 0 的秒数,实为 {raw!r}")
    return value


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
    Setting("ZONGJIE_CHECK_RULES", None, _text,
            "考核规则的本机副本(“考核”页面规则编辑器保存于此),默认 data/check_rules.toml;不存在时用内置规则",
            "this installation's copy of the 考核 rules (the rule editor saves it); default data/check_rules.toml, "
            "else the bundled rules"),
    Setting("ZONGJIE_PASSWORD", None, _text,
            "看板访问密码(优先于 secrets.toml)", "dashboard access password (wins over secrets.toml)"),
    Setting("ZONGJIE_ALLOW_IMPORT", "1", _yes,
            "设置时只有 1/true/yes/on 开启“数据导入”页面,其他值(含空值)都关闭",
            "when set, only 1/true/yes/on keeps the 数据导入 page on; any other value, empty too, turns it off"),
    Setting("ZONGJIE_UPLOAD_DIR", None, _text,
            "上传文件的保存位置,默认 data/uploads/", "where uploaded files are written; default data/uploads/"),
    Setting("ZONGJIE_MAX_UPLOAD_MB", "100", _positive_int,
            "单次上传大小上限(MB)", "largest upload accepted, in MB"),
    Setting("ZONGJIE_MAX_ZIP_MB", "500", _positive_int,
            "压缩包解压后总大小上限(MB)", "largest total uncompressed size of a .zip, in MB"),
    Setting("ZONGJIE_TABLE_ROWS", "2000", _positive_int,
            "长表格在页面上显示的最多行数(CSV 下载含全部行)",
            "most rows a long table shows on a page (its CSV holds every row)"),
    # ---- per-file limits and crash safety (pipeline/limits.py, store.write_lock, dashboard/auth.py)
    Setting("ZONGJIE_MAX_UNPACKED_MB", "64", _positive_int,
            "Word 文档正文解压后的大小上限(MB,防压缩炸弹)", "largest unpacked text part of a .docx, in MB (zip bombs)"),
    Setting("ZONGJIE_MAX_FILE_CHARS", "5000000", _positive_int,
            "每个文件解码后的字数上限", "most characters of decoded text per file"),
    Setting("ZONGJIE_MAX_REPORT_CHARS", "1000000", _positive_int,
            "每篇报告的字数上限", "most characters per report after splitting"),
    Setting("ZONGJIE_FILE_TIMEOUT", "120", _positive_int,
            "工作进程处理单个文件的时间上限(秒)", "seconds a worker may spend on one file"),
    Setting("ZONGJIE_WORKER_MEM_MB", "4096", _positive_int,
            "每个工作进程的内存(地址空间)上限(MB)", "address-space limit of each worker process, in MB"),
    Setting("ZONGJIE_WRITER_MEM_MB", "1024", _positive_int,
            "导入时写入连接(DuckDB)的内存上限(MB),超出部分暂存到临时文件",
            "DuckDB memory limit of the ingest's writer connection, in MB (beyond it DuckDB spills to disk)"),
    Setting("ZONGJIE_LOCK_WAIT", "600", _seconds,
            "导入等待另一个导入任务释放写锁的最长秒数", "seconds an ingest waits for another one's write lock"),
    Setting("ZONGJIE_LOGIN_MAX_FAILS", "10", _positive_int,
            "5 分钟内全服务器允许的错误密码次数,超过即暂停登录",
            "wrong passwords allowed server-wide within 5 minutes before logins are paused"),
    Setting("ZONGJIE_LOGIN_LOCKOUT", "300", _positive_int,
            "错误密码过多后暂停登录的秒数", "seconds logins stay paused after too many wrong passwords"),
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
