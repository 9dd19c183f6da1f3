"""A generated hostile corpus (issue 16), ingested with the default worker pool in bounded
time: encoding mixtures, nested archives, oversize and malformed office files, odd names,
links and special files, between valid reports. No traceback, no hang, every valid report
stored, every other file accounted for with a reason, and a rerun changes nothing."""
from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def report(unit: str, k: int, traditional: bool = False) -> str:
    if traditional:
        return (f"{unit}2021年意識形態工作總結\n今年以來,{unit}認真落實意識形態工作責任制,開展專題學習{k + 2}次,"
                f"覆蓋幹部{k + 1}0人次。\n二、存在的問題\n一是學習不夠深入。\n編號{k}。\n")
    return (f"{unit}2021年意识形态工作总结\n今年以来,{unit}认真落实意识形态工作责任制,开展专题学习{k + 2}次,"
            f"覆盖干部{k + 1}0人次。\n二、存在的问题\n一是学习不够深入。\n编号{k}。\n")


def docx_bytes(xml: bytes | None, extra: dict | None = None, level=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", level) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if xml is not None:
            z.writestr("word/document.xml", xml)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def body(text: str) -> bytes:
    paras = "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in text.splitlines())
    return f'<?xml version="1.0"?><w:document xmlns:w="{NS}"><w:body>{paras}</w:body></w:document>'.encode()


def make_corpus(root: Path) -> tuple[dict[str, int], list[str]]:
    """Returns {valid file name: reports} and the names of the hostile entries."""
    rnd = random.Random(16)
    root.mkdir(parents=True)
    valid: dict[str, int] = {}
    k = 0

    def good(name: str, data: bytes) -> None:
        (root / name).write_bytes(data)
        valid[name] = 1

    # valid reports in many encodings and forms
    for enc in ("utf-8", "utf-8-sig", "gbk", "gb18030", "big5", "utf-16"):
        k += 1
        unit = "臺北市文化局" if enc == "big5" else f"第{k}县宣传部"
        good(f"v{k:02d}_{enc}.txt", report(unit, k, enc == "big5").encode(enc))
    k += 1
    good(f"v{k:02d}.docx", docx_bytes(body(report("城南街道", k))))
    k += 1
    good(f"v{k:02d}.html", f"<html><body><p>{report('河东区教育局', k)}</p></body></html>".encode())
    k += 1
    good("v-name with spaces & (括号).txt", report("西城镇", k).encode())
    k += 1
    good("-leading-dash.txt", report("北山乡", k).encode())
    k += 1
    good("emoji📄报告.txt", report("南湖社区", k).encode())
    k += 1
    good("x" * 200 + ".txt", report("长名字局", k).encode())
    k += 1
    good("rtl\u202etxt.md", report("东湖街道", k).encode())
    k += 1
    good("new\nline.txt", report("换行局", k).encode())
    k += 1
    with open(os.path.join(os.fsencode(root), "有效报告".encode("gbk") + b".txt"), "wb") as fh:
        fh.write(report("国标局", k).encode())
    valid[None] = 1                     # (counted by report, not by name)

    hostile: list[str] = []

    def bad(name: str, data: bytes) -> None:
        (root / name).write_bytes(data)
        hostile.append(name)

    # encoding mixtures and binary noise
    bad("mixed.txt", report("混合局", 90).encode("gbk") + "第二段UTF-8文字,不应该让整批失败。\n".encode() * 3)
    bad("noise.txt", bytes(rnd.randrange(256) for _ in range(4000)))
    bad("latin1.txt", "Caf\xe9 r\xe9sum\xe9 na\xefve ".encode("latin-1") * 50)
    bad("nul.txt", b"\x00" * 100 + "总结".encode())
    bad("empty.txt", b"")
    bad("png.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    # archives and nesting
    inner = docx_bytes(body(report("内层局", 91)))
    bad("nested.zip", docx_bytes(None, {"a.docx": inner, "b.zip": docx_bytes(None, {"c.txt": b"x"})}))
    bad("zip-in-docx.docx", docx_bytes(None, {"word/inner.zip": inner}))
    # oversize and malformed office files
    bad("bomb.docx", docx_bytes(body("炸弹") [:-len(b"</w:body></w:document>")] + b"<w:p/>" * 3_000_000
                                + b"</w:body></w:document>"))
    bad("truncated.docx", docx_bytes(body(report("截断局", 92)))[:300])
    bad("bad-xml.docx", docx_bytes(b"<w:document><w:body><w:p>unclosed"))
    bad("laughs.docx", docx_bytes(b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                                  + b"".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode()
                                             for i in range(8))
                                  + f'<w:document xmlns:w="{NS}"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p>'
                                    f"</w:body></w:document>".encode()))
    bad("ole.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    bad("fake.pdf", b"%PDF-1.4\n" + bytes(rnd.randrange(256) for _ in range(3000)))
    bad("truncated.pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    bad("long-line.txt", ("很长的一行" * 400_000).encode())         # 2 M characters, no line breaks
    bad("program.exe", b"MZ" + b"\x00" * 200)
    (root / "..txt").write_bytes(b"dots")                         # hidden: passed over silently, by design
    # links and special files
    outside = root.parent / "outside-secret.txt"
    outside.write_text("外部机密" * 50, encoding="utf-8")
    for name, target in (("link-out.txt", outside), ("link-etc.txt", Path("/etc/passwd")),
                         ("dangling.txt", root / "nope.txt")):
        (root / name).symlink_to(target)
        hostile.append(name)
    (root / "loop-a.txt").symlink_to(root / "loop-b.txt")
    (root / "loop-b.txt").symlink_to(root / "loop-a.txt")
    hostile += ["loop-a.txt", "loop-b.txt"]
    (root / "dirlink").symlink_to(root.parent, target_is_directory=True)
    os.mkfifo(root / "fifo.txt")
    hostile.append("fifo.txt")
    return valid, hostile


def test_hostile_corpus(tmp_path):
    root = tmp_path / "hostile"
    valid, hostile = make_corpus(root)
    db = tmp_path / "h.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ZONGJIE_MAX_FILE_CHARS": "1000000", "ZONGJIE_MAX_UNPACKED_MB": "8",
           "ZONGJIE_FILE_TIMEOUT": "60"}
    t0 = time.monotonic()
    out = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(root), "--db", str(db)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    took = time.monotonic() - t0
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stdout + out.stderr
    con = duckdb.connect(str(db), read_only=True)
    sources = [s for (s,) in con.execute("SELECT source FROM reports").fetchall()]
    rejects = dict(con.execute("SELECT path, reason FROM rejects").fetchall())
    leaked = con.execute("SELECT count(*) FROM reports WHERE text LIKE '%外部机密%' OR text LIKE '%root:%'").fetchone()[0]
    con.close()
    names = {Path(s).name for s in sources}
    for name in valid:
        if name is not None:
            assert name in names, (name, sorted(rejects.items()))
    assert any(n.startswith("有效报告") for n in names)          # the GBK-named file, shown readably
    assert leaked == 0
    rejected = {Path(p).name for p in rejects}
    for name in hostile:                                        # each one stored or rejected, never lost
        assert name in rejected or name in names, name
    for name in ("link-out.txt", "link-etc.txt", "fifo.txt", "bomb.docx", "long-line.txt", "noise.txt", "empty.txt"):
        assert name in rejected, (name, sorted(rejected))
    assert all(r and "Traceback" not in r for r in rejects.values())
    assert took < 240
    again = subprocess.run([sys.executable, "-m", "pipeline", "ingest", str(root), "--db", str(db)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "导入 0 个文件" in again.stdout, again.stdout[-1500:]
