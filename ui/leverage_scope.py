"""The sidebar's leverage slider drawn inside a fragment of the page, for a page where little
depends on the leverage.

On "Why 50x is fragile" a move of the leverage slider used to rerun the whole lesson (about 125
elements, some 40 ms of server time) although only a dozen elements show the leverage: the
one-line scenario above the page, an error when the position cannot be opened, step 1's
sentence, step 4's marker and metrics and step 6's comparison with history. A classroom drags
that slider more than anything else. On "Trailing stops" the outcomes depend on the leverage
but the ten inputs above them do not.

How it works, for a page listed in :data:`PAGES`:

1. ``app.py`` calls :func:`begin` with the container of the one-line scenario; the sidebar then
   leaves an empty container where the slider goes (``scenario.sidebar(leverage_slot=...)``).
   The page's body runs before the slider is made, so it reads the leverage of the previous
   run: a link's ``lev`` reaches the session state only when the slider is made. Everything
   that shows the leverage therefore comes from :func:`draw`'s result, never from the body.
2. The page takes the slots with :func:`claim` and passes them to one of its fragments, which
   calls :func:`draw` first: the slider goes into the sidebar's container and the scenario line
   above the page (a fragment may write to containers created outside it; Streamlit clears and
   redraws those writes on each rerun of the fragment), and the page draws there what depends
   on the leverage, into containers it created outside the fragment.
3. Moving the slider then reruns that fragment only.

A page that stops before it reaches its fragment (``st.stop()``) calls :func:`draw_pending`
first, before it shows anything of the leverage (the lesson's presentation mode); ``app.py``
calls it after every page as well. The slider is then an ordinary widget of
the run and moving it reruns the whole page, as on every other page.

The slots of a run live in a thread-local: ``app.py`` and the page's body run in the same
script thread, one run at a time per session. A fragment rerun gets its slots as an argument.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from streamlit.delta_generator import DeltaGenerator

from ui import scenario, summary
from ui.scenario import Resolved

#: URL paths of the pages that draw the leverage slider in a fragment of their own.
PAGES = frozenset({"why_50x", "trailing_stops"})

_RUN = threading.local()


@dataclass(frozen=True)
class Slots:
    """Where the slider goes (a container in the sidebar), its maximum, and the container of
    the one-line scenario above the page."""

    slider_box: DeltaGenerator
    cap: int
    summary_box: DeltaGenerator


def begin(
    url_path: str, summary_box: DeltaGenerator
) -> Callable[[DeltaGenerator, int], None] | None:
    """Start a run of ``app.py`` on the page at ``url_path``: for a page of :data:`PAGES`, the
    callback the sidebar hands the slider's place to; ``None`` (draw the slider as usual)
    otherwise."""
    _RUN.pending = None
    if url_path not in PAGES:
        return None

    def keep(slider_box: DeltaGenerator, cap: int) -> None:
        _RUN.pending = Slots(slider_box, cap, summary_box)

    return keep


def claim() -> Slots | None:
    """The slots of this run, for the page to pass to its fragment; ``None`` when the slider was
    drawn by the sidebar (another page, or the page run on its own). Once per run."""
    slots = getattr(_RUN, "pending", None)
    _RUN.pending = None
    return slots


def draw(slots: Slots | None, known: Resolved | None = None) -> Resolved:
    """Inside the page's fragment: draw the slider and the one-line scenario into their slots
    (nothing when ``slots`` is ``None``) and return the scenario resolved, with the leverage
    just set. ``known``: the page's own resolution in its full run, reused when the scenario is
    still the same (it is on the full run; a slider move makes it differ)."""
    if slots is not None:  # first: a link's leverage reaches the state when the slider is made
        scenario.leverage_slider(slots.cap, slots.slider_box)
    now = scenario.current()
    res = known if known is not None and known.scenario == now else scenario.resolve(now)
    if slots is not None:
        summary.render(slots.summary_box, res)
    return res


def draw_pending() -> Resolved | None:
    """Draw the slider and the scenario line of this run if no fragment claimed them (the page
    stopped early, or is not in :data:`PAGES`): then they are ordinary elements of the run.
    Returns the scenario resolved after the slider was made; ``None`` when nothing was
    pending (nothing drawn, nothing resolved)."""
    slots = claim()
    return None if slots is None else draw(slots)
