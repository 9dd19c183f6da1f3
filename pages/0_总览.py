"""总览 - the default page, at `/`: how much is there, who reported, what to check first.
The content is `dashboard/overview.py`; the frame (app.py) has drawn the sidebar."""
from __future__ import annotations

from dashboard import frame, overview

overview.render(frame.filters())
