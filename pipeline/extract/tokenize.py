"""Stage 8 - tokenize: simplified report text -> keyword counts.

Why it looks like this: tokenizing was the slowest stage of ingest. Only runs of two or
more Han characters are segmented (punctuation, digits and Latin text never reach the
segmenter), each in jieba's accurate mode (prefix-dictionary DAG + max-probability route,
HMM for unknown words), by one of two backends giving the same words:

* `rjieba` (default; bindings to jieba-rs, the same dictionary and HMM in Rust, the user
  dictionary added with `add_word`): measured on 300 reports of the synthetic corpus, CPU
  0.56 s against 1.98 s for the Python backend (3.5x), and 4x on the real pages; the same
  counts on the seeds, both real sets and the corpus sample (session 4, BENCHMARKS.md);
* `python` (when rjieba cannot be imported): a re-implementation that fuses jieba's
  `get_DAG` and `calc` into one loop, reads log-probabilities from a table built once
  and memoises the HMM's words per unknown run (一是, 现将, 我局 come back in report
  after report); exactly `jieba.Tokenizer.cut(run, HMM=True)`'s words, about twice
  jieba's speed. `python -m bench.tokenize data/sample` times it.

Either segmenter is built once per process on first use (the global `jieba.dt` is left
alone) with the domain words of `data/userdict.txt`. Words
counted are those that survive the filter: at least two characters, not in
`data/stopwords.txt`, not a number (十九, 两万) and not a numbered word (一是, 第三, 三个,
十九届: the characters are in `data/tokenize.toml`). There is no single-character
whitelist: lone characters such as 党 / 网 are almost always pieces of longer words jieba
did not join, and counting them would put them at the top of every list.

Input must be the *simplified* copy (`script.to_simplified`): the dictionaries are
simplified, and a traditional text would be counted as different, mostly unknown words.
"""
from __future__ import annotations

import functools
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass
from math import log

from pipeline.rules import load as load_rules

USERDICT = "userdict.txt"
STOPWORDS = "stopwords.txt"

HAN_RUN = re.compile("[\u4e00-\u9fd5]{2,}")        # jieba's Han range; one character cannot make a word
_NOT_HAN = re.compile("[^\u4e00-\u9fd5]+")       # what `term_counts` turns into block breaks
NUMERALS = "〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟"
# Separators a user-dictionary phrase such as 不忘初心、牢记使命 may be written with.
PHRASE_SEPARATORS = r"[、，,\s]?"


@dataclass(frozen=True)
class _Segmenter:
    logp: dict              # jieba prefix dictionary as word -> log(freq / total); None = prefix only
    logtotal: float
    hmm_cut: object         # unknown character run -> its HMM words of 2+ characters (`_hmm_words`)
    stop: frozenset
    phrases: re.Pattern | None   # user phrases with separators, matched to rewrite them joined
    joined: dict            # joined phrase -> the spelling in the user dictionary
    numbered: frozenset = frozenset()   # a numeral + one of these is a count or ordinal (data/tokenize.toml)
    rj: object = None       # an `rjieba.Jieba` with the user words: cuts a run in Rust (None: `_cut_run`)


_lock = threading.Lock()
_seg: _Segmenter | None = None
_segs: dict[str, _Segmenter] = {}


def _default_backend() -> str:
    """`rjieba` (a pinned dependency) when it imports, else the pure-Python `_cut_run`."""
    try:
        import rjieba  # noqa: F401
    except ImportError:
        return "python"
    return "rjieba"


def _words(name: str) -> list[list[str]]:
    """The rows of a word file in the rules folder (`pipeline.rules`)."""
    return load_rules(name)


@functools.lru_cache(maxsize=1 << 16)
def _hmm_words(buf: str) -> tuple[str, ...]:
    """The words of two or more characters jieba's HMM (`jieba.finalseg.cut`) finds in a run
    of characters the dictionary does not cover. Memoised: the same few runs (一是, 现将,
    我局 …) come back in nearly every report, and the HMM is a pure function of the run."""
    import jieba.finalseg

    return tuple(w for w in jieba.finalseg.cut(buf) if len(w) > 1)


def _user_words() -> tuple[list[tuple[str, int | None, str | None]], dict[str, str]]:
    """The user dictionary as (word, freq, tag), phrases joined (不忘初心、牢记使命: jieba never
    sees across the 、), and joined phrase -> the spelling in the user dictionary."""
    words, joined = [], {}
    for row in _words(USERDICT):
        word, rest = row[0], row[1:]
        freq = int(rest[0]) if rest and rest[0].isdigit() else None
        tag = rest[-1] if rest and not rest[-1].isdigit() else None
        parts = [p for p in re.split(r"[^\u4e00-\u9fd5]+", word) if p]
        if len(parts) > 1:
            joined["".join(parts)] = word
            word = "".join(parts)
        words.append((word, freq, tag))
    return words, joined


def _build(backend: str = "python") -> _Segmenter:
    """`rjieba`: jieba-rs (the same dictionary, DAG, route and HMM as jieba, in Rust) with
    the user words added; about 3.5x faster than `_cut_run` on the synthetic corpus and 4x on
    real pages, with the same words on the seeds, the real sets and the sample corpus
    (tests/test_tokenize.py). `python`: jieba's prefix dictionary and `_cut_run`."""
    words, joined = _user_words()
    phrases = None
    if joined:
        alts = sorted((PHRASE_SEPARATORS.join(map(re.escape, re.split(r"[^\u4e00-\u9fd5]+", w)))
                       for w in joined.values()), key=len, reverse=True)
        phrases = re.compile("|".join(alts))
    stop = frozenset(w for row in _words(STOPWORDS) for w in row)
    numbered = frozenset(load_rules("tokenize.toml")["numbered"])
    if backend == "rjieba":
        import rjieba

        rj = rjieba.Jieba()
        for word, freq, tag in words:
            rj.add_word(word, freq, tag)
        return _Segmenter(logp={}, logtotal=0.0, hmm_cut=None, stop=stop, phrases=phrases, joined=joined,
                          numbered=numbered, rj=rj)
    import jieba

    jieba.setLogLevel(logging.WARNING)       # its "Building prefix dict ..." would garble the progress bar
    tk = jieba.Tokenizer()
    tk.initialize()                          # the prefix dictionary, from jieba's marshal cache
    for word, freq, tag in words:
        tk.add_word(word, freq, tag)
    logtotal = log(tk.total)
    # log-probabilities once (~0.2 s), not a log() per dictionary candidate per run; the
    # same expression `log(f) - logtotal`, so scores are bit-identical to computing it inline
    logp = {w: log(f) - logtotal if f else None for w, f in tk.FREQ.items()}
    return _Segmenter(logp=logp, logtotal=logtotal, hmm_cut=_hmm_words, stop=stop,
                      phrases=phrases, joined=joined, numbered=numbered)


def _segmenter(backend: str | None = None) -> _Segmenter:
    """The segmenter of `backend` (default: `_default_backend()`), built once per process."""
    global _seg
    if backend is None and _seg is not None:
        return _seg
    name = backend or _default_backend()
    if name not in _segs:
        with _lock:
            if name not in _segs:
                _segs[name] = _build(name)
    if backend is None:
        _seg = _segs[name]
    return _segs[name]


_MISSING = object()     # `logp.get(frag, _MISSING)`: not even a prefix of a dictionary word


def _cut_run(run: str, logp: dict, logtotal: float, hmm_cut) -> list[str]:
    """jieba's accurate mode with HMM (`Tokenizer.__cut_DAG`) on one run of Han characters,
    keeping only words of two or more characters. `logp` maps each dictionary word to
    `log(freq) - logtotal` and each prefix-only entry (freq 0) to None; `hmm_cut` gives the
    words of two or more characters of a run the dictionary does not know (`_hmm_words`)."""
    n = len(run)
    score = [0.0] * (n + 1)
    end = list(range(1, n + 2))
    get = logp.get
    missing = _MISSING
    for k in range(n - 1, -1, -1):
        best = None
        i = k + 1
        lp = get(run[k], missing)
        while lp is not missing:             # every prefix of a dictionary word is in `logp`
            if lp is not None:
                s = lp + score[i]
                if best is None or s >= best:    # ties go to the longer word, as in jieba
                    best, e = s, i
            if i == n:
                break
            i += 1
            lp = get(run[k:i], missing)
        if best is None:                     # no dictionary word starts here: one character
            best, e = score[k + 1] - logtotal, k + 1
        score[k], end[k] = best, e
    out: list[str] = []
    x = 0
    single = -1                              # start of the pending run of one-character words
    while x < n:
        y = end[x]
        if y - x == 1:
            if single < 0:
                single = x
        else:
            if single >= 0:
                if x - single > 1:
                    buf = run[single:x]
                    if get(buf) is None:     # jieba's `not FREQ.get(buf)`: unknown or prefix only
                        out.extend(hmm_cut(buf))
                single = -1
            out.append(run[x:y])
        x = y
    if single >= 0 and n - single > 1:
        buf = run[single:]
        if get(buf) is None:
            out.extend(hmm_cut(buf))
    return out


def tokenize(simple: str) -> list[str]:
    """The counted words of a simplified text, in text order.

    >>> tokenize("深入学习习近平新时代中国特色社会主义思想，落实“一岗双责”，一是开展两学一做。")
    ['学习', '习近平新时代中国特色社会主义思想', '一岗双责', '两学一做']
    """
    return _tokenize(_seg or _segmenter(), simple)


def _join_phrases(sg: _Segmenter, simple: str) -> str:
    """User phrases written with separators (不忘初心、牢记使命) joined, so one word is cut."""
    if sg.phrases is None:
        return simple
    return sg.phrases.sub(lambda m: re.sub(r"[^\u4e00-\u9fd5]", "", m.group()), simple)


def _counted(sg: _Segmenter, w: str) -> str | None:
    """The word as counted (a joined phrase in its dictionary spelling), or None when it is
    not counted: one character, a stopword, a number, a numbered word (一是, 三个)."""
    if len(w) < 2 or w in sg.stop:
        return None
    rest = w.strip(NUMERALS)
    if not rest or (len(rest) == 1 and rest in sg.numbered):
        return None
    return sg.joined.get(w, w)


def _tokenize(sg: _Segmenter, simple: str) -> list[str]:
    simple = _join_phrases(sg, simple)
    if sg.rj is not None:
        # one Han run at a time, as `_cut_run` (`term_counts` gets the same runs in one call)
        cut = sg.rj.cut
        words = (w for run in HAN_RUN.findall(simple) for w in cut(run, True))
    else:
        words = (w for run in HAN_RUN.findall(simple) for w in _cut_run(run, sg.logp, sg.logtotal, sg.hmm_cut))
    return [c for c in map(functools.partial(_counted, sg), words) if c is not None]


def term_counts(simple: str) -> Counter:
    """How often each counted word occurs in a simplified report text (see `tokenize`).

    With `rjieba` the report is cut in one call, not one per Han run: every other character
    becomes a line break first, so jieba-rs's blocks are exactly `HAN_RUN`'s runs (its own
    Han range is wider, and it would join digits and Latin letters into a block). Words are
    counted first (`Counter` is C) and filtered per distinct word after: a report has about
    twice as many words as distinct ones. The same counts as `Counter(tokenize(simple))`
    (tests/test_tokenize.py); 12% less CPU on the fixtures' texts, 0.82 -> 0.74 ms per report
    in `bench.stages` (BENCHMARKS "Session 10")."""
    sg = _seg or _segmenter()
    if sg.rj is None:
        return Counter(_tokenize(sg, simple))
    out: Counter = Counter()
    for w, n in Counter(sg.rj.cut(_NOT_HAN.sub("\n", _join_phrases(sg, simple)), True)).items():
        c = _counted(sg, w)
        if c is not None:
            out[c] += n
    return out


if __name__ == "__main__":
    import sys

    for line in sys.stdin:                      # simplified text in, its counted words out
        print(" ".join(tokenize(line)))
