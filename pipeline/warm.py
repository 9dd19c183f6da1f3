"""Imported once by the ingest's fork server (`ingest._pool`): runs the per-file chain on a
tiny report so dictionaries and regex caches are loaded before any worker is forked.
Every worker then starts warm, and its first file's time limit counts only that file."""
from __future__ import annotations

try:
    from pipeline.extract.process import process_bytes

    process_bytes("示例县2021年意识形态工作总结\n今年以来,示例县开展专题学习3次,覆盖干部120人次。\n"
                  "存在问题:学习不够深入。\n下一步:加强学习。\n".encode("utf-8"), "warm.txt")
    from pipeline.text import compiled

    compiled.warm()             # 查重's compiled loop (numba): loaded once, inherited by every worker
    from pipeline import limits

    limits.mark_warm()          # what these caches were loaded under (`limits.adopt`)
except Exception:  # warming is an optimisation; a failure here must not stop an ingest
    pass
