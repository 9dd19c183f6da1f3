"""Access, round two (issue 16): uploads from sessions that have not passed the gate are
dropped, wrong passwords are logged and locked out process-wide, ZONGJIE_ALLOW_IMPORT
enables import only for an explicit yes."""
from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from dashboard import auth
from tests.test_app_pages import assert_clean, dash_db, run_page  # noqa: F401
from tests.test_reliability_security import PASSWORD, assert_locked, locked_app, log_in


@pytest.fixture
def no_delay(monkeypatch):
    monkeypatch.setattr(auth, "FAIL_DELAY", 0)


@pytest.mark.parametrize("value", ["0", "false", "No", "off", "disabled", "n", "none", "", "  ", "maybe"])
def test_import_off_unless_an_explicit_yes(monkeypatch, value):
    monkeypatch.delenv("ZONGJIE_PASSWORD", raising=False)
    monkeypatch.setattr(auth, "passed", lambda: True)
    monkeypatch.setenv("ZONGJIE_ALLOW_IMPORT", value)
    ok, why = auth.import_allowed()
    assert not ok and "已由管理员关闭" in why


@pytest.mark.parametrize("value", ["1", "true", "YES", "on", "enabled"])
def test_import_on_for_an_explicit_yes_or_when_unset(monkeypatch, value):
    monkeypatch.setattr(auth, "passed", lambda: True)
    monkeypatch.setenv("ZONGJIE_ALLOW_IMPORT", value)
    assert auth.import_allowed() == (True, "")
    monkeypatch.delenv("ZONGJIE_ALLOW_IMPORT")
    assert auth.import_allowed() == (True, "")


def test_wrong_passwords_are_logged_and_locked_out(monkeypatch, dash_db, no_delay, caplog):
    monkeypatch.setenv("ZONGJIE_LOGIN_MAX_FAILS", "3")
    at = locked_app(monkeypatch, dash_db)
    with caplog.at_level(logging.WARNING, logger="zongjie.auth"):
        for k in range(3):
            log_in(at, f"wrong{k}")
            assert [e.value for e in at.error] == ["密码不正确,请重试。"]
        log_in(at, PASSWORD)                     # even the right one waits out the lockout
    assert "尝试次数过多" in at.error[0].value
    assert_locked(at, dash_db)
    logged = [r.getMessage() for r in caplog.records if r.name == "zongjie.auth"]
    assert sum(m.startswith("wrong password (") for m in logged) == 3
    assert any("locked" in m for m in logged) and any("refused during lockout" in m for m in logged)
    assert all(PASSWORD not in m and "wrong0" not in m for m in logged)   # no password in the log
    auth.GUESSES.reset()                         # the lockout ends: the right password works
    log_in(at, PASSWORD)
    assert_clean(at, "总览")


class _Store:
    def __init__(self):
        self.files = []

    def add_file(self, session_id, file):
        self.files.append((session_id, file.name))


def test_upload_endpoint_drops_files_from_sessions_before_the_gate(monkeypatch, caplog):
    from streamlit import runtime

    store = _Store()
    monkeypatch.setattr(runtime.Runtime, "instance", classmethod(lambda cls: SimpleNamespace(uploaded_file_mgr=store)))
    monkeypatch.setattr(auth, "_GUARDED", False)
    monkeypatch.setattr(auth, "_AUTHED", set())
    monkeypatch.setenv("ZONGJIE_PASSWORD", PASSWORD)
    assert auth.guard_uploads()
    rec = SimpleNamespace(name="bomb.docx", data=b"x" * 1000)
    with caplog.at_level(logging.WARNING, logger="zongjie.auth"):
        store.add_file("intruder", rec)          # what the endpoint calls for a PUT
    assert store.files == []
    assert any("upload refused" in r.getMessage() for r in caplog.records)
    auth._AUTHED.add("member")
    store.add_file("member", rec)
    assert store.files == [("member", "bomb.docx")]
    monkeypatch.delenv("ZONGJIE_PASSWORD")        # gate off (local demo): uploads as before
    store.add_file("anyone", rec)
    assert store.files[-1] == ("anyone", "bomb.docx")


def test_server_caps_the_upload_size():
    import tomllib
    from pathlib import Path

    from dashboard import uploads

    cfg = tomllib.loads((Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text())
    cap = cfg["server"]["maxUploadSize"]
    assert cap <= 100 and uploads.MAX_UPLOAD_MB <= cap
