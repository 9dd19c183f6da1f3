"""考核 evidence: the rules in force, the SQL that finds each rule's evidence, and its sums
per report, kept at write time.

Why in the store and not beside the 考核 queries (pipeline/queries/checks.py): a writer keeps
the sums current before it publishes (`refresh`, a publish hook, like the candidate sentences
of `check_sentences`), so the SQL that finds the evidence must be reachable from here. The
queries call the same `evidence_sql`, so verdicts from the sums and from the live query agree
by construction (tests/test_checks.py compares them).

check_evidence_sums  one row per (report, rule) with any evidence, for the rules in force at
                     the last write: the metric values summed, the mention sentences and all
                     pieces of evidence counted. Verdicts over many unit-years sum these rows
                     instead of finding every piece of evidence again (100,000 reports, ten
                     years: 500 -> see BENCHMARKS.md). `meta['check_evidence_sums']` records for
                     which rules and which inputs (`inputs_token`); a query uses the sums only
                     when both still hold, else it finds the evidence itself.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline import rules, store
from pipeline.store import check_sentences, effective

RULES_FILE = check_sentences.RULES_FILE
META_KEY = "check_evidence_sums"
SCHEMA = """CREATE TABLE IF NOT EXISTS check_evidence_sums (
    report_id VARCHAR, rule_id VARCHAR, metric_value DOUBLE, n_mentions BIGINT, n_evidence BIGINT);"""


# ---------------------------------------------------------------- the rules in force
def user_path() -> Path:
    """Where this installation's edited copy lives (`ZONGJIE_CHECK_RULES`, else data/check_rules.toml)."""
    return check_sentences.user_rules_path()


def rules_path() -> Path:
    """The rules in force: the user copy when it exists, else the shipped file."""
    p = user_path()
    return p if p.is_file() else rules.rules_dir() / RULES_FILE


def load_rules(path: str | Path | None = None) -> dict:
    """The rules file parsed, checked against its schema (`rules.SCHEMAS`) and for
    duplicate ids; defaults filled in. Raises `rules.RulesError` (Chinese message)."""
    path = Path(path) if path else rules_path()
    data = rules.parse(path, RULES_FILE)
    return normalise(data, path.name)


def normalise(data: dict, file: str = RULES_FILE) -> dict:
    out = {"full_score": float(data.get("full_score", 100)),
           "deduct_unmentioned": bool(data.get("deduct_unmentioned", True)),
           "skip_sections": list(data.get("skip_sections", ["存在问题", "下一步"])),
           "problem_sections": list(data.get("problem_sections", ["存在问题"])), "rule": []}
    seen = set()
    for r in data["rule"]:
        if r["id"] in seen:
            raise rules.RulesError(file, f"规则编号 {r['id']} 重复", key="rule.id")
        seen.add(r["id"])
        out["rule"].append({"id": r["id"], "name": r["name"], "kind": r["kind"],
                            "categories": list(r.get("categories", [])), "measures": list(r.get("measures", [])),
                            "cue": r["cue"], "cue_not": r.get("cue_not", ""), "op": r["op"],
                            "threshold": float(r["threshold"]), "period": r["period"],
                            "applies_to": list(r.get("applies_to", [])), "points": float(r["points"]),
                            "source": r.get("source", "")})
    return out



# ---------------------------------------------------------------- the evidence
def rules_sql(data: dict) -> tuple[str, list]:
    """The rules as a VALUES table (every value a parameter)."""
    rows, params = [], []
    for i, r in enumerate(data["rule"]):
        rows.append("(?::INTEGER, ?, ?, ?, ?::VARCHAR[], ?::VARCHAR[], ?, ?, ?::DOUBLE, ?, ?::VARCHAR[], ?::DOUBLE)")
        params += [i, r["id"], r["name"], r["kind"], r["categories"], r["measures"], r["cue"], r["cue_not"] or "",
                   r["threshold"], r["period"], r["applies_to"], r["points"]]
    cols = "ord, rule_id, rule, kind, categories, measures, cue, cue_not, threshold, period, applies_to, points"
    return f"SELECT * FROM (VALUES {', '.join(rows)}) t({cols})", params


def units_sql(data: dict, cond: str, fparams: list, by: str, txt_sql: str = "NULL::VARCHAR AS txt",
              judged_only: bool = True) -> tuple[str, list]:
    """CTEs `rules`, `rep` (the reports judged) and `grp` (the unit-years, or reports, to judge)
    and their parameters. A unit-year is judged on its full-year reports when it has any, else
    on its other reports (half-year, quarter). `judged_only=False`: every report, also those
    without a unit or year (the sums: a correction or a roster may give them one later)."""
    judged = " AND coalesce(r.is_report, TRUE) AND r.unit IS NOT NULL AND r.year IS NOT NULL" if judged_only else ""
    if by == "unit":
        chosen, key = "WHERE period = 'full_year' OR NOT has_full", "unit, year"
    elif by == "report":
        chosen, key = "", "report_id"
    else:
        raise ValueError(f"by must be 'unit' or 'report', not {by!r}")
    rsql, rparams = rules_sql(data)
    return f"""rules AS ({rsql}),
    rep0 AS (
        SELECT r.report_id, r.unit, r.unit_type, r.year, coalesce(r.period, 'full_year') AS period,
               {txt_sql}
        FROM reports_eff r          -- the supervisor's corrections and the roster applied (effective.py)
        WHERE {cond}{judged}),
    rep1 AS (SELECT *, bool_or(period = 'full_year') OVER (PARTITION BY unit, year) AS has_full FROM rep0),
    rep AS (SELECT * FROM rep1 {chosen}),
    grp AS (
        SELECT {key}, any_value(unit) AS unit_, any_value(year) AS year_, mode(unit_type) AS unit_type,
               bool_or(period = 'full_year') AS full_year, list(report_id ORDER BY report_id) AS report_ids
        FROM rep GROUP BY {key})""", [*rparams, *fparams]


def evidence_sql(con, cond: str, fparams: list, few: list[str] | None, data: dict, by: str,
                 judged_only: bool = True) -> tuple[str, list]:
    """CTEs ending in `ev` (one row per piece of evidence), after `units_sql`'s.

    Each rule's regexes go in as `?` parameters of its own SELECT (UNION ALL over the rules):
    DuckDB compiles a bound pattern once, while a pattern read from a joined column is
    compiled again for every row (100 s instead of 1 s on 2,000 reports).

    `cond`, `fparams`: which reports (SQL over `reports_eff r`); `few`: their ids when they are
    few (bound into the scans of the metrics and sentences), else None."""
    narrow_m = " AND list_contains(?::VARCHAR[], m.report_id)" if few is not None else ""
    narrow_params = [few] if few is not None else []
    union = "|".join(f"(?:{r['cue']})" for r in data["rule"])
    # Write time stored the candidate sentences and clauses (check_sentences.py) and, for the cues
    # of the rules in force then, where each matches. When those tables can answer these rules
    # (`fast`), a rule whose cue was stored joins its matches (`known`); another one runs its regex
    # on the rows listing one of its words only. Otherwise the reports are split here.
    fast = check_sentences.ready(con, [r["cue"] for r in data["rule"]])
    words = check_sentences.keywords() if fast else []
    stored = check_sentences.stored_keys(con) if fast else set()
    known_rules = [(r["id"], k) for r in data["rule"] if (k := check_sentences.cue_key(r["cue"], r["cue_not"])) in stored]
    cached = {i for i, _ in known_rules}
    met_parts, met_params, hit_parts, hit_params, pairs = [], [], [], [], []
    if known_rules:
        met_parts.append("""
            SELECT m.report_id, ru.rule_id, 'metric' AS ev_kind, m.clause AS text, m.base_value AS value,
                   m.char_start, m.char_end
            FROM check_cue_hits h JOIN known k USING (key) JOIN rules ru USING (rule_id)
                 JOIN mcl m ON m.report_id = h.report_id AND m.metric_index = h.pos
            WHERE h.kind = 'clause' AND ru.kind = 'count'
              AND (len(ru.categories) = 0 OR list_contains(ru.categories, m.category))
              AND (len(ru.measures) = 0 OR list_contains(ru.measures, m.base_measure))""")
    for r in data["rule"]:
        if r["id"] in cached:
            continue
        not_m = " AND NOT regexp_matches(m.clause, ?)" if r["cue_not"] else ""
        not_s = " AND NOT regexp_matches(st.s, ?)" if r["cue_not"] else ""
        extra = [r["cue_not"]] if r["cue_not"] else []
        # CASE, not AND: DuckDB may run an AND's regex first; a CASE runs it only where the words are
        if fast:
            w = check_sentences.rule_words(r["cue"], words)
            pre_m, end, pre = "CASE WHEN list_has_any(m.cues, ?::VARCHAR[]) THEN ", " ELSE FALSE END", [w]
            pairs += [(r["id"], x) for x in w]
        else:
            pre_m = end = ""
            pre = []
        if r["kind"] == "count":
            met_parts.append(f"""
            SELECT m.report_id, ?::VARCHAR AS rule_id, 'metric' AS ev_kind, m.clause AS text,
                   m.base_value AS value, m.char_start, m.char_end
            FROM mcl m
            WHERE (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], m.category))
              AND (len(?::VARCHAR[]) = 0 OR list_contains(?::VARCHAR[], m.base_measure))
              AND {pre_m}regexp_matches(m.clause, ?){not_m}{end}""")
            met_params += [r["id"], r["categories"], r["categories"], r["measures"], r["measures"], *pre, r["cue"],
                           *extra]
        if fast:       # one CASE branch per rule over the (sentence, rule) pairs
            hit_parts.append(f"WHEN ? THEN regexp_matches(s, ?){not_s.replace('st.s', 's')}")
        else:
            hit_parts.append(f"""
            SELECT st.report_id, ?::VARCHAR AS rule_id, trim(st.s) AS text, st.a AS char_start,
                   st.a + length(st.s) AS char_end, st.section_kind
            FROM sent st WHERE regexp_matches(st.s, ?){not_s}""")
        hit_params += [r["id"], r["cue"], *extra]
    known_sql = ", ".join(["(?, ?)"] * len(known_rules)) or "(NULL, NULL)"
    known_params = [x for p in known_rules for x in p]
    if fast:
        # (read only by rules whose cue matches were not stored)
        sent_sql = """sent AS MATERIALIZED (SELECT c.report_id, c.s, c.char_start AS a, c.section_kind, c.cues
                                 FROM check_sentences c JOIN rep USING (report_id)""" + \
            (" WHERE list_contains(?::VARCHAR[], c.report_id))" if few is not None else ")")
        sent_params = narrow_params
        parts = []
        if known_rules:
            parts.append("""
            SELECT c.report_id, k.rule_id, trim(c.s) AS text, c.char_start, c.char_start + length(c.s) AS char_end,
                   c.section_kind
            FROM check_cue_hits h JOIN known k USING (key)
                 JOIN check_sentences c ON c.report_id = h.report_id AND c.char_start = h.pos
            WHERE h.kind = 'sentence' AND h.report_id IN (SELECT report_id FROM rep)""")
        if pairs:      # a sentence goes to the rules whose words it lists, once per rule, then to its regex
            parts.append(f"""
            SELECT report_id, rule_id, trim(s) AS text, a AS char_start, a + length(s) AS char_end, section_kind
            FROM (SELECT st.report_id, st.a, rw.rule_id, any_value(st.s) AS s, any_value(st.section_kind) AS section_kind
                  FROM (SELECT report_id, a, s, section_kind, unnest(cues) AS w FROM sent) st
                  JOIN (SELECT * FROM (VALUES {', '.join(['(?, ?)'] * len(pairs))}) t(rule_id, w)) rw USING (w)
                  GROUP BY st.report_id, st.a, rw.rule_id)
            WHERE CASE rule_id {' '.join(hit_parts)} ELSE FALSE END""")
            hit_params = [x for p in pairs for x in p] + hit_params
        hits_sql = f"""hits0 AS ({" UNION ALL ".join(parts)})"""
        clause_sql = """m.metric_index, c.clause, c.cues
        FROM metrics_eff m JOIN rep USING (report_id)       -- corrected categories, wrong ones dropped
             JOIN check_clauses c USING (report_id, metric_index)"""
        mcl_filter, mcl_params = "", []
    else:
        # a database written before those tables, or a cue the stored words do not cover: split here
        sent_sql = check_sentences.SPLIT_SQL.format(src="(SELECT report_id, txt FROM rep)") + """,
    -- the sentences holding any cue, computed once (each rule's SELECT below reads them)
    """ + check_sentences.SECTION_SQL.format(src="sent1", out="sent", materialized="MATERIALIZED ")
        sent_params = [union, union]
        hits_sql = f"""hits0 AS ({" UNION ALL ".join(hit_parts)})"""
        clause_sql = """m.metric_index,
               coalesce(substr(rep.txt, m.char_start + 1, m.char_end - m.char_start), m.text, '') AS clause
        FROM metrics_eff m JOIN rep USING (report_id)       -- corrected categories, wrong ones dropped"""
        # only clauses holding some rule's cue (one regex pass; each rule's SELECT reads these few)
        mcl_filter, mcl_params = " WHERE regexp_matches(clause, ?)", [union]
    # the report text is read only when the reports are split here (it is most of the bytes)
    txt_sql = "NULL::VARCHAR AS txt" if fast else "r.text_simplified AS txt"
    met_sql = " UNION ALL ".join(met_parts) or """
            SELECT report_id, NULL::VARCHAR, 'metric', clause, base_value, char_start, char_end FROM mcl WHERE FALSE"""
    units, uparams = units_sql(data, cond, fparams, by, txt_sql, judged_only)
    sql = f"""
    WITH {units},
    -- a metric's clause in simplified characters (its offsets index the report text exactly)
    mcl0 AS (
        SELECT m.report_id, m.category, m.base_measure, m.base_value, m.char_start, m.char_end, {clause_sql}
        WHERE NOT coalesce(m.placeholder, FALSE) AND m.base_value IS NOT NULL
          AND NOT coalesce(m.duplicate, FALSE)                 -- a figure restated later counts once
          AND NOT list_contains(?::VARCHAR[], coalesce(m.section_kind, '')){narrow_m}),
    mcl AS MATERIALIZED (SELECT * FROM mcl0{mcl_filter}),
    known AS (SELECT * FROM (VALUES {known_sql}) t(rule_id, key)),
    met AS MATERIALIZED ({met_sql}),
    {sent_sql},
    {hits_sql},
    hits AS MATERIALIZED (SELECT * FROM hits0),
    ev AS (
        SELECT * FROM met
        UNION ALL
        SELECT h.report_id, h.rule_id, 'mention', h.text, 1.0, h.char_start, h.char_end
        FROM hits h
        WHERE NOT list_contains(?::VARCHAR[], coalesce(h.section_kind, ''))
          AND NOT EXISTS (SELECT 1 FROM met WHERE met.report_id = h.report_id AND met.rule_id = h.rule_id
                          AND met.char_start >= h.char_start AND met.char_start < h.char_end)
        UNION ALL
        SELECT h.report_id, h.rule_id, 'problem', h.text, 0.0, h.char_start, h.char_end
        FROM hits h WHERE list_contains(?::VARCHAR[], coalesce(h.section_kind, '')))"""
    return sql, [*uparams, data["skip_sections"], *narrow_params, *mcl_params, *known_params, *met_params, *sent_params, *hit_params,
                 data["skip_sections"], data["problem_sections"]]




# ---------------------------------------------------------------- the sums per report, kept at write time
def evidence_key(data: dict) -> str:
    """What the evidence depends on in the rules: not thresholds, points, periods or who a
    rule applies to (those are applied when judging), so editing them keeps the sums."""
    part = {"skip": data["skip_sections"], "problem": data["problem_sections"],
            "rule": [[r["id"], r["kind"], r["categories"], r["measures"], r["cue"], r["cue_not"] or ""]
                     for r in data["rule"]]}
    return hashlib.sha1(json.dumps(part, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def inputs_token(con) -> str:
    """A cheap fingerprint of what the evidence is found in: the stored reports, the
    supervisor's corrections, the activity categories and the candidate-sentence words.
    Any write that changes one changes it (a correction saved where this module's hook
    was not loaded, too): the sums are then not used until the next write recomputes them."""
    rep = con.execute("SELECT count(*), bit_xor(hash(report_id)) FROM reports").fetchone()
    cor = con.execute("SELECT count(*), bit_xor(hash(c)) FROM corrections c").fetchone()
    cues = con.execute("SELECT value FROM meta WHERE key = ?", [check_sentences.META_KEY]).fetchone()
    return hashlib.sha1(json.dumps([list(rep), list(cor), cues[0] if cues else None,
                                    sorted(effective.activity_categories())]).encode()).hexdigest()[:16]


def create_tables(con) -> None:
    con.execute(SCHEMA)


def refresh(con) -> int:
    """Recompute the sums for the rules in force (all reports: a write is rare, a full
    recomputation simple and sure; 100,000 reports take about the time of one unfiltered
    verdict query). Rules that do not load leave no sums: the queries find the evidence."""
    with store.transaction(con):
        con.execute("DELETE FROM check_evidence_sums")
        con.execute("DELETE FROM meta WHERE key = ?", [META_KEY])
        try:
            data = load_rules()
        except (rules.RulesError, OSError):
            return 0
        if not data["rule"]:
            return 0
        sql, params = evidence_sql(con, "TRUE", [], None, data, "report", judged_only=False)
        con.execute(f"""INSERT INTO check_evidence_sums {sql}
            SELECT report_id, rule_id, sum(value) FILTER (WHERE ev_kind = 'metric'),
                   count(*) FILTER (WHERE ev_kind = 'mention'), count(*)
            FROM ev GROUP BY report_id, rule_id""", params)
        con.execute("INSERT INTO meta VALUES (?, ?)", [META_KEY, f"{evidence_key(data)}:{inputs_token(con)}"])
        return con.execute("SELECT count(*) FROM check_evidence_sums").fetchone()[0]


def sums_ready(con, data: dict) -> bool:
    """Whether the stored sums answer these rules on this data."""
    try:
        got = con.execute("SELECT value FROM meta WHERE key = ?", [META_KEY]).fetchone()
        return bool(got) and got[0] == f"{evidence_key(data)}:{inputs_token(con)}"
    except Exception:            # a database written before the table existed
        return False


store.on_schema(create_tables)
store.on_publish(refresh, label="考核证据汇总")
