"""The upload endpoint of the served app under the password (issue 16): a session that has
not passed the gate can still PUT to Streamlit's /_stcore/upload_file (Streamlit checks
only the session id and the XSRF cookie), so the app drops what it posts; after the
password, uploads are kept as before."""
from __future__ import annotations

import re
import time

from tests.test_browser import PASSWORD, _new_page, browser, browser_db, locked_server  # noqa: F401


def _session_id(log, after: int) -> str:
    """The session id, from the log line our wrong-password warning writes."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        log.seek(after)
        m = re.search(r"wrong password \(session ([0-9a-f-]+)", log.read())
        if m:
            return m.group(1)
        time.sleep(0.2)
    raise AssertionError("no wrong-password line in the server log")


def _put(page, url: str, sid: str, name: str, data: bytes):
    xsrf = next((c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf"), "")
    return page.request.put(f"{url}/_stcore/upload_file/{sid}/f{time.monotonic_ns()}",
                            headers={"X-Xsrftoken": xsrf},
                            multipart={"file": {"name": name, "mimeType": "text/plain", "buffer": data}})


def _announce(page, url: str, sid: str, size: int) -> int:
    """The status for a PUT that announces `size` bytes (none are sent)."""
    import http.client
    from urllib.parse import quote, urlparse

    u = urlparse(url)
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())
    xsrf = next((c["value"] for c in page.context.cookies() if c["name"] == "_streamlit_xsrf"), "")
    con = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
    try:
        con.putrequest("PUT", quote(f"/_stcore/upload_file/{sid}/big"))
        for k, v in (("Content-Length", str(size)), ("Content-Type", "multipart/form-data; boundary=x"),
                     ("Cookie", cookies), ("X-Xsrftoken", xsrf)):
            con.putheader(k, v)
        con.endheaders()
        return con.getresponse().status
    finally:
        con.close()


def test_uploads_before_the_password_are_dropped(locked_server, browser):
    url, log = locked_server
    log.seek(0, 2)
    start = log.tell()
    page = _new_page(browser)
    page.goto(f"{url}/数据导入")
    page.wait_for_selector('h1:has-text("总结看板")', timeout=30000)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0     # no uploader before the gate
    page.get_by_label("访问密码").fill("不对")
    page.get_by_role("button", name="进入").click()
    page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=30000)
    sid = _session_id(log, start)
    r = _put(page, url, sid, "a.txt", b"x" * 2_000_000)
    assert r.status in (200, 204), (r.status, r.text())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        log.seek(start)
        text = log.read()
        if f"upload refused: session {sid}" in text:
            break
        time.sleep(0.2)
    assert f"upload refused: session {sid} has not passed the password gate (2000000 bytes dropped)" in text
    # over the server's request cap: refused before the body is read into memory
    assert _announce(page, url, sid, 101 * 1024 * 1024) == 413
    page.get_by_label("访问密码").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=30000)
    log.seek(0, 2)
    mark = log.tell()
    r = _put(page, url, sid, "b.txt", b"y" * 1000)
    assert r.status in (200, 204)
    time.sleep(1)
    log.seek(mark)
    assert "upload refused" not in log.read()                               # a member's upload is kept
    page.context.close()
