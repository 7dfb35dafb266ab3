"""The printable handout of the "Why 50x is fragile" lesson: one page per step (PNG or PDF).

Each page is a Plotly figure (:func:`handout_figure`): the step's title, its sentences and big
numbers as text, and its charts as pictures, rendered by kaleido (>= 1.0), which drives a
Chrome or Chromium through choreographer. The browser is the one in ``BROWSER_PATH`` (the
variable choreographer reads), else ``/usr/bin/chromium`` when it exists (Debian's package),
else whatever choreographer finds on the PATH. Nothing is fetched: MathJax is off and plotly.js
comes from the installed plotly package. The guess step prints a blank line for the answer; the
answer is on the next page, as on the screen.

``python -m tools.handout`` writes the default lesson's pages; the lesson's presentation mode
offers the same pages, for its own settings, as a zip.
"""

from __future__ import annotations

import asyncio
import base64
import io
import os
import re
import shutil
import textwrap
import threading
import zipfile
from collections.abc import Sequence
from pathlib import Path

import plotly.graph_objects as go

from ui import lesson_present as lp

#: A4 landscape at 96 px an inch; PNGs are drawn at twice that (``SCALE``) for print.
PAGE_W, PAGE_H = 1123, 794
SCALE = 2
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
FORMATS = ("png", "pdf")
INK = "#1f2a37"
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _html(line: str, width: int) -> str:
    """A Markdown sentence (``**bold**`` only) as Plotly text wrapped at ``width`` characters."""
    wrapped = "<br>".join(textwrap.wrap(line, width)) or " "
    return _BOLD.sub(r"<b>\1</b>", wrapped)


def handout_figure(view: lp.StepView, charts_png: Sequence[bytes] = ()) -> go.Figure:
    """One handout page: ``view``'s title, sentences and numbers at the top, ``charts_png``
    (the step's charts as PNG images) side by side below. The guess step gets a line to
    write the guess on."""
    fig = go.Figure()
    annotations: list[dict] = []
    y = 0.97
    annotations.append({"text": f"<b>{view.title}</b>", "x": 0.0, "y": y, "font": {"size": 30}})
    y -= 0.085
    width = 95 if charts_png else 75
    size = 17 if charts_png else 21
    for line in view.lines:
        body = _html(line, width)
        annotations.append({"text": body, "x": 0.0, "y": y, "font": {"size": size}})
        y -= (body.count("<br>") + 1) * (0.034 if charts_png else 0.042) + 0.02
    if view.asks_guess:
        annotations.append(
            {
                "text": "My guess: ________ out of 100",
                "x": 0.0,
                "y": y - 0.04,
                "font": {"size": 26},
            }
        )
        y -= 0.12
    if view.metrics:
        per_row = 3
        for i in range(0, len(view.metrics), per_row):
            for j, (label, value) in enumerate(view.metrics[i : i + per_row]):
                annotations.append(
                    {
                        "text": f"{_html(label, 34)}<br><b>{value}</b>",
                        "x": j / per_row,
                        "y": y,
                        "font": {"size": 22 if not charts_png else 17},
                    }
                )
            y -= 0.15 if not charts_png else 0.11
    for a in annotations:
        a.update(
            xref="paper", yref="paper", xanchor="left", yanchor="top", align="left",
            showarrow=False, font={"color": INK, **a["font"]},
        )  # fmt: skip
    images = []
    if charts_png:
        top = max(0.05, y - 0.01)
        n = len(charts_png)
        for i, png in enumerate(charts_png):
            images.append(
                {
                    "source": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                    "xref": "paper",
                    "yref": "paper",
                    "x": i / n,
                    "y": top,
                    "sizex": 1 / n,
                    "sizey": top,
                    "xanchor": "left",
                    "yanchor": "top",
                    "sizing": "contain",
                    "layer": "above",
                }
            )
    fig.update_layout(
        width=PAGE_W,
        height=PAGE_H,
        margin={"l": 50, "r": 50, "t": 40, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis={"visible": False, "range": [0, 1]},
        yaxis={"visible": False, "range": [0, 1]},
        annotations=annotations,
        images=images,
        showlegend=False,
    )
    fig.add_annotation(
        text="Leverage Lab · Why 50x is fragile · every number computed by the model, "
        f"nothing quoted · {view.step} / {len(lp.STEPS)}",
        xref="paper", yref="paper", x=1.0, y=-0.03, xanchor="right", yanchor="top",
        showarrow=False, font={"size": 11, "color": "#6b7280"},
    )  # fmt: skip
    return fig


def browser_path() -> str | None:
    """The browser kaleido drives: ``BROWSER_PATH``, else Debian's chromium when present, else
    None (choreographer searches the PATH)."""
    if os.environ.get("BROWSER_PATH"):
        return os.environ["BROWSER_PATH"]
    return str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None


def available() -> bool:
    """Whether a browser for kaleido is on this machine (the page offers the handout only then)."""
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
    return browser_path() is not None or any(shutil.which(n) for n in names)


#: Tries per figure when kaleido's page was not ready (:func:`page_not_ready`).
RENDER_ATTEMPTS = 3


def page_not_ready(exc: BaseException) -> bool:
    """Whether ``exc`` is kaleido calling its page's render function before the page defined it
    (``ReferenceError: kaleido_scopes is not defined``). kaleido reloads its browser tab after
    every figure; on a loaded machine the next figure was once sent before the reloaded page's
    scripts had run (1 run in 3 of the test suite under load). Nothing was rendered, so the
    same figure can be sent again."""
    from kaleido.errors import JavascriptError

    return isinstance(exc, JavascriptError) and "kaleido_scopes is not defined" in str(exc)


async def _render_async(
    jobs: list[tuple[go.Figure, dict]],
) -> list[bytes]:
    import kaleido

    path = browser_path()
    extra = {"path": path} if path else {}
    out = []
    async with kaleido.Kaleido(n=1, mathjax=False, **extra) as k:
        for fig, opts in jobs:
            out.append(await _calc_with_retry(k.calc_fig, fig, opts))
    return out


async def _calc_with_retry(calc, fig: go.Figure, opts: dict, *, pause=asyncio.sleep) -> bytes:
    """``await calc(fig, opts=opts)``, sent again (after ``await pause(seconds)``, growing) while
    kaleido's page was not ready, up to :data:`RENDER_ATTEMPTS` tries; any other error at once."""
    for attempt in range(1, RENDER_ATTEMPTS + 1):
        try:
            return await calc(fig, opts=opts)
        except Exception as exc:
            if attempt == RENDER_ATTEMPTS or not page_not_ready(exc):
                raise
            await pause(0.5 * attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def render_figures(jobs: list[tuple[go.Figure, dict]]) -> list[bytes]:
    """Render ``(figure, kaleido options)`` pairs in one browser session (in a thread of its
    own, so it works where an event loop already runs). Raises what kaleido raises."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["out"] = asyncio.run(_render_async(jobs))
        except BaseException as exc:  # re-raised in the caller's thread
            box["err"] = exc

    t = threading.Thread(target=run, name="handout-kaleido")
    t.start()
    t.join()
    if "err" in box:
        raise box["err"]  # type: ignore[misc]
    return box["out"]  # type: ignore[return-value]


def render_pages(
    facts: lp.LessonFacts, charts: lp.LessonCharts, fmt: str = "png"
) -> list[tuple[str, bytes]]:
    """Every step of the lesson as ``(file name, bytes)``: 'step-03-guess.png', ... in
    ``fmt`` ('png' or 'pdf'). Charts first become PNGs, then each page is drawn with them."""
    if fmt not in FORMATS:
        raise ValueError(f"fmt={fmt!r} is not a handout format; allowed: {', '.join(FORMATS)}")
    views = [lp.step_view(s.number, facts) for s in lp.STEPS]
    figs = [lp.chart_figures(v.chart, charts) for v in views]
    chart_w = {1: PAGE_W - 100, 2: (PAGE_W - 100) // 2}
    chart_jobs = []
    for fs in figs:
        for f in fs:
            w = chart_w.get(len(fs), (PAGE_W - 100) // len(fs))
            g = go.Figure(f).update_layout(width=w, height=430)
            chart_jobs.append((g, {"format": "png", "width": w, "height": 430, "scale": SCALE}))
    chart_pngs = iter(render_figures(chart_jobs)) if chart_jobs else iter(())
    pages = []
    for v, fs in zip(views, figs, strict=True):
        pngs = [next(chart_pngs) for _ in fs]
        pages.append(handout_figure(v, pngs))
    opts = {"format": fmt, "width": PAGE_W, "height": PAGE_H, "scale": SCALE if fmt == "png" else 1}
    rendered = render_figures([(p, opts) for p in pages])
    return [
        (f"step-{s.number:02d}-{s.name}.{fmt}", data)
        for s, data in zip(lp.STEPS, rendered, strict=True)
    ]


def zip_pages(pages: Sequence[tuple[str, bytes]]) -> bytes:
    """The pages in one zip file (stored, PNGs and PDFs do not compress further)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in pages:
            z.writestr(name, data)
    return buf.getvalue()
