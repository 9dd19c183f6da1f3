"""考核的候选句: the sentences of each report that a check rule could match, stored at write time.

Why: the 考核 verdicts need every sentence matching a rule's cue. Splitting every report
into sentences in each query cost 0.83 s on 2,000 reports; the few sentences holding one of
the broad words of `pipeline/data/check_cues.toml` are stored instead (a derived table that
every writer keeps current, like the restated metrics), and the query filters them by each
rule's own pattern. A rule's threshold, points or even its cue can change without
re-reading the reports, as long as the cue is covered by the words (`covers`); when it is
not, the query splits the reports itself (`ready` says which path applies).

The sentences are split exactly as the query did before (`SPLIT_SQL`): the same
delimiters, offsets counted in characters of `text_simplified`, so verdicts and evidence
are the same either way.
"""
from __future__ import annotations

import hashlib
import re

from pathlib import Path

from pipeline import rules, settings, store

CUES_FILE = "check_cues.toml"
META_KEY = "check_sentences_cues"
TABLES = ("check_sentences", "check_clauses", "check_cue_keys", "check_cue_hits", "check_sentence_reports")
RULES_FILE = "check_rules.toml"
TABLE_VERSION = "3"          # part of the fingerprint: a change in what the tables hold recomputes them

# ---------------------------------------------------------------- 考核候选句 tables (this module)
# check_sentences         one row per candidate sentence: report, position (its index among the
#                         report's sentences and its first character), the sentence as split
#                         (untrimmed), the cue words found in it, and the kind of the section
#                         it opens in (存在问题, 下一步 …: a sentence there is not evidence of work done)
# check_clauses           one row per stored metric whose clause holds a cue word: the clause in
#                         simplified characters (as the query cut it from the report text) and the words
# check_cue_keys          the rule cues (cue and cue_not: `cue_key`) whose matches are stored below
#                         for every stored report: the rules in force at write time
# check_cue_hits          (report, 'sentence' or 'clause', position: the sentence's first character
#                         or the metric's index, cue key): the rule cue matched - the query joins
#                         these instead of running the regexes; another cue is matched at query time
# check_sentence_reports  the reports done, with the extraction version they were split from
#                         (a re-extracted report is split again)
SCHEMA = """
CREATE TABLE IF NOT EXISTS check_sentences (
    report_id VARCHAR, sentence_index INTEGER, char_start BIGINT, s VARCHAR, cues VARCHAR[], section_kind VARCHAR);
CREATE TABLE IF NOT EXISTS check_clauses (report_id VARCHAR, metric_index INTEGER, clause VARCHAR, cues VARCHAR[]);
CREATE TABLE IF NOT EXISTS check_cue_keys (key VARCHAR PRIMARY KEY, cue VARCHAR, cue_not VARCHAR);
CREATE TABLE IF NOT EXISTS check_cue_hits (report_id VARCHAR, kind VARCHAR, pos BIGINT, key VARCHAR);
CREATE TABLE IF NOT EXISTS check_sentence_reports (report_id VARCHAR PRIMARY KEY, pipeline_version VARCHAR);
"""
# ---------------------------------------------------------------- end of 考核候选句 tables

# `{src}` yields (report_id, txt); `?` is the cue regex (twice). Shared with the query's
# fallback path in checks.py, so both split the same way.
SPLIT_SQL = """
    parts AS (SELECT report_id, string_split_regex(txt, '[。！？；!?;\\n]') AS p FROM {src}
              WHERE txt IS NOT NULL AND regexp_matches(txt, ?)),
    sent0 AS (SELECT report_id, unnest(p) AS s, unnest(range(len(p))) AS i FROM parts),
    sent1 AS (SELECT report_id, s, i,
                     (sum(length(s) + 1) OVER (PARTITION BY report_id ORDER BY i) - length(s) - 1)::BIGINT AS a
              FROM sent0)"""
# `{src}` yields (report_id, s, a, ...): adds the kind of the innermost section the sentence starts in
SECTION_SQL = """{out} AS {materialized}(
        SELECT x.*, sec.kind AS section_kind
        FROM {src} x LEFT JOIN sections sec
             ON sec.report_id = x.report_id AND x.a >= sec.char_start AND x.a < sec.char_end
        WHERE regexp_matches(x.s, ?)
        QUALIFY row_number() OVER (PARTITION BY x.report_id, x.a ORDER BY sec.char_start DESC NULLS LAST) = 1)"""


def keywords() -> list[str]:
    """The broad cue words (check_cues.toml), longest first."""
    return sorted(set(rules.load(CUES_FILE)["keywords"]), key=lambda k: (-len(k), k))


def keywords_regex(words: list[str] | None = None) -> str:
    return "|".join(re.escape(w) for w in (words if words is not None else keywords()))


def fingerprint(words: list[str] | None = None) -> str:
    words = sorted(words if words is not None else keywords())
    return hashlib.sha1("\n".join([TABLE_VERSION, *words]).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- does a cue need more than the table?
def covers(cue: str, words: list[str] | None = None) -> bool:
    """Whether every text `cue` matches contains one of `words` literally - then every
    sentence the cue can match is in the table. Conservative: a pattern it cannot read
    (or one with a branch free of the words) is not covered.

    >>> covers("专题研究|专门研究|专题(安排)?部署", ["专题", "专门研究"]), covers("研究", ["专题"])
    (True, False)
    >>> covers("(民主生活会|组织生活会).{0,30}意识形态", ["生活会"]), covers("(民主)?生活", ["民主"])
    (True, False)
    """
    words = keywords() if words is None else words
    try:
        import re._parser as sre_parse          # Python 3.11+
    except ImportError:                         # pragma: no cover
        import sre_parse                        # type: ignore[no-redef]
    try:
        tree = sre_parse.parse(cue)
    except Exception:
        return False
    return bool(cue) and _covered(tree, words, sre_parse)


def _covered(seq, words, sp, run: str = "") -> bool:
    """A sequence is covered when one of its required pieces is: a run of literal characters
    holding a word, a group or a repeat (at least once) covered, a branch covered in every arm.
    `run` is the literal text just before the sequence (Python's parser moves a prefix common
    to every arm out of a branch: 专题研究|专门研究 is 专 + (题研究|门研究))."""
    for op, av in seq:
        if op is sp.LITERAL:
            run += chr(av)
            continue
        if any(w in run for w in words):
            return True
        if op is sp.SUBPATTERN and _covered(av[-1], words, sp, run):
            return True
        if op is sp.BRANCH and av[1] and all(_covered(b, words, sp, run) for b in av[1]):
            return True
        if op in (sp.MAX_REPEAT, sp.MIN_REPEAT) and av[0] >= 1 and _covered(av[2], words, sp, run):
            return True
        run = ""
    return any(w in run for w in words)


def rule_words(cue: str, words: list[str] | None = None) -> list[str]:
    """The cue words written in `cue`: a sentence the cue matches holds one of them (when
    `covers(cue, rule_words(cue))`), so a rule looks only at sentences listing one."""
    return [w for w in (keywords() if words is None else words) if w in cue]


# ---------------------------------------------------------------- write time
def create_tables(con) -> None:
    con.execute(SCHEMA)


def refresh(con) -> int:
    """Bring the table up to date after a write: rows of gone or re-extracted reports go,
    new reports are split; a new word list recomputes everything. Returns the rows added.
    An installation whose rules folder lacks the word list keeps the table as it is (the
    考核 query then splits the reports itself): an ingest never fails for want of it."""
    try:
        words = keywords()
    except (rules.RulesError, OSError):
        return 0
    fp, rx = fingerprint(words), keywords_regex(words)
    with store.transaction(con):
        old = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
        if not old or old[0] != fp:
            for t in TABLES:
                con.execute(f"DELETE FROM {t}")
            con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [META_KEY, fp])
        stale = """SELECT c.report_id FROM check_sentence_reports c
                   LEFT JOIN reports r USING (report_id) LEFT JOIN files f ON f.file_id = r.file_id
                   WHERE r.report_id IS NULL OR f.pipeline_version IS DISTINCT FROM c.pipeline_version"""
        con.execute(f"CREATE OR REPLACE TEMP TABLE _cs_stale AS {stale}")
        con.execute("DELETE FROM check_sentences WHERE report_id IN (SELECT report_id FROM _cs_stale)")
        con.execute("DELETE FROM check_clauses WHERE report_id IN (SELECT report_id FROM _cs_stale)")
        con.execute("DELETE FROM check_cue_hits WHERE report_id IN (SELECT report_id FROM _cs_stale)")
        con.execute("DELETE FROM check_sentence_reports WHERE report_id IN (SELECT report_id FROM _cs_stale)")
        con.execute("""CREATE OR REPLACE TEMP TABLE _cs_new AS
                       SELECT r.report_id, r.text_simplified AS txt, f.pipeline_version
                       FROM reports r LEFT JOIN files f USING (file_id)
                       WHERE r.report_id NOT IN (SELECT report_id FROM check_sentence_reports)""")
        n0 = con.execute("SELECT count(*) FROM check_sentences").fetchone()[0]
        con.execute(f"""INSERT INTO check_sentences
            WITH {SPLIT_SQL.format(src='_cs_new')}, {SECTION_SQL.format(src='sent1', out='sent', materialized='')}
            SELECT report_id, i, a, s, list_filter(?::VARCHAR[], lambda w: contains(s, w)), section_kind FROM sent""",
                    [rx, rx, words])
        con.execute("""INSERT INTO check_clauses
            SELECT report_id, metric_index, clause, list_filter(?::VARCHAR[], lambda w: contains(clause, w)) FROM (
                SELECT m.report_id, m.metric_index,
                       coalesce(substr(n.txt, m.char_start + 1, m.char_end - m.char_start), m.text, '') AS clause
                FROM metrics m JOIN _cs_new n USING (report_id))
            WHERE regexp_matches(clause, ?)""", [words, rx])
        # the rule cues: known ones matched on the new reports, new ones on every report
        known = {k for (k,) in con.execute("SELECT key FROM check_cue_keys").fetchall()}
        for cue, cue_not in rule_cues():
            key = cue_key(cue, cue_not)
            src = "(SELECT report_id FROM _cs_new)" if key in known else "(SELECT report_id FROM reports)"
            _match(con, key, cue, cue_not, src, words)
            if key not in known:
                con.execute("INSERT INTO check_cue_keys VALUES (?, ?, ?)", [key, cue, cue_not])
                known.add(key)
        con.execute("INSERT INTO check_sentence_reports SELECT report_id, pipeline_version FROM _cs_new")
        con.execute("DROP TABLE _cs_new")
        con.execute("DROP TABLE _cs_stale")
    return con.execute("SELECT count(*) FROM check_sentences").fetchone()[0] - n0


def _match(con, key: str, cue: str, cue_not: str, reports_sql: str, words: list[str]) -> None:
    """Store where `cue` (and not `cue_not`) matches, in the sentences and clauses of `reports_sql`."""
    w = rule_words(cue, words)
    not_ = " AND NOT regexp_matches({col}, ?)" if cue_not else ""
    extra = [cue_not] if cue_not else []
    for kind, table, pos, col in (("sentence", "check_sentences", "char_start", "s"),
                                  ("clause", "check_clauses", "metric_index", "clause")):
        con.execute(f"""INSERT INTO check_cue_hits
            SELECT report_id, '{kind}', {pos}, ? FROM {table}
            WHERE report_id IN {reports_sql}
              AND CASE WHEN list_has_any(cues, ?::VARCHAR[]) THEN regexp_matches({col}, ?){not_.format(col=col)}
                       ELSE FALSE END""", [key, w, cue, *extra])


def cue_key(cue: str, cue_not: str = "") -> str:
    return hashlib.sha1(f"{cue}\x00{cue_not or ''}".encode()).hexdigest()[:16]


def user_rules_path() -> Path:
    """Where this installation's edited copy of the 考核 rules lives (`ZONGJIE_CHECK_RULES`,
    else data/check_rules.toml)."""
    return Path(settings.get("ZONGJIE_CHECK_RULES") or Path("data") / RULES_FILE)


def rule_cues() -> list[tuple[str, str]]:
    """(cue, cue_not) of the shipped rules and of the user copy: the cues worth storing
    matches for. A file that does not parse gives none (the 考核 page reports it)."""
    out: dict[tuple[str, str], None] = {}
    for path in (rules.rules_dir() / RULES_FILE, user_rules_path()):
        if not path.is_file():
            continue
        try:
            data = rules.parse(path, RULES_FILE)
        except Exception:
            continue
        for r in data.get("rule", []):
            out[(r["cue"], r.get("cue_not", "") or "")] = None
    return list(out)


def stored_keys(con) -> set[str]:
    """The cue keys whose matches are stored for every report (see `ready` first)."""
    try:
        return {k for (k,) in con.execute("SELECT key FROM check_cue_keys").fetchall()}
    except Exception:
        return set()


store.on_schema(create_tables)
store.on_publish(refresh, label="考核候选句")


# ---------------------------------------------------------------- read time
def ready(con, cues: list[str]) -> bool:
    """Whether the stored sentences can answer rules with these cues: the table is there,
    split with today's words, for every stored report, and every cue is covered."""
    try:
        words = keywords()
    except (rules.RulesError, OSError):
        return False
    if not all(covers(c, rule_words(c, words)) for c in cues):
        return False
    try:
        return bool(con.execute(
            """SELECT coalesce((SELECT value FROM meta WHERE key = ?), '') = ?
                      AND NOT EXISTS (SELECT 1 FROM reports r
                                      WHERE r.report_id NOT IN (SELECT report_id FROM check_sentence_reports))""",
            [META_KEY, fingerprint(words)]).fetchone()[0])
    except Exception:        # a database written before this table existed
        return False
