"""The 关键词 page's word cloud as a PNG, in a CJK font (no empty boxes), cached per word list."""
from __future__ import annotations

import streamlit as st


def cjk_font() -> str | None:
    from pipeline.outputs.brief import cjk_font as find

    return find()


@st.cache_data(show_spinner=False, max_entries=64)
def wordcloud_png(freqs: tuple[tuple[str, float], ...], width: int = 800, height: int = 340) -> bytes | None:
    """PNG of a word cloud in a CJK font (None without one: no empty boxes)."""
    return _render(freqs, width, height)


_warming: list = []


def warm_in_background() -> None:
    """Once per server process, in a thread: import wordcloud and load the font by drawing a
    tiny cloud. The first cloud of a process cost ~0.45 s more than the next ones (imports,
    font file, colour map); that moves off the first 关键词 visitor's wait (100,000 reports:
    the page's cold run was 1.86 s, the target 1.5 s)."""
    if _warming:
        return
    import threading

    def warm():
        try:
            _render((("意识形态", 2.0), ("学习", 1.0)), 120, 60)
        except Exception:  # an optimisation: the page draws (and says what is wrong) without it
            pass

    _warming.append(threading.Thread(target=warm, name="zongjie-warm-wordcloud", daemon=True))
    _warming[0].start()


def _render(freqs: tuple[tuple[str, float], ...], width: int, height: int) -> bytes | None:
    font = cjk_font()
    if not font or not freqs:
        return None
    import io

    from wordcloud import WordCloud

    # An explicit size range halves the render (0.29 -> 0.14 s for 100 words): without
    # max_font_size WordCloud lays the cloud out twice to find it, and it shrinks words
    # that do not fit one point at a time down to min_font_size.
    wc = WordCloud(font_path=font, width=width, height=height, background_color="white", prefer_horizontal=0.95,
                   colormap="tab10", random_state=7, max_words=len(freqs), collocations=False,
                   max_font_size=height // 3, min_font_size=10)
    wc.generate_from_frequencies(dict(freqs))
    buf = io.BytesIO()
    wc.to_image().save(buf, format="PNG")
    return buf.getvalue()
