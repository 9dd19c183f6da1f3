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
it is allowed (the local `make run` demo). `ZONGJIE_ALLOW_IMPORT`, when set, allows it only
for an explicit yes (1/true/yes/on/y/enabled): any other value, empty included, turns
import off, with the gate ON or OFF.

Guessing: every wrong password is delayed, logged (logger `zongjie.auth`, with the
session and client address) and counted process-wide; after `ZONGJIE_LOGIN_MAX_FAILS`
(10) wrong passwords within 5 minutes, every login is refused for `ZONGJIE_LOGIN_LOCKOUT`
seconds (300), whichever session tries.

Uploads: Streamlit's upload endpoint (`/_stcore/upload_file/<session>/<file>`) accepts a
file from any live session - it checks only the session id and the XSRF cookie, which a
visitor gets before the password form - and holds it in server memory until the session
ends. With the gate ON, `guard_uploads()` wraps the runtime's upload store so a file from
a session that has not passed the gate is dropped (and logged) instead of kept, and
`.streamlit/config.toml` caps each request (`server.maxUploadSize`).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from collections import deque
from pathlib import Path

import streamlit as st

from pipeline import settings

ENV_PASSWORD = "ZONGJIE_PASSWORD"
ENV_ALLOW_IMPORT = "ZONGJIE_ALLOW_IMPORT"
SECRET_SECTIONS = ("zongjie", "auth")
STATE = "_zj_auth"            # keyed digest of the password the session passed with
K_PASSWORD = "zj_password"    # the form's input (wiped by the submit callback)
_FAILED = "_zj_auth_failed"   # the last attempt was wrong (shown once)
FAIL_DELAY = 1.0              # seconds added to every wrong attempt (slows guessing)
MISCONFIGURED = object()      # a password is configured but unusable: stay locked

_KEY = secrets.token_bytes(32)   # per process: digests are useless outside this server
_LOG = logging.getLogger("zongjie.auth")
FAIL_WINDOW = 300.0              # seconds over which wrong passwords are counted, process-wide


class _Guesses:
    """Wrong passwords across all sessions of this server: a lockout after too many."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: deque[float] = deque()
        self.until = 0.0

    def locked_for(self) -> float:
        with self.lock:
            return max(0.0, self.until - time.monotonic())

    def failed(self) -> None:
        now = time.monotonic()
        with self.lock:
            self.times.append(now)
            while self.times and self.times[0] < now - FAIL_WINDOW:
                self.times.popleft()
            if len(self.times) >= settings.get("ZONGJIE_LOGIN_MAX_FAILS"):
                self.until = now + settings.get("ZONGJIE_LOGIN_LOCKOUT")
                self.times.clear()
                _LOG.warning("login locked for %.0f s after too many wrong passwords", self.until - now)

    def reset(self) -> None:
        with self.lock:
            self.times.clear()
            self.until = 0.0


GUESSES = _Guesses()
_AUTHED: set[str] = set()        # ids of the sessions that passed the gate (for the upload guard)
_GUARDED = False


def _session() -> tuple[str | None, str | None]:
    """(session id, client address) of the running script, for the log and the upload guard."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        sid = ctx.session_id if ctx else None
    except Exception:
        sid = None
    try:
        ip = st.context.ip_address
    except Exception:
        ip = None
    return sid, ip


def guard_uploads() -> bool:
    """Drop files posted to the upload endpoint by sessions that have not passed the gate
    (see the module note). True when the guard is in place."""
    global _GUARDED
    if _GUARDED:
        return True
    try:
        from streamlit.runtime import Runtime

        mgr = Runtime.instance().uploaded_file_mgr
        real = mgr.add_file
    except Exception:   # no runtime (AppTest, bare mode) or a Streamlit without this store
        return False

    def add_file(session_id, file, *args, **kwargs):
        if session_id not in _AUTHED and configured_password() is not None:
            _LOG.warning("upload refused: session %s has not passed the password gate (%s bytes dropped)",
                         session_id, len(getattr(file, "data", b"") or b""))
            return None
        return real(session_id, file, *args, **kwargs)

    mgr.add_file = add_file
    _GUARDED = True
    return True


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
    ok = isinstance(token, str) and hmac.compare_digest(token, _digest(pw))
    sid = _session()[0]
    if sid:
        (_AUTHED.add if ok else _AUTHED.discard)(sid)
    return ok


def logout() -> None:
    st.session_state.pop(STATE, None)
    _AUTHED.discard(_session()[0])


def _on_submit() -> None:
    """The form's callback: runs before the page script, so the entered password is checked
    and wiped from session state before anything renders."""
    entered = st.session_state.get(K_PASSWORD) or ""
    st.session_state[K_PASSWORD] = ""
    pw = configured_password()
    sid, ip = _session()
    wait = GUESSES.locked_for()
    if wait:
        _LOG.warning("login refused during lockout (session %s, client %s)", sid, ip)
        st.session_state[_FAILED] = f"尝试次数过多,登录已暂停,请 {max(1, round(wait / 60))} 分钟后再试。"
        return
    if isinstance(pw, str) and check(entered, pw):
        st.session_state[STATE] = _digest(pw)
        st.session_state.pop(_FAILED, None)
        if sid:
            _AUTHED.add(sid)
    else:
        _LOG.warning("wrong password (session %s, client %s)", sid, ip)
        GUESSES.failed()
        time.sleep(FAIL_DELAY)
        st.session_state[_FAILED] = "密码不正确,请重试。"


def gate() -> None:
    """Show the password form and stop the page unless the viewer may see data."""
    pw = configured_password()
    if pw is None:
        return
    guard_uploads()
    if passed():
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
    failed = st.session_state.pop(_FAILED, None)
    if failed:
        st.error(failed if isinstance(failed, str) else "密码不正确,请重试。", icon=":material/error:")
    st.stop()


def import_allowed() -> tuple[bool, str]:
    """(allowed, why not) for uploading and ingesting files."""
    if not passed():
        return False, "请先输入访问密码。"
    raw = os.environ.get(ENV_ALLOW_IMPORT)      # (set but empty is "off" too, unlike an unset variable)
    if raw is not None and not (raw.strip() and settings.get(ENV_ALLOW_IMPORT)):
        return False, f"数据导入已由管理员关闭({ENV_ALLOW_IMPORT}={raw.strip()[:20] or '空'})。"
    return True, ""
