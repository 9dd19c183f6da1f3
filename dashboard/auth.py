"""Access control: an optional password gate in front of every page, and who may import.

The gate is ON when a password is configured, OFF (local demo) when none is:

  * environment variable `ZONGJIE_PASSWORD` (non-empty), else
  * Streamlit secrets (`.streamlit/secrets.toml`, never committed):
    `[zongjie] password = "..."` (`[auth] password = "..."` is read too).

A secrets file that exists but cannot be parsed, or a `password` key that is present but
empty, locks the app ("配置有误") instead of silently switching the gate off.

When ON, `gate()` shows only the password form until the viewer enters the password; the
check uses `hmac.compare_digest`, and a passed check is remembered per browser session in
`st.session_state` as a keyed digest of the password (so changing the password logs every
session out). The password itself is never stored in session state, logged or echoed.

Importing (the 数据导入 page) is allowed to viewers who passed the gate; with the gate OFF
it is allowed (the local `make run` demo) unless `ZONGJIE_ALLOW_IMPORT=0` (also
false/no/off) turns it off, which also applies with the gate ON.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import streamlit as st

ENV_PASSWORD = "ZONGJIE_PASSWORD"
ENV_ALLOW_IMPORT = "ZONGJIE_ALLOW_IMPORT"
SECRET_SECTIONS = ("zongjie", "auth")
STATE = "_zj_auth"            # keyed digest of the password the session passed with
K_PASSWORD = "zj_password"    # the form's input (wiped by the submit callback)
_FAILED = "_zj_auth_failed"   # the last attempt was wrong (shown once)
FAIL_DELAY = 1.0              # seconds added to every wrong attempt (slows guessing)
MISCONFIGURED = object()      # a password is configured but unusable: stay locked

_KEY = secrets.token_bytes(32)   # per process: digests are useless outside this server


def _secret_files_exist() -> bool:
    try:
        from streamlit import config

        paths = config.get_option("secrets.files") or []
    except Exception:  # pragma: no cover - config always has this option
        paths = []
    return any(Path(p).exists() for p in paths)


def configured_password() -> str | None | object:
    """The password, None when the gate is off, or MISCONFIGURED."""
    env = os.environ.get(ENV_PASSWORD)
    if env:
        return env
    for section in SECRET_SECTIONS:
        try:
            values = st.secrets[section]
        except KeyError:
            continue
        except FileNotFoundError:   # no secrets file, or one that cannot be parsed
            return MISCONFIGURED if _secret_files_exist() else None
        if not hasattr(values, "get") or "password" not in values:
            continue
        value = values.get("password")
        if value is None or str(value) == "":
            return MISCONFIGURED
        return str(value)
    return None


def enabled() -> bool:
    return configured_password() is not None


def _digest(password: str) -> str:
    return hmac.new(_KEY, password.encode("utf-8"), hashlib.sha256).hexdigest()


def check(entered: str | None, password: str) -> bool:
    return hmac.compare_digest((entered or "").encode("utf-8"), password.encode("utf-8"))


def passed() -> bool:
    """True when the gate is off, or this browser session entered the current password."""
    pw = configured_password()
    if pw is None:
        return True
    if pw is MISCONFIGURED:
        return False
    token = st.session_state.get(STATE)
    return isinstance(token, str) and hmac.compare_digest(token, _digest(pw))


def logout() -> None:
    st.session_state.pop(STATE, None)


def _on_submit() -> None:
    """The form's callback: runs before the page script, so the entered password is checked
    and wiped from session state before anything renders."""
    entered = st.session_state.get(K_PASSWORD) or ""
    st.session_state[K_PASSWORD] = ""
    pw = configured_password()
    if isinstance(pw, str) and check(entered, pw):
        st.session_state[STATE] = _digest(pw)
        st.session_state.pop(_FAILED, None)
    else:
        time.sleep(FAIL_DELAY)
        st.session_state[_FAILED] = True


def gate() -> None:
    """Show the password form and stop the page unless the viewer may see data."""
    pw = configured_password()
    if pw is None or passed():
        return
    st.title("总结看板")
    if pw is MISCONFIGURED:
        st.error("访问密码配置有误(secrets.toml 无法读取或密码为空),请联系管理员。",
                 icon=":material/lock:")
        st.stop()
    st.caption("本看板需要访问密码。")
    with st.form("zj_login", clear_on_submit=True, enter_to_submit=True, width=420):
        st.text_input("访问密码", type="password", key=K_PASSWORD, autocomplete="current-password")
        st.form_submit_button("进入", type="primary", icon=":material/login:", key="zj_login_go",
                              on_click=_on_submit)
    if st.session_state.pop(_FAILED, False):
        st.error("密码不正确,请重试。", icon=":material/error:")
    st.stop()


def import_allowed() -> tuple[bool, str]:
    """(allowed, why not) for uploading and ingesting files."""
    if not passed():
        return False, "请先输入访问密码。"
    flag = os.environ.get(ENV_ALLOW_IMPORT, "").strip().lower()
    if flag in ("0", "false", "no", "off"):
        return False, f"数据导入已由管理员关闭({ENV_ALLOW_IMPORT}={flag})。"
    return True, ""
