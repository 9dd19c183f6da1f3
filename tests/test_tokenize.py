"""Keyword tokenizer: domain words kept whole, filler and numbers dropped, same words as jieba."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from pipeline import store
from pipeline.text.script import to_simplified
from pipeline.extract.tokenize import _cut_run, _segmenter, _words, HAN_RUN, USERDICT, term_counts, tokenize


@pytest.mark.parametrize("text,term", [
    ("深入学习贯彻习近平新时代中国特色社会主义思想，", "习近平新时代中国特色社会主义思想"),
    ("扎实开展“两学一做”学习教育", "两学一做"),
    ("认真落实一岗双责，", "一岗双责"),
    ("严格落实三会一课制度", "三会一课"),
    ("组织党员使用学习强国平台", "学习强国"),
    ("每月开展主题党日活动", "主题党日"),
    ("党委理论学习中心组学习12次", "理论学习中心组"),
    ("中心组集中学习", "中心组"),
    ("增强四个意识、坚定四个自信、做到两个维护", "四个意识"),
    ("增强四个意识、坚定四个自信、做到两个维护", "四个自信"),
    ("增强四个意识、坚定四个自信、做到两个维护", "两个维护"),
    ("扎实开展党史学习教育", "党史学习教育"),
    ("加强网络舆情监测，做好舆论引导", "网络舆情"),
    ("加强网络舆情监测，做好舆论引导", "舆论引导"),
    ("培育和践行社会主义核心价值观", "社会主义核心价值观"),
    ("落实意识形态工作责任制", "意识形态工作责任制"),
    ("推进新时代文明实践中心建设", "新时代文明实践"),
    ("做好宣传思想工作", "宣传思想工作"),
    ("唱响主旋律，传播正能量", "主旋律"),
    ("唱响主旋律，传播正能量", "正能量"),
])
def test_domain_terms_kept_whole(text, term):
    assert term in tokenize(text)


def test_every_user_dictionary_word_is_one_token():
    stop = _segmenter().stop
    for row in _words(USERDICT):
        word = row[0]
        if word not in stop:
            assert tokenize(word) == [word], word


@pytest.mark.parametrize("text", [
    "开展“不忘初心、牢记使命”主题教育",
    "开展“不忘初心，牢记使命”主题教育",
    "开展不忘初心,牢记使命主题教育",
    "开展不忘初心牢记使命主题教育",
])
def test_phrase_with_separator_counted_under_one_spelling(text):
    assert tokenize(text) == ["不忘初心、牢记使命", "主题教育"]


def test_halves_of_the_phrase_alone():
    assert tokenize("党员不忘初心，时刻牢记使命") == ["党员", "不忘初心", "时刻", "牢记使命"]


def test_stopwords_and_filler_dropped():
    toks = tokenize("我们进一步加强工作，认真开展、积极坚持，切实抓好落实。")
    assert toks == []
    assert tokenize("进一步加强意识形态阵地建设") == ["意识形态阵地", "建设"]


def test_numbers_punctuation_latin_and_single_characters_dropped():
    toks = tokenize("2021年共召开3次会议，培训1,200人次（ABC www.example.com）；党、政、军。")
    assert toks == ["会议", "培训"]
    assert not any(re.search(r"[0-9A-Za-z\W]", t) for t in toks)


def test_numbered_words_dropped_but_numbered_slogans_kept():
    toks = tokenize("一是加强学习，二是第三季度召开十九届全会，三个方面，两万人参加；学习十九大精神、四史、两学一做")
    assert not {"一是", "二是", "第三", "十九届", "三个", "两万"} & set(toks)
    assert {"十九大", "四史", "两学一做"} <= set(toks)


def test_term_counts_counts():
    c = term_counts("意识形态工作，意识形态阵地，意识形态。网络舆情、网络舆情")
    assert isinstance(c, Counter)
    assert c == Counter({"意识形态": 2, "意识形态阵地": 1, "网络舆情": 2})
    assert term_counts("") == Counter()
    assert term_counts("，。123 abc") == Counter()


def test_expects_simplified_text():
    """The caller converts: the dictionaries are simplified, traditional words are not recognised."""
    trad = "落實意識形態工作責任制，開展黨史學習教育"
    assert "意识形态工作责任制" not in tokenize(trad)
    assert tokenize(to_simplified(trad)) == ["意识形态工作责任制", "党史学习教育"]


def test_loaded_once_and_global_jieba_untouched():
    import jieba

    assert _segmenter() is _segmenter()
    tokenize("两学一做")
    assert "两学一做" not in jieba.dt.FREQ


def _jieba_with_userdict():
    import jieba

    tk = jieba.Tokenizer()
    for row in _words(USERDICT):
        word = "".join(re.split(r"[^\u4e00-\u9fd5]+", row[0]))
        tk.add_word(word, int(row[1]) if len(row) > 1 and row[1].isdigit() else None)
    return tk


def test_same_words_as_jieba_accurate_mode(sample_db):
    """The fused DAG/route loop must segment exactly like jieba.Tokenizer.cut(HMM=True)."""
    con = store.connect(sample_db, read_only=True)
    try:
        texts = [t for (t,) in con.execute("SELECT text_simplified FROM reports").fetchall()]
    finally:
        con.close()
    assert sum(map(len, texts)) > 20000
    tk = _jieba_with_userdict()
    sg = _segmenter("python")
    runs = [run for t in texts for run in HAN_RUN.findall(t)]
    runs += ["研究生命起源", "结婚的和尚未结婚的", "他来到了网易杭研大厦", "小明硕士毕业于中国科学院计算所"]
    for run in runs:
        assert _cut_run(run, sg.logp, sg.logtotal, sg.hmm_cut) == [w for w in tk.cut(run) if len(w) > 1], run


def test_log_probability_table_matches_jieba_frequencies():
    """logp holds log(freq) - logtotal for every word of jieba's prefix dictionary (with the
    user words) and None for the prefixes that are not words (freq 0)."""
    from math import log

    tk = _jieba_with_userdict()
    tk.check_initialized()
    sg = _segmenter("python")
    assert sg.logtotal == log(tk.total)
    assert sg.logp.keys() == tk.FREQ.keys()
    for w, f in list(tk.FREQ.items())[::97]:
        assert sg.logp[w] == (log(f) - sg.logtotal if f else None), w


def test_hmm_words_memoised_and_as_jieba_gives_them():
    import jieba.finalseg

    from pipeline.extract.tokenize import _hmm_words

    for buf in ["一是", "现将", "我局", "小明硕士", "他来到了网易杭研大厦", "abc意识", "一"]:
        assert _hmm_words(buf) == tuple(w for w in jieba.finalseg.cut(buf) if len(w) > 1), buf
    hits = _hmm_words.cache_info().hits
    _hmm_words("现将")
    assert _hmm_words.cache_info().hits == hits + 1


def test_rjieba_is_the_default_and_cuts_runs_as_jieba(sample_db):
    """rjieba (jieba-rs) must give jieba's words on every run of the sample, user words included."""
    con = store.connect(sample_db, read_only=True)
    try:
        texts = [t for (t,) in con.execute("SELECT text_simplified FROM reports").fetchall()]
    finally:
        con.close()
    sg = _segmenter()
    assert sg.rj is not None and _segmenter("rjieba") is sg
    tk = _jieba_with_userdict()
    runs = [run for t in texts for run in HAN_RUN.findall(t)]
    runs += ["研究生命起源", "结婚的和尚未结婚的", "他来到了网易杭研大厦", "小明硕士毕业于中国科学院计算所"]
    assert len(runs) > 3000
    for run in runs:
        assert [w for w in sg.rj.cut(run, True) if len(w) > 1] == [w for w in tk.cut(run) if len(w) > 1], run


@pytest.mark.parametrize("folder", ["data/sample", "tests/fixtures/real_openings", "tests/fixtures/real_collected",
                                    "tests/fixtures/real_f", "tests/fixtures/real_g", "tests/fixtures/real_h",
                                    "tests/fixtures/real_i", "tests/fixtures/real_j", "tests/fixtures/real_k",
                                    "tests/fixtures/real_l", "tests/fixtures/real_m", "tests/fixtures/real_n",
                                    "tests/fixtures/real_o", "tests/fixtures/real_p", "tests/fixtures/real_q",
                                    "tests/fixtures/real_r", "tests/fixtures/real_s", "tests/fixtures/real_t",
                                    "tests/fixtures/real_u", "tests/fixtures/real_v", "tests/fixtures/real_w",
                                    "tests/fixtures/real_x", "tests/fixtures/real_y", "tests/fixtures/real_z",
                                    "tests/fixtures/real_aa", "tests/fixtures/real_ab",
                                    "tests/fixtures/real_ac", "tests/fixtures/real_ad", "tests/fixtures/real_ae",
                                    "tests/fixtures/real_af", "tests/fixtures/real_ag"])
def test_both_backends_count_the_same_words(folder):
    """The keyword counts do not depend on the backend: seeds and every real set. `term_counts`
    (one rjieba call per report, counted then filtered) counts what `_tokenize` lists."""
    from pathlib import Path

    from pipeline.ingest import expand_paths
    from pipeline.extract.process import process_path
    from collections import Counter

    from pipeline.extract.tokenize import _tokenize, term_counts

    root = Path(__file__).resolve().parent.parent / folder
    texts = [r.text_simplified for f in expand_paths([root]) for r in process_path(f).reports]
    rj, py = _segmenter("rjieba"), _segmenter("python")
    words = 0
    for t in texts:
        a = _tokenize(rj, t)
        assert a == _tokenize(py, t)
        assert term_counts(t) == Counter(a)
        words += len(a)
    assert words > 100 * len(texts) > 0     # a page opening holds ~150 words: the set was read
