"""Stage helper - script: t2s conversion (length-preserving), its fast path, script detection."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.text import script as script_mod
from pipeline.text.clean import clean_text
from pipeline.load.decode import decode_bytes
from pipeline.text.script import script_of, t2s_unchanged, to_simplified

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "sample"


# ---------------------------------------------------------------- simplified copy and offsets
def test_simplified_copy_is_length_preserving():
    for p in sorted(SAMPLE.glob("*.txt")):
        text = clean_text(decode_bytes(p.read_bytes())[0])
        simple = to_simplified(text)
        assert len(simple) == len(text)
    assert to_simplified("意識形態工作責任制落實情況報告") == "意识形态工作责任制落实情况报告"
    assert script_of("政協機關2020年意識形態工作總結,縣政協機關堅持以習近平新時代") == "traditional"
    assert script_of("行署办公室2018年度思想宣传及意识形态工作总结") == "simplified"


# ---------------------------------------------------------------- t2s fast path
@pytest.fixture
def fresh_t2s_table():
    """t2s_table() built again in the test (and again for whoever comes next)."""
    script_mod.t2s_table.cache_clear()
    yield
    script_mod.t2s_table.cache_clear()


@pytest.mark.parametrize("text,unchanged", [
    ("意識形態工作責任制落實情況", False),           # traditional
    ("2021年意識形态工作总结，實現全覆盖", False),     # mixed
    ("意识形态工作责任制落实情况，实现全覆盖", True),  # simplified, 覆 of 全覆盖 stays
    ("反覆研究，及时答覆", False),                     # 覆 changes only inside these phrases
    ("深入瞭解情况", False),
    ("藉助新媒体平台", False),
    ("乾隆年间，干部", False),                         # 乾 changes on its own
    ("2021 Party Building 123", True),
    ("", True),
    ("意识𠀀形态", False),                             # astral: always the exact path
    ("意识\uf900形态", False),                         # a compatibility ideograph
])
def test_fast_path_gives_what_opencc_gives(text, unchanged):
    assert t2s_unchanged(text) is unchanged
    assert to_simplified(text) == script_mod._convert(text)
    if unchanged:
        assert script_mod._t2s()(text) == text


def test_fast_path_on_every_line_of_the_samples_and_held_out_files():
    heldout = Path(__file__).resolve().parent / "fixtures" / "heldout"
    fast = 0
    for p in sorted(SAMPLE.glob("*.txt")) + sorted(heldout.glob("*.txt")):
        text = decode_bytes(p.read_bytes())[0]
        for piece in [text, clean_text(text), *text.split("\n")]:
            assert to_simplified(piece) == script_mod._convert(piece), (p.name, piece)
            fast += t2s_unchanged(piece)
    assert fast > 100        # the fast path is taken, not only correct


def test_no_character_t2s_changes_slips_through():
    conv = script_mod._t2s()
    for cp in [*range(0x2E80, 0xA000), *range(0xF900, 0xFB00), *range(0xFF00, 0xFFF0), *range(0x20000, 0x20400)]:
        c = chr(cp)
        if t2s_unchanged(c):
            assert conv(c) == c, hex(cp)


def test_every_phrase_that_changes_is_caught():
    table = script_mod.t2s_table()
    assert table is not None and table.phrases
    conv = script_mod._t2s()
    for p in table.phrases:
        assert conv(p) != p
        assert not t2s_unchanged(p) and not t2s_unchanged("前文" + p + "后文"), p


def test_t2s_table_cache_rebuilt_when_corrupt(tmp_path, monkeypatch, fresh_t2s_table):
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(tmp_path))
    built = script_mod.t2s_table()
    (cache,) = tmp_path.glob("zongjie_t2s.*.json")
    script_mod.t2s_table.cache_clear()
    assert script_mod.t2s_table() == built                    # read back from the cache
    for junk in (b"\x00\xff not json", b'{"format": 1}', b'{"format": 1, "chars": 5, "phrases": [], "phrase_chars": ""}'):
        cache.write_bytes(junk)
        script_mod.t2s_table.cache_clear()
        assert script_mod.t2s_table() == built, junk          # rebuilt, not trusted
        assert json.loads(cache.read_text(encoding="utf-8"))["chars"] == built.chars
    assert not list(tmp_path.glob("*.tmp"))


def test_t2s_table_neither_read_from_nor_written_to_a_folder_others_can_write(tmp_path, monkeypatch,
                                                                              fresh_t2s_table):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(shared))
    table = script_mod.t2s_table()
    assert table is not None and not list(shared.iterdir())      # built, used, not cached there
    assert to_simplified("意識形態工作責任制") == "意识形态工作责任制"
    assert t2s_unchanged("意识形态工作")


def test_without_opencc_dict_tool_every_text_goes_through_opencc(tmp_path, monkeypatch, fresh_t2s_table):
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(script_mod, "_opencc_dict_tool", lambda: None)
    assert script_mod.t2s_table() is None
    assert not t2s_unchanged("意识形态")
    assert to_simplified("意識形態工作責任制") == "意识形态工作责任制"
    assert to_simplified("意识形态工作") == "意识形态工作"
