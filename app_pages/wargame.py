"""Wargame page: step the crisis live, decide for one actor, inject events, ask for the odds from here.

Laid out for a projector: at 1920×1080 the clock, the rungs, the pending decision and the odds fit the
first screen; the map, the orbits and the rungs over time sit beside them; injects and the timeline below.
"""

import streamlit as st

from app_pages.common import require_scenario
from app_pages.game_controls import decisions, facilitator, game, load_game_box, new_game_form, rungs_row, top_bar
from app_pages.game_views import odds, theatre, timeline

# projection-friendly: less empty space above the title, so the first screen holds the clock, rungs, decision, odds
st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:3.2rem}</style>", unsafe_allow_html=True)
st.title("Wargame (live)")
current = require_scenario()
if current is None:
    st.stop()
if st.session_state.get("restore_problem"):
    st.warning(f"The saved game could not be restored: {st.session_state.pop('restore_problem')}")

session = game()
if session is None:
    st.info("Start a new game: choose the actor the players decide for; the model plays everyone else.")
    with st.container(border=True):
        new_game_form(current)
    with st.expander("…or load a saved game"):
        load_game_box()
    st.stop()

for warning in st.session_state.get("game_warnings", ()):
    st.warning(warning, icon=":material/warning:")
if st.session_state.get("game_overrides", ()) != current.overrides:
    st.caption(":orange[The levers changed since this game started; start a new game to use them.]")

top_bar(session, current)
rungs_row(session)
left, right = st.columns([1.3, 1], gap="medium")
with right:
    with st.container(border=True, key="decision_panel"):
        decisions(session)
    with st.container(border=True, key="odds_panel"):
        odds(session)
with left:
    theatre(session)

st.markdown("#### Facilitator")
facilitator(session)
timeline(session)
