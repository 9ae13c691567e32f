"""Flashpoint — the wargaming facilitator's app.

Run it with ``make app`` (``streamlit run streamlit_app.py --server.address 127.0.0.1``). The pages
live in ``app_pages/``; the logic they call lives in ``sim/app/`` and never imports Streamlit.
"""

import streamlit as st

from app_pages.common import autosave_workspace_if_changed, init_state, show_engine_preparation, sidebar_status

# an emoji favicon is drawn in the browser; a material icon would be fetched from fonts.gstatic.com (offline rooms)
st.set_page_config(page_title="Flashpoint", page_icon="🚨", layout="wide")
init_state()
show_engine_preparation()  # a fresh installation compiles the engine: say so, with its progress

pages = [
    st.Page("app_pages/scenario.py", title="Scenario", icon=":material/edit_document:", default=True),
    st.Page("app_pages/monte_carlo.py", title="Monte Carlo", icon=":material/casino:"),
    st.Page("app_pages/compare.py", title="Compare options", icon=":material/compare_arrows:"),
    st.Page("app_pages/wargame.py", title="Wargame (live)", icon=":material/sports_esports:"),
    st.Page("app_pages/debrief.py", title="Debrief", icon=":material/folder_zip:"),
]
page = st.navigation(pages)

try:
    page.run()
finally:
    # After the page, so the sidebar shows the state the page has just set (even when it stopped early).
    sidebar_status()
    autosave_workspace_if_changed()
