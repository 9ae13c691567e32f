"""The opening page: what do you want to do?"""

import streamlit as st

from app_pages.common import active, white_room

CHOICES = (
    (
        "app_pages/wargame.py",
        "Run a game",
        ":material/sports_esports:",
        "A live crisis with Blue, Red and White cells in separate rooms: White runs the clock and injects events; "
        "each cell decides on what its own sensors and analysts believe. Ends with an after-action report.",
    ),
    (
        "app_pages/monte_carlo.py",
        "Estimate the odds",
        ":material/casino:",
        "Thousands of runs of the crisis: how likely it is to reach strikes, or nuclear signalling, and why.",
    ),
    (
        "app_pages/compare.py",
        "Compare options",
        ":material/compare_arrows:",
        "Policy options side by side on the same runs (a hotline, a human-control norm, ...): one sentence per option.",
    ),
    (
        "app_pages/scenario.py",
        "Edit a scenario",
        ":material/edit_document:",
        "Pick, upload or edit a crisis, and set the levers every other page uses.",
    ),
)


def main() -> None:
    """Draw the opening page."""
    st.title("Flashpoint")
    st.markdown("#### What do you want to do?")  # a first-use compile shows in the sidebar
    current = active()
    name = current.scenario.metadata.name if current.scenario is not None else f"{current.source} (invalid)"
    st.caption(f"Scenario in use: **{name}** — change it under *Edit a scenario*.")
    room = white_room()
    if room is not None:
        st.info(f"A game is under way ({room.game.clock()}): *Run a game* returns to it.", icon=":material/info:")
    columns = st.columns(2)
    for i, (path, label, icon, text) in enumerate(CHOICES):
        with columns[i % 2].container(border=True, key=f"choice_{i}"):
            st.page_link(path, label=label, icon=icon)
            st.caption(text)


main()
