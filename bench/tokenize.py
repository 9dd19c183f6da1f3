"""The tokenizer alone, in characters per second, on the reports of a folder:

    .venv/bin/python -m bench.tokenize data/sample

Lives here, not in `pipeline/extract/tokenize.py`: it runs the whole chain (`process_path`) to get
the simplified texts, and the chain imports the tokenizer.
"""
from __future__ import annotations


def bench(paths: list[str], repeat: int = 5) -> None:
    import time
    from pathlib import Path

    from pipeline.extract.process import process_path
    from pipeline.extract.tokenize import _segmenter, term_counts

    files = [p for a in paths for p in (sorted(Path(a).rglob("*")) if Path(a).is_dir() else [Path(a)])
             if p.is_file() and not p.name.startswith(("README", "."))]
    texts = [r.text_simplified for p in files for r in process_path(p).reports]
    chars = sum(map(len, texts))
    t0 = time.perf_counter()
    _segmenter()
    load = time.perf_counter() - t0
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for t in texts:
            term_counts(t)
        best = min(best, time.perf_counter() - t0)
    print(f"{len(texts)} reports, {chars} chars: load {load:.2f} s, "
          f"{chars / best:,.0f} chars/s (best of {repeat})")


if __name__ == "__main__":
    import sys

    bench(sys.argv[1:] or ["data/sample"])
