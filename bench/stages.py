"""CPU cost of each per-file stage, in ms per file, against jieba on the same texts.

    python -m bench.stages [--reports 1000] [--files 300]

Uses CPU time (time.process_time), so it is steadier than wall-clock on a busy machine.
The ingest target (BENCHMARKS.md) needs all non-tokenizer stages together to cost well
under jieba's time on the same text; this shows where the time goes.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

from bench.common import corpus


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=1000)
    ap.add_argument("--files", type=int, default=300)
    a = ap.parse_args(argv)

    import pipeline.extract.process as P
    from pipeline.ingest import expand_paths

    files = expand_paths([corpus(a.reports, units=400 if a.reports >= 1000 else None)])[: a.files]
    cost: dict[str, float] = defaultdict(float)

    def timed(name, fn):
        def wrapper(*args, **kw):
            t = time.process_time()
            try:
                return fn(*args, **kw)
            finally:
                cost[name] += time.process_time() - t
        return wrapper

    originals = {}
    for name in ("read_path", "decode_with_offsets", "clean", "split_reports", "to_simplified", "attribute", "segment",
                 "extract_metrics", "extract_shortcomings", "term_counts", "script_of", "sign"):
        if hasattr(P, name):
            originals[name] = getattr(P, name)
            setattr(P, name, timed(name, originals[name]))
    import pipeline.load.read as R
    originals["read_path_mod"] = R.read_path
    R.read_path = timed("read_path", R.read_path)
    P.process_path(files[0])            # warm up: dictionaries, regex caches
    cost.clear()
    t0 = time.process_time()
    results = [P.process_path(f) for f in files]
    total = time.process_time() - t0
    R.read_path = originals.pop("read_path_mod")
    for name, fn in originals.items():
        setattr(P, name, fn)

    import logging

    import jieba
    from pipeline.load.decode import decode
    from pipeline.load.read import read_path

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    texts = [decode(read_path(f))[0] for f in files]
    t0 = time.process_time()
    for t in texts:
        tk.lcut(t)
    t_jieba = time.process_time() - t0
    n = len(files)
    print(f"{n} files, {sum(map(len, texts)):,} chars; jieba.lcut alone {1000 * t_jieba / n:.2f} ms/file\n")
    print(f"{'stage':<22}{'ms/file':>9}{'× jieba':>9}")
    for name, sec in sorted(cost.items(), key=lambda kv: -kv[1]):
        print(f"{name:<22}{1000 * sec / n:>9.2f}{sec / t_jieba:>9.2f}")
    other = total - sum(cost.values())
    print(f"{'(glue)':<22}{1000 * other / n:>9.2f}{other / t_jieba:>9.2f}")
    tok = cost.get("term_counts", 0.0)
    print(f"{'TOTAL process_path':<22}{1000 * total / n:>9.2f}{total / t_jieba:>9.2f}")
    print(f"{'  without tokenizer':<22}{1000 * (total - tok) / n:>9.2f}{(total - tok) / t_jieba:>9.2f}")
    assert sum(len(r.reports) for r in results) >= n


if __name__ == "__main__":
    main()
