"""Flashpoint — the wargaming facilitator's app.

Run it with ``make app`` (``streamlit run streamlit_app.py --server.address 127.0.0.1``). The pages
live in ``app_pages/``; the logic they call lives in ``sim/app/`` and never imports Streamlit.
"""

import streamlit as st

from app_pages.common import active, init_state

st.set_page_config(page_title="Flashpoint", page_icon=":material/crisis_alert:", layout="wide")
init_state()

pages = [
    st.Page("app_pages/scenario.py", title="Scenario", icon=":material/edit_document:", default=True),
    st.Page("app_pages/monte_carlo.py", title="Monte Carlo", icon=":material/casino:"),
    st.Page("app_pages/compare.py", title="Compare options", icon=":material/compare_arrows:"),
    st.Page("app_pages/wargame.py", title="Wargame (live)", icon=":material/sports_esports:"),
    st.Page("app_pages/debrief.py", title="Debrief", icon=":material/folder_zip:"),
]
page = st.navigation(pages)

with st.sidebar:
    current = active()
    st.caption("Scenario in use")
    if current.scenario is not None:
        st.markdown(f"**{current.scenario.metadata.name}**  \n`{current.source}`")
    else:
        st.markdown(f"`{current.source}` — **invalid** ({len(current.validation.errors)} error(s))")
    if current.overrides:
        st.caption(f"{len(current.overrides)} override(s) from the levers")

page.run()
