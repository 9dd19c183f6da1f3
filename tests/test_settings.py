"""Every `ZONGJIE_*` setting is declared once in `pipeline/settings.py`, documented in the
README, and no code reads one the table does not know."""
from __future__ import annotations

import re

import pytest

from pipeline import settings
from tests.conftest import ROOT


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("### Settings"):]
    for s in settings.SETTINGS:
        row = next((line for line in table.splitlines() if line.startswith(f"| `{s.name}`")), None)
        assert row, f"{s.name} missing from the README settings table"
        assert (s.default or "") in row


def test_no_code_reads_an_undeclared_setting():
    used = set()
    for folder in ("pipeline", "dashboard", "pages", "bench"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"ZONGJIE_[A-Z_]+[A-Z]", path.read_text(encoding="utf-8")))
    used |= set(re.findall(r"ZONGJIE_[A-Z_]+[A-Z]", (ROOT / "app.py").read_text(encoding="utf-8")))
    assert used - set(settings.BY_NAME) == set()
    assert {"ZONGJIE_DB", "ZONGJIE_MAX_FILE_MB", "ZONGJIE_RULES_DIR", "ZONGJIE_BATCH_FILES"} <= used


def test_values_are_parsed_and_bad_ones_named(monkeypatch):
    monkeypatch.setenv("ZONGJIE_MAX_FILE_MB", "7")
    assert settings.get("ZONGJIE_MAX_FILE_MB") == 7
    monkeypatch.setenv("ZONGJIE_MAX_FILE_MB", "")
    assert settings.get("ZONGJIE_MAX_FILE_MB") == 50                 # empty counts as unset
    monkeypatch.setenv("ZONGJIE_MAX_FILE_MB", "五十")
    with pytest.raises(settings.SettingError, match="ZONGJIE_MAX_FILE_MB 应为正整数"):
        settings.get("ZONGJIE_MAX_FILE_MB")
    monkeypatch.setenv("ZONGJIE_ALLOW_IMPORT", "Off")
    assert settings.get("ZONGJIE_ALLOW_IMPORT") is False
    monkeypatch.delenv("ZONGJIE_CACHE_DIR", raising=False)
    assert settings.get("ZONGJIE_CACHE_DIR") is None


def test_config_reads_through_settings(monkeypatch, tmp_path):
    from pipeline import config, rules

    monkeypatch.setenv("ZONGJIE_DB", str(tmp_path / "x.duckdb"))
    monkeypatch.setenv("ZONGJIE_RULES_DIR", str(tmp_path))
    assert config.db_path() == tmp_path / "x.duckdb"
    assert config.data_file("sections.toml") == tmp_path / "sections.toml" and rules.rules_dir() == tmp_path
