"""Flashpoint — the wargaming facilitator's app.

Run it with ``streamlit run streamlit_app.py`` (or ``make app``). The pages live in ``app_pages/``; the
logic they call lives in ``sim/app/`` and never imports Streamlit. A cell's join link (``?seat=TOKEN``)
opens that cell's seat only: its picture, its decisions, its odds — none of the facilitator's pages.
"""

import streamlit as st

from app_pages.common import (
    autosave_workspace_if_changed,
    engine,
    init_state,
    seat,
    show_engine_preparation,
    sidebar_status,
)
from sim.app.room import WHITE

# an emoji favicon is drawn in the browser; a material icon would be fetched from fonts.gstatic.com (offline rooms)
st.set_page_config(page_title="Flashpoint", page_icon="🚨", layout="wide")
engine()  # the server's first page starts preparing the engine in the background (never a silent stall)

found = seat()
if (found is not None and found[1] != WHITE) or (found is None and st.query_params.get("seat")):
    # a cell's seat: only its own page, no sidebar of the facilitator's tools (a link that opens no seat says so
    # there, rather than handing a cell the facilitator's pages)
    title = f"{found[1]} cell" if found is not None else "Join a game"
    st.navigation([st.Page("app_pages/cell.py", title=title, icon="🛡️")], position="hidden").run()
else:
    init_state()
    show_engine_preparation()  # a fresh installation compiles the engine: say so in the sidebar, with its progress
    pages = [
        st.Page("app_pages/home.py", title="Start", icon=":material/home:", default=True),
        st.Page("app_pages/scenario.py", title="Scenario", icon=":material/edit_document:"),
        st.Page("app_pages/monte_carlo.py", title="Monte Carlo", icon=":material/casino:"),
        st.Page("app_pages/compare.py", title="Compare options", icon=":material/compare_arrows:"),
        st.Page("app_pages/wargame.py", title="Wargame (live)", icon=":material/sports_esports:"),
        st.Page("app_pages/debrief.py", title="Debrief", icon=":material/folder_zip:"),
    ]
    page = st.navigation(pages)
    try:
        page.run()
    finally:
        # After the page, so the sidebar shows the state the page has just set. The pages return rather than
        # st.stop(), so this always runs.
        sidebar_status()
        autosave_workspace_if_changed()
