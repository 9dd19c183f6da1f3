"""Charts as every page draws them: one look (CJK font, legend under the plot, years in
order, whole-number count axes), every label from the data HTML-escaped, clickable bars and
heatmap cells, and a CSV/Excel download of exactly the data plotted."""
from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.downloads import download
from dashboard.theme import FONT_FAMILY
from pipeline.queries.labels import zh


def chart(fig: go.Figure, df: pd.DataFrame, what: str, key: str, filters: dict | None = None,
          *, labelled: bool = True, **kwargs):
    """A plotly chart plus a CSV download of the data it plots (`df`, usually already zh)."""
    style(fig)
    if kwargs.get("on_select") not in (None, "ignore"):
        # A chart whose bars/cells are clicked: no drag mode, so a tap on a phone selects
        # (with pan, plotly took the tap for the start of a drag) and a swipe scrolls the page.
        fig.update_layout(dragmode=False, clickmode="event+select")
    # No plotly toolbar: its tooltips are English, it covered the matrix's year headers on a
    # phone, and the data is in the CSV/Excel buttons below every chart anyway.
    event = st.plotly_chart(fig, key=f"fig_{key}", config={"displaylogo": False, "displayModeBar": False},
                            **kwargs)
    download(df if labelled else zh(df), what, key=key, filters=filters)
    return event


# Trace attributes plotly draws as (a subset of) HTML: axis categories, bar/heatmap text,
# hover text and the values hover templates pull in, legend entries.
_FIG_TEXT = ("x", "y", "text", "hovertext", "customdata", "labels", "name", "legendgrouptitle_text")


def _esc_values(v: Any) -> Any:
    if isinstance(v, str):
        return html.escape(v, quote=False)
    if isinstance(v, np.ndarray):
        return v if v.dtype.kind in "biufcmM" else np.vectorize(_esc_values, otypes=[object])(v) if v.size else v
    if isinstance(v, (list, tuple)):
        return type(v)(_esc_values(x) for x in v) if isinstance(v, list) else tuple(_esc_values(x) for x in v)
    return v


def safe_figure(fig: go.Figure) -> go.Figure:
    """Every piece of text from the data in `fig`, HTML-escaped: plotly renders <a>, <b>,
    <span style> … in labels and hovers, so a unit called `<a href=…>` would become a link.
    Entities show as the literal characters. Selections hand the escaped values back:
    `unesc` them."""
    for tr in fig.data:
        for attr in _FIG_TEXT:
            try:
                v = tr[attr]
            except (KeyError, ValueError):
                continue
            if v is not None:
                tr[attr] = _esc_values(v)
    return fig


def unesc(v: Any) -> Any:
    """A value from a chart selection, as in the data (undoes `safe_figure`)."""
    return html.unescape(v) if isinstance(v, str) else v


# Axis titles that count things: ticks at whole numbers only (no 0.5 报告).
COUNT_TITLES = {"报告数", "问题条数", "单位数", "提及条数", "出现次数", "占位条数", "反复提到该类问题的单位数", "本组次数"}


def integer_axes(fig: go.Figure) -> go.Figure:
    """Count axes tick at integers: `,d` labels, and a step of 1 while the largest (stacked)
    value is small enough that plotly would otherwise pick 0.5."""
    for name in [k for k in fig.layout.to_plotly_json() if k.startswith(("xaxis", "yaxis"))]:
        ax = fig.layout[name]
        if ax.title is None or ax.title.text not in COUNT_TITLES:
            continue
        letter = name[0]
        totals: dict = {}
        for tr in fig.data:
            vals, keys = (tr.x, tr.y) if letter == "x" else (tr.y, tr.x)
            if vals is None:
                continue
            for k, v in zip(keys if keys is not None else range(len(vals)), vals):
                try:
                    totals[k] = totals.get(k, 0) + max(float(v), 0)
                except (TypeError, ValueError):
                    pass
        top = max(totals.values(), default=0)
        fig.layout[name].update(tickformat=",d", rangemode="tozero", **({"dtick": 1} if top <= 8 else {}))
    return fig


def clickable_cells(fig: go.Figure, hovertemplate: str, size: int = 22) -> go.Figure:
    """Make a heatmap's cells clickable: plotly cannot select heatmap cells, so an invisible
    square marker sits on every cell (it carries the hover text; the heatmap's own hover is
    switched off). A click then selects (x, y) like a bar."""
    hm = fig.data[0]
    xs, ys = list(hm.x), list(hm.y)
    text = hm.text
    px_, py_, pt = [], [], []
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            px_.append(x)
            py_.append(y)
            pt.append(text[i][j] if text is not None else "")
    hm.update(hoverinfo="skip", hovertemplate=None)
    fig.add_trace(go.Scatter(x=px_, y=py_, text=pt, mode="markers", showlegend=False,
                             marker=dict(symbol="square", size=size, color="rgba(0,0,0,0)"),
                             hovertemplate=hovertemplate))
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def selected_points(event: Any) -> list[dict]:
    """The points a click on a chart selected (st.plotly_chart(on_select=…) event), [] if none."""
    sel = event.get("selection") if isinstance(event, dict) else getattr(event, "selection", None)
    if sel is None:
        return []
    pts = sel.get("points") if isinstance(sel, dict) else getattr(sel, "points", None)
    return list(pts or [])


def style(fig: go.Figure, height: int | None = None) -> go.Figure:
    """Shared look: a CJK font, tight margins, years in order on a categorical axis, and
    every data label escaped (`safe_figure`). `chart` calls it for every chart."""
    safe_figure(fig)
    integer_axes(fig)
    # The legend goes under the plot, in rows: on a phone a legend on the right took half
    # the width and squeezed the bars into a strip.
    fig.update_layout(font_family=FONT_FAMILY, hoverlabel_font_family=FONT_FAMILY,
                      margin=dict(l=10, r=10, t=40, b=10), legend_title_font_family=FONT_FAMILY,
                      legend=dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0,
                                  xanchor="left", title_side="top left"))
    for axis in ("xaxis", "yaxis"):
        ax = getattr(fig.layout, axis, None)
        if ax is not None and ax.title is not None and ax.title.text == "年度":
            fig.update_layout({axis: dict(type="category", categoryorder="category ascending")})
    if height:
        fig.update_layout(height=height)
    return fig
