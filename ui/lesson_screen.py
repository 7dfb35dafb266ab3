"""Draw one step of the lesson's presentation mode (what to draw: :mod:`ui.lesson_present`).

The step is in the link (``?present=1&step=3``): Next and Previous rewrite it, so the address
bar always opens the step on screen, and a student opening the same address lands on it. The
left and right arrow keys and PageUp/PageDown (what a presenter's remote sends) click the same
buttons (a small script in the page, nothing downloaded). The sidebar is hidden and the type
large (``ui.layout.apply_presentation``).
"""

from __future__ import annotations

import html
from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from ui import layout
from ui import lesson_present as lp

GUESS_KEY = "present_guess"
#: Chart height on a step: a projector at 150% is 480 CSS px high.
CHART_HEIGHT = 360
#: The class's guess survives leaving its step (a widget's value does not).
GUESS_KEPT = "present_guess_kept"

#: Keys -> the button they click. Ignored while typing in a field (the guess box uses arrows);
#: up and down stay free to scroll a tall step.
KEYS_JS = """
<script>
(() => {
  const doc = window.parent ? window.parent.document : document;
  if (doc.__llPresentKeys) return;
  doc.__llPresentKeys = true;
  const NEXT = ['ArrowRight', 'PageDown'];
  const PREV = ['ArrowLeft', 'PageUp'];
  doc.addEventListener('keydown', (e) => {
    const t = e.target;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable)) return;
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const which = NEXT.includes(e.key) ? 'present_next'
      : PREV.includes(e.key) ? 'present_prev' : null;
    if (!which) return;
    const btn = doc.querySelector('.st-key-' + which + ' button');
    if (!btn || btn.disabled) return;
    e.preventDefault();
    btn.click();
  });
})();
</script>
"""


def _go(step: int) -> None:
    st.query_params[lp.STEP_PARAM] = str(step)


def _keep_guess() -> None:
    st.session_state[GUESS_KEPT] = st.session_state.get(GUESS_KEY)


def exit_presentation() -> None:
    """Back to the scrolling lesson (the other settings stay in the link)."""
    for key in (lp.PRESENT_PARAM, lp.STEP_PARAM):
        if key in st.query_params:
            del st.query_params[key]


def enter_presentation(step: int = 1) -> None:
    """Switch the link to the presentation mode on ``step``."""
    st.query_params[lp.PRESENT_PARAM] = "1"
    st.query_params[lp.STEP_PARAM] = str(step)


def _nav(step: int, n: int) -> None:
    c = st.columns([1, 1, 1], vertical_alignment="center")
    c[0].button(
        "Previous",
        key="present_prev",
        icon=":material/arrow_back:",
        on_click=_go,
        args=(step - 1,),
        disabled=step <= 1,
        width="stretch",
    )
    c[1].markdown(f"<p class='ll-step-count'>Step {step} of {n}</p>", unsafe_allow_html=True)
    c[2].button(
        "Next",
        key="present_next",
        icon=":material/arrow_forward:",
        on_click=_go,
        args=(step + 1,),
        disabled=step >= n,
        type="primary",
        width="stretch",
    )


def _guess_box() -> float | None:
    kept = st.session_state.get(GUESS_KEPT)
    if GUESS_KEY not in st.session_state and kept is not None:
        st.session_state[GUESS_KEY] = kept
    g = st.number_input(
        "The class's guess (% liquidated within a day), optional",
        min_value=0.0,
        max_value=100.0,
        value=None,
        step=1.0,
        key=GUESS_KEY,
        on_change=_keep_guess,
        placeholder="a number from 0 to 100",
    )
    return None if g is None else float(g)


def render(
    choice: lp.StepChoice,
    facts: lp.LessonFacts,
    figures: Callable[[str], list[go.Figure]],
    *,
    link_params: dict[str, str],
    handout: Callable[[], bytes] | None = None,
) -> None:
    """Draw step ``choice.step``: its notice (a step the lesson does not have), the navigation,
    the step's sentences, numbers and charts (``figures(kind)``), then the student link, the
    handout download and the way back to the scrolling lesson."""
    layout.apply_presentation()
    st.html(KEYS_JS, unsafe_allow_javascript=True)
    n = len(lp.STEPS)
    step = choice.step
    if choice.notice:
        st.warning(choice.notice, icon=":material/link_off:")
    _nav(step, n)
    kept = st.session_state.get(GUESS_KEPT)
    view = lp.step_view(step, facts, None if kept is None else kept / 100)
    st.header(view.title, anchor=False)
    for line in view.lines:
        st.markdown(line)
    if view.asks_guess:
        _guess_box()
    if view.metrics:
        per_row = 3
        for i in range(0, len(view.metrics), per_row):
            cols = st.columns(per_row)
            for col, (label, value) in zip(cols, view.metrics[i : i + per_row], strict=False):
                col.metric(label, value)
    if view.chart:
        figs = figures(view.chart)
        if not figs:
            st.info("This chart is not available with these settings.", icon=":material/info:")
        cols = st.columns(len(figs)) if len(figs) > 1 else [st.container()]
        for i, (col, fig) in enumerate(zip(cols, figs, strict=False)):
            col.plotly_chart(
                go.Figure(fig).update_layout(height=CHART_HEIGHT),  # a copy: fig is shared
                key=f"present_chart_{view.chart}_{i}",
                config={"displaylogo": False, "displayModeBar": False},
            )
    st.divider()
    url = st.context.url or ""
    link = html.escape(lp.step_link(url, link_params, step), quote=True)
    st.markdown(
        f"<p class='ll-step-link'>Students: open <a href='{link}' target='_self'>this step</a> "
        f"on your phone: <code>{link}</code></p>",
        unsafe_allow_html=True,
    )
    b = st.columns(2)
    if handout is not None:
        b[0].download_button(
            "Handout to print (a PNG per step)",
            data=handout,
            file_name="why-50x-handout.zip",
            mime="application/zip",
            key="present_handout",
            icon=":material/print:",
            on_click="ignore",
        )
    b[1].button(
        "Leave the presentation",
        key="present_exit",
        icon=":material/close:",
        on_click=exit_presentation,
    )
    st.caption("Keys: → or PageDown for the next step, ← or PageUp for the previous one.")
