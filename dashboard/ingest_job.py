"""Run an ingest for the 数据导入 page outside the server process.

The page used to call `ingest_paths` inside Streamlit: one hostile upload (a .docx that
unpacks to gigabytes) then took the whole server's memory. Now the page starts the CLI
(`python -m pipeline ingest ... --json FILE`) as a child process - whose workers run
each file under the limits in pipeline/limits.py - and follows its progress lines. The
server only ever holds the summary.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

from pipeline.ingest import Summary

ROOT = Path(__file__).resolve().parent.parent


class IngestFailed(RuntimeError):
    """The ingest did not finish; the message (Chinese) says why."""


def run_ingest(paths: list[Path], db: str | Path, manifest: str | Path | None = None,
               progress: Callable[[int, int, str], None] | None = None, template: bool = False) -> Summary:
    """Ingest `paths` into `db` in a child process; `progress(done, total, name)` as it goes
    (nothing comes while another ingest holds the lock). Raises IngestFailed."""
    with tempfile.TemporaryDirectory(prefix="zongjie-ingest-") as tmp:
        lines = Path(tmp) / "progress.jsonl"
        errors = Path(tmp) / "stderr.txt"
        cmd = [sys.executable, "-m", "pipeline", "ingest", *map(str, paths), "--db", str(db), "--json", str(lines)]
        if manifest:
            cmd += ["--manifest", str(manifest)]
        if template:
            cmd.append("--template")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        with open(errors, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=err)
        summary, error, seen = None, None, 0

        def follow() -> None:
            nonlocal summary, error, seen
            try:
                with open(lines, encoding="utf-8") as fh:
                    fh.seek(seen)
                    while True:
                        line = fh.readline()
                        if not line.endswith("\n"):
                            break
                        seen = fh.tell()
                        msg = json.loads(line)
                        if "summary" in msg:
                            s = msg["summary"]
                            summary = Summary(ingested=s["ingested"], unchanged=s["unchanged"],
                                              rejected=[tuple(r) for r in s["rejected"]], reports=s["reports"],
                                              notes=s["notes"], copy_seconds=s.get("copy_seconds", 0.0),
                                              copy_stats=s.get("copy_stats", {}))
                        elif "error" in msg:
                            error = msg["error"]
                        elif progress:
                            progress(msg["done"], msg["total"], msg["name"])
            except FileNotFoundError:
                pass

        try:
            while proc.poll() is None:
                follow()
                time.sleep(0.2)
        except BaseException:            # the page run was stopped: do not leave the ingest orphaned
            proc.terminate()
            raise
        follow()
        if error:
            raise IngestFailed(error)
        if summary is None:
            tail = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or [""]
            raise IngestFailed(f"导入进程意外结束(退出码 {proc.returncode}){':' + tail[0][:200] if tail[0] else ''};"
                               f"已上传的文件仍保存在服务器上,可稍后重新导入。")
        return summary
