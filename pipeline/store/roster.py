"""The roster (名单): the units a supervisor expects to report, and matching report units
against it.

Why a roster: extracted unit names vary (县委宣传部 / 中共某某县委宣传部 / 宣传部党支部), are
masked or missing; the supervisor knows the real list. With a roster the coverage matrix
shows who did NOT report, and every count groups by the roster's canonical names.

    parse_roster(data, filename) -> list[Entry]    CSV or .xlsx, Chinese or English headers
    save_roster(entries, db)                       through store.writer (lock, atomic publish)
    load_roster(con) / roster_frame(db)
    refresh_matches(con)                           report -> roster unit, with the match kind

Matching happens at store time (every writer calls `refresh_matches` before publishing), on
the report's unit AFTER corrections, so a new roster or a corrected unit applies without
re-ingest. The rules are in `data/roster_match.toml`.
"""
from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.store import effective
from pipeline import rules, store   # effective: its views and tables refresh with every write too

HEADERS = {   # accepted header -> field (case-insensitive, spaces ignored)
    "单位": "name", "单位名称": "name", "名称": "name", "name": "name", "unit": "name",
    "类型": "unit_type", "单位类型": "unit_type", "unit_type": "unit_type", "type": "unit_type",
    "地区": "region", "区域": "region", "region": "region",
    "别名": "aliases", "aliases": "aliases", "alias": "aliases",
}
ALIAS_SEP = re.compile(r"[;；、|,，]")
MAX_ROWS = 20000


class RosterError(ValueError):
    """A roster that cannot be imported; `problems` are Chinese messages, one per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(";".join(problems[:5]) + (f" 等 {len(problems)} 处问题" if len(problems) > 5 else ""))


@dataclass
class Entry:
    name: str
    unit_type: str | None = None
    region: str | None = None
    aliases: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- parsing
def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v != v:     # NaN from a spreadsheet
        return ""
    return str(v).strip()


def _rows_from_bytes(data: bytes, filename: str) -> list[list[str]]:
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")):
        import openpyxl

        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:    # not a real workbook (renamed file, encrypted …)
            raise RosterError([f"无法读取 Excel 文件:{type(exc).__name__}。请另存为 .xlsx 或 CSV 后重试。"]) from None
        ws = wb.worksheets[0]
        rows = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
        return rows
    if name.endswith(".xls"):
        raise RosterError(["不支持旧版 .xls 文件,请在 Excel 中另存为 .xlsx 或 CSV。"])
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(["无法识别 CSV 的文字编码,请另存为 UTF-8 编码的 CSV。"])
    return [[_cell(v) for v in row] for row in csv.reader(io.StringIO(text))]


def valid_types() -> list[str]:
    from pipeline.extract.attribution_base import unit_config

    return [*unit_config()["types"], "其他"]


def parse_rows(rows: list[list[str]]) -> list[Entry]:
    """Header row + data rows -> entries, or RosterError listing every problem (row numbers
    as a spreadsheet shows them)."""
    rows = [r for r in rows if any(c for c in r)]
    if not rows:
        raise RosterError(["名单是空的:第一行应为表头(单位、类型、地区、别名),其后每行一个单位。"])
    header = [HEADERS.get(re.sub(r"\s+", "", h).lower()) for h in rows[0]]
    if "name" not in header:
        raise RosterError([f"表头中没有“单位”列(可写 单位/名称/name)。读到的表头:{'、'.join(rows[0]) or '(空)'}"])
    if len(rows) - 1 > MAX_ROWS:
        raise RosterError([f"名单超过 {MAX_ROWS} 行,请拆分后导入。"])
    types = valid_types()
    problems: list[str] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        vals: dict[str, str] = {}
        for key, v in zip(header, row):
            if key and v and key not in vals:
                vals[key] = v
        name = normalize_name(vals.get("name", ""))
        if not name:
            problems.append(f"第 {n} 行:单位名称为空。")
            continue
        if len(name) > 60:
            problems.append(f"第 {n} 行:单位名称过长({len(name)} 字)。")
            continue
        utype = vals.get("unit_type") or None
        if utype and utype not in types:
            problems.append(f"第 {n} 行:类型“{utype}”不在可选类型中({'、'.join(types)})。")
            continue
        aliases = [normalize_name(a) for a in ALIAS_SEP.split(vals.get("aliases", ""))]
        aliases = [a for a in dict.fromkeys(aliases) if a and a != name]
        entries.append(Entry(name, utype, vals.get("region") or None, aliases))
    for e in entries:                   # a name or alias may stand for one unit only
        for key in (e.name, *e.aliases):
            if key in seen and seen[key] != id(e):
                problems.append(f"“{key}”在名单中出现了两次(作为单位名称或别名),请只保留一处。")
            seen.setdefault(key, id(e))
    if problems:
        raise RosterError(list(dict.fromkeys(problems)))
    if not entries:
        raise RosterError(["名单中没有任何单位。"])
    for e in entries:
        if not e.unit_type:
            from pipeline.extract.units import unit_type_of

            e.unit_type = unit_type_of(e.name)
    return entries


def parse_roster(data: bytes, filename: str) -> list[Entry]:
    return parse_rows(_rows_from_bytes(data, filename))


def entries_from_frame(df) -> list[Entry]:
    """The browser editor's table (Chinese headers) -> entries, validated like a file."""
    cols = list(df.columns)
    rows = [cols] + [["" if v is None else (";".join(v) if isinstance(v, (list, tuple)) else _cell(v)) for v in r]
                     for r in df.itertuples(index=False)]
    return parse_rows(rows)


# ---------------------------------------------------------------- storing
def save_roster(entries: list[Entry], db=None) -> int:
    """Replace the roster (one transaction, through the writer; matches are refreshed by it)."""
    now = datetime.now()
    with store.writer(db, wait=30) as con, store.transaction(con):
        con.execute("DELETE FROM roster")
        if entries:
            con.executemany("INSERT INTO roster VALUES (?, ?, ?, ?, ?)",
                            [[e.name, e.unit_type, e.region, e.aliases, now] for e in entries])
    return len(entries)


def load_roster(con) -> list[Entry]:
    try:
        rows = con.execute("SELECT name, unit_type, region, aliases FROM roster ORDER BY name").fetchall()
    except Exception:      # a database from before the roster existed
        return []
    return [Entry(n, t, r, list(a or [])) for n, t, r, a in rows]


def roster_frame(db=None):
    """The roster as a table with Chinese headers (the editor and the CSV export)."""
    import pandas as pd

    con = store.read_connection(db)
    try:
        entries = load_roster(con)
    finally:
        con.close()
    cols = {"单位": [e.name for e in entries], "类型": [e.unit_type or "" for e in entries],
            "地区": [e.region or "" for e in entries], "别名": [";".join(e.aliases) for e in entries]}
    return pd.DataFrame({k: pd.Series(v, dtype="str") for k, v in cols.items()})   # text even when empty


def export_roster(db, out) -> int:
    df = roster_frame(db)
    df.to_csv(out, index=False, encoding="utf-8-sig")
    return len(df)


# ---------------------------------------------------------------- matching
_COMPILED: list = [None, None]      # [the loaded rules dict, its compiled form]


def _rules() -> dict:
    """The matching rules with their regexes built, again whenever `rules.load` gives a new
    version of the file."""
    raw = rules.load("roster_match.toml")
    if _COMPILED[0] is not raw:
        _COMPILED[:] = [raw, _compile(dict(raw))]
    return _COMPILED[1]


def _compile(r: dict) -> dict:
    sfx = "|".join(sorted(map(re.escape, r["region_suffixes"]), key=len, reverse=True))
    r["_region_re"] = re.compile(rf"^[\u4e00-\u9fff]{{1,{int(r['max_region_chars'])}}}?(?:{sfx})")
    r["_party_re"] = re.compile("(?:" + "|".join(map(re.escape, r["party_suffixes"])) + ")$")
    r["_prefix_re"] = re.compile("^(?:" + "|".join(map(re.escape, r.get("party_prefixes", []))) + ")")
    return r


_FOLD = re.compile(r"[\s()()【】\[\]「」“”\"'·•]")


def normalize_name(s: str) -> str:
    """Spaces, brackets and quotes folded: 「某县 (宣传部)」 -> 某县宣传部."""
    return _FOLD.sub("", s or "")


def variants(name: str, regions: tuple[str, ...] = ()) -> set[str]:
    """The name without a region prefix and/or a party-organ suffix (2+ characters left)."""
    r = _rules()
    out: set[str] = set()
    headless = r["_prefix_re"].sub("", name) if r.get("party_prefixes") else name
    for base in {name, headless, r["_party_re"].sub("", name), r["_party_re"].sub("", headless)}:
        if len(base) >= 2:
            out.add(base)
        cuts = [reg for reg in regions if reg and base.startswith(reg)]
        m = r["_region_re"].match(base)
        if m:
            cuts.append(m.group(0))
        for cut in cuts:
            rest = base[len(cut):]
            if rest.startswith("委") and len(rest) > 2:    # 临潼区委宣传部: the 委 belongs to the party committee
                out.add(rest[1:])
            if len(rest) >= 2:
                out.add(rest)
    out.discard(name)
    return out


class Matcher:
    """Look-ups built once per roster: exact names, aliases, variants (ambiguous keys dropped)."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.exact = {e.name: e.name for e in entries}
        self.alias = {a: e.name for e in entries for a in e.aliases}
        var: dict[str, set[str]] = {}
        for e in entries:
            for key in (e.name, *e.aliases):
                keys = variants(key, (e.region,) if e.region else ()) | {key}
                if e.region and not key.startswith(e.region):       # 市安监局 in 马鞍山市: 马鞍山市安监局
                    keys |= {e.region + key, e.region + key[1:]} if key[:1] in "省市县区州旗" else {e.region + key}
                for v in keys:
                    var.setdefault(v, set()).add(e.name)
        self.variant = {k: next(iter(v)) for k, v in var.items() if len(v) == 1}
        self.threshold = float(_rules()["fuzzy_threshold"])
        self.by_head: dict[str, list[tuple[str, str]]] = {}     # last character -> (key, roster name)
        for e in entries:
            for key in (e.name, *e.aliases):
                self.by_head.setdefault(key[-1:], []).append((key, e.name))

    def match(self, unit: str | None, region: str | None = None, fuzzy: bool = True
              ) -> tuple[str | None, str | None, float | None]:
        """(roster name, kind, score) for a report unit; (None, None, None) when nothing fits."""
        if not unit:
            return None, None, None
        u = normalize_name(unit)
        if u in self.exact:
            return self.exact[u], "exact", 1.0
        if u in self.alias:
            return self.alias[u], "alias", 1.0
        for v in sorted(variants(u, (region,) if region else ()) | {u}, key=len, reverse=True):
            if v in self.variant:
                return self.variant[v], "variant", 1.0
        if not fuzzy:
            return None, None, None
        best, score, tie = None, 0.0, False
        sm = difflib.SequenceMatcher(None)
        sm.set_seq2(u)                        # the unit is the cached side; cheap bounds first
        for key, name in self.by_head.get(u[-1:], ()):
            sm.set_seq1(key)
            if sm.real_quick_ratio() < self.threshold or sm.quick_ratio() < self.threshold:
                continue
            s = sm.ratio()
            if s > score + 1e-9:
                best, score, tie = name, s, False
            elif abs(s - score) <= 1e-9 and best != name:
                tie = True
        if best and score >= self.threshold and not tie:
            return best, "fuzzy", round(score, 3)
        return None, None, None


def refresh_matches(con) -> int:
    """Recompute report_roster_match from the roster and each report's unit after
    corrections. A unit corrected to a roster name is kind `correction`; a corrected free
    text is matched without fuzziness (the supervisor typed it). Returns matched reports."""
    entries = load_roster(con)
    if not entries:
        if con.execute("SELECT count(*) FROM report_roster_match").fetchone()[0]:
            con.execute("DELETE FROM report_roster_match")
        return 0
    pairs = con.execute("""
        SELECT r.report_id, coalesce(c.value, r.unit) AS unit, r.region, c.value IS NOT NULL AS corrected
        FROM reports r LEFT JOIN corrections c
          ON c.target = 'report' AND c.field = 'unit' AND c.file_id = r.file_id AND c.report_index = r.report_index
        """).fetchall()
    m = Matcher(entries)
    memo: dict[tuple, tuple] = {}
    rows = []
    for rid, unit, region, corrected in pairs:
        key = (unit, region, corrected)
        if key not in memo:
            if corrected and unit in m.exact:
                memo[key] = (unit, "correction", 1.0)
            else:
                memo[key] = m.match(unit, region, fuzzy=not corrected)
        name, kind, score = memo[key]
        if name:
            rows.append((rid, name, kind, score))
    import pyarrow as pa

    tbl = pa.table({"report_id": [r[0] for r in rows], "roster_name": [r[1] for r in rows],
                    "kind": [r[2] for r in rows], "score": [float(r[3]) for r in rows]})
    with store.transaction(con):
        con.execute("DELETE FROM report_roster_match")
        if rows:
            con.register("_matches", tbl)
            con.execute("INSERT INTO report_roster_match SELECT * FROM _matches")
            con.unregister("_matches")
    return len(rows)


def import_file(path: str | Path, db=None) -> int:
    """CLI: parse and store a roster file."""
    p = Path(path)
    return save_roster(parse_roster(p.read_bytes(), p.name), db)


store.on_publish(refresh_matches, label="名册匹配")

# the summaries read the matches above and the restated metrics: their refresh registers after both
from pipeline.store import summaries  # noqa: E402,F401
from pipeline.store import check_evidence  # noqa: E402,F401  (the 考核 evidence sums refresh with every write)
