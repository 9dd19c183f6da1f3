"""Uploaded files -> files on disk the pipeline can ingest, safely.

  * Files are written only inside a fresh batch folder `data/uploads/<time>-<random>/`
    under generated names `<nnn>_<cleaned stem>.<ext>`; the uploaded name never decides
    where anything is written (no separators, no `..`, no hidden names survive cleaning).
  * Only the extensions the pipeline reads are accepted (.txt .md .html .htm .docx .pdf)
    plus .zip archives and a .csv manifest; everything else is skipped with a reason.
  * Size limits: each document (`MAX_FILE_BYTES`, the pipeline's own limit), each upload,
    and for a .zip the number of entries and their total uncompressed size, checked from
    the directory first and again while reading (a lying header cannot inflate past it).
  * Zip entries with absolute paths, `..`, drive letters or symlinks are refused.
  * The uploaded manifest (file,unit,year,...) is rewritten to the generated names; the
    year/unit a folder layout such as `2021/县政府办公室.docx` inside a zip implies is
    carried over into that manifest, since the stored name no longer holds the folders.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
import stat
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from pipeline.load import manifest
from pipeline import settings
from pipeline.config import MAX_FILE_BYTES
from pipeline.load.document import SKIP_NAMES, Rejected

ROOT = Path(__file__).resolve().parent.parent
DOC_EXTS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
UPLOAD_EXTS = (*DOC_EXTS, ".zip")
# at most server.maxUploadSize in .streamlit/config.toml (100), which caps every request
MAX_UPLOAD_MB = min(settings.get("ZONGJIE_MAX_UPLOAD_MB"), 100)
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = settings.get("ZONGJIE_MAX_ZIP_MB") * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
MANIFEST_COLUMNS = manifest.COLUMNS


def upload_root() -> Path:
    return Path(settings.get("ZONGJIE_UPLOAD_DIR") or ROOT / "data" / "uploads")


@dataclass
class Item:
    original: str                 # the name as uploaded (zip entries: archive/entry)
    stored: Path | None = None    # where it was written, or None when skipped
    status: str = "待导入"        # 待导入 / 跳过
    reason: str = ""
    folder_hint: dict = field(default_factory=dict)   # year/unit from a folder layout


@dataclass
class Batch:
    folder: Path
    items: list[Item] = field(default_factory=list)
    manifest: Path | None = None
    manifest_note: str = ""

    @property
    def paths(self) -> list[Path]:
        return [i.stored for i in self.items if i.stored]


def clean_stem(name: str, limit: int = 40) -> str:
    """Letters, digits, CJK, `-` and `_` from the last path component's stem; never empty."""
    base = re.split(r"[\\/]", name)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\u3400-\u9fff-]+", "_", stem, flags=re.UNICODE).strip("._-")
    return stem[:limit] or "file"


def extension(name: str) -> str:
    base = re.split(r"[\\/]", name)[-1]
    return ("." + base.rsplit(".", 1)[1].lower()) if "." in base.strip(".") else ""


def unsafe_entry(name: str) -> str | None:
    """Why a zip entry name is refused, or None when it is a plain relative path."""
    if not name or "\x00" in name:
        return "文件名为空或含非法字符"
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        return "绝对路径"
    if any(part == ".." for part in norm.split("/")):
        return "路径穿越(..)"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _decode_name(info: zipfile.ZipInfo) -> str:
    """Zip names without the UTF-8 flag are cp437 per spec; Chinese tools write GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def folder_hint(relpath: str) -> dict:
    """year (and unit) a folder layout implies, the way the pipeline reads `2021/单位.docx`."""
    try:
        from pipeline.extract.attribute import unit_from_path
    except ImportError:
        return {}
    unit, year = unit_from_path(relpath)
    return {k: str(v) for k, v in (("unit", unit), ("year", year)) if v}


class UploadError(RuntimeError):
    """The uploads could not be saved at all; the message (Chinese) says what to do."""


class Saver:
    def __init__(self, root: Path | None = None):
        root = Path(root or upload_root())
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        self.folder = root / f"{stamp}-{secrets.token_hex(4)}"
        try:
            self.folder.mkdir(parents=True, exist_ok=False)
        except OSError as exc:
            raise UploadError(f"无法在上传文件夹 {root} 中保存文件({exc.strerror or exc}):请检查该文件夹的权限"
                              f"和磁盘空间,或用 ZONGJIE_UPLOAD_DIR 指定其他位置。") from None
        self.n = 0
        self.batch = Batch(self.folder)

    def _write(self, original: str, data: bytes, ext: str, hint: dict | None = None) -> Item:
        self.n += 1
        target = self.folder / f"{self.n:03d}_{clean_stem(original)}{ext}"
        # The target is built from a counter and a cleaned stem: assert it is where we think.
        assert target.resolve().parent == self.folder.resolve()
        with open(target, "xb") as fh:
            fh.write(data)
        item = Item(original, target, folder_hint=hint or {})
        self.batch.items.append(item)
        return item

    def skip(self, original: str, reason: str) -> None:
        self.batch.items.append(Item(original, None, "跳过", reason))

    def add(self, name: str, data: bytes) -> None:
        ext = extension(name)
        if ext not in UPLOAD_EXTS:
            return self.skip(name, f"不支持的文件类型 {ext or '(无扩展名)'}")
        if len(data) > MAX_UPLOAD_BYTES:
            return self.skip(name, f"文件过大({len(data) / 1048576:.0f} MB),上限 {MAX_UPLOAD_MB} MB")
        if ext == ".zip":
            return self.add_zip(name, data)
        if len(data) > MAX_FILE_BYTES:
            return self.skip(name, f"文件过大,单个文档上限 {MAX_FILE_BYTES // 1048576} MB")
        self._write(name, data, ext)

    def add_zip(self, name: str, data: bytes) -> None:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            return self.skip(name, f"无法打开压缩包:{exc}")
        files = [i for i in infos if not i.is_dir()]
        if len(files) > MAX_ZIP_ENTRIES:
            return self.skip(name, f"压缩包内文件过多({len(files)} 个),上限 {MAX_ZIP_ENTRIES} 个")
        declared = sum(i.file_size for i in files)
        if declared > MAX_ZIP_TOTAL_BYTES:
            return self.skip(name, f"压缩包解压后过大({declared / 1048576:.0f} MB),上限 "
                                   f"{MAX_ZIP_TOTAL_BYTES // 1048576} MB")
        budget = MAX_ZIP_TOTAL_BYTES
        with zf:
            for info in files:
                entry = _decode_name(info)
                label = f"{name}/{entry}"
                why = unsafe_entry(entry)
                if why:
                    self.skip(label, f"已拒绝:{why}")
                    continue
                parts = PurePosixPath(entry.replace("\\", "/")).parts
                if _is_symlink(info):
                    self.skip(label, "已拒绝:符号链接")
                    continue
                if any(p.startswith(".") for p in parts) or parts[0] == "__MACOSX":
                    continue                               # hidden files and macOS metadata
                if parts[-1].lower().startswith(SKIP_NAMES):
                    self.skip(label, "说明文件,未导入")       # notes that travel with a folder
                    continue
                ext = extension(entry)
                if ext not in DOC_EXTS:
                    self.skip(label, f"不支持的文件类型 {ext or '(无扩展名)'}")
                    continue
                if info.file_size > MAX_FILE_BYTES:
                    self.skip(label, f"文件过大,单个文档上限 {MAX_FILE_BYTES // 1048576} MB")
                    continue
                try:
                    with zf.open(info) as fh:
                        content = fh.read(min(MAX_FILE_BYTES, budget) + 1)
                except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
                    self.skip(label, f"无法解压:{exc}")
                    continue
                if len(content) > min(MAX_FILE_BYTES, budget):
                    self.skip(label, "解压后超过大小上限")
                    continue
                budget -= len(content)
                self._write(label, content, ext, folder_hint(entry))

    def add_manifest(self, name: str, data: bytes) -> None:
        """Rewrite the uploaded manifest to the stored names (+ folder-layout hints)."""
        rows_by_name: dict[str, dict] = {}
        if data is not None:
            if len(data) > MAX_MANIFEST_BYTES:
                self.batch.manifest_note = "清单文件过大,已忽略"
                data = None
            else:
                # the pipeline's own parser: the same headers (文件名,单位,年份 …) and encodings as the CLI
                try:
                    rows_by_name = manifest.by_file(manifest.parse_rows(manifest.decode(data), name))
                except (manifest.ManifestError, Rejected) as exc:
                    self.batch.manifest_note = f"清单文件未使用:{exc}"
        out = []
        matched = 0
        for item in self.batch.items:
            if not item.stored:
                continue
            orig = item.original.replace("\\", "/")
            entry = orig.split("/", 1)[1] if "/" in orig and orig.split("/")[0].lower().endswith(".zip") else orig
            row = dict(item.folder_hint)
            given = rows_by_name.get(entry) or rows_by_name.get(orig) or rows_by_name.get(entry.split("/")[-1])
            if given:
                matched += 1
                row.update({k: v for k, v in given.items() if k in MANIFEST_COLUMNS and v})
            if row:
                out.append({"file": item.stored.name, **row})
        if rows_by_name:
            self.batch.manifest_note = f"清单中 {matched} 个文件与上传文件对应"
        if out:
            path = self.folder / "manifest.csv"
            with open(path, "w", encoding="utf-8", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=list(MANIFEST_COLUMNS))
                w.writeheader()
                for r in out:
                    w.writerow({k: r.get(k, "") for k in MANIFEST_COLUMNS})
            self.batch.manifest = path


def save_uploads(files: list[tuple[str, bytes]], manifest: tuple[str, bytes] | None = None,
                 root: Path | None = None) -> Batch:
    """Write the uploads into a fresh batch folder; returns what was stored and skipped."""
    saver = Saver(root)
    try:
        for name, data in files:
            saver.add(name, data)
        saver.add_manifest(*(manifest or ("", None)))
    except OSError as exc:
        raise UploadError(f"保存上传文件时出错({exc.strerror or exc}):请检查 {saver.folder.parent} 的权限和磁盘空间;"
                          f"已保存的部分在 {saver.folder}。") from None
    return saver.batch
