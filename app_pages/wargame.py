"""Wargame page — White's seat: the truth, every cell's picture, the clock, injects, the reveal.

Laid out for a projector: at 1920×1080 the clock, the rungs, the pending decisions and the odds fit the
first screen; the map, the orbits and the rungs over time sit beside them; the cells (join links and
each cell's picture), injects and the timeline below.
"""

import streamlit as st

from app_pages.common import require_scenario, white_room
from app_pages.game_controls import facilitator, load_game_box, new_game_form, rungs_row, seats_panel, top_bar
from app_pages.game_views import timeline
from app_pages.room_views import (
    act,
    decision_panel,
    follow,
    odds_panel,
    reveal_panel,
    seat_message,
    theatre_block,
)
from sim.app.picture import posture_history, side_picture
from sim.app.room import WHITE
from sim.app.theatre import asset_views


def main() -> None:
    """Draw White's seat (or the new-game form)."""
    # projection-friendly: less empty space above the title, so the first screen holds the clock, rungs, decision, odds
    st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:3.2rem}</style>", unsafe_allow_html=True)
    if (room := white_room()) is not None:
        follow(room, WHITE)  # second on the page, on every rerun: the same place, so the same fragment
    st.title("Wargame (live)")
    current = require_scenario()
    if st.session_state.get("restore_problem"):
        st.warning(f"The saved game could not be restored: {st.session_state.pop('restore_problem')}")
    room = white_room()
    if room is None:
        if current is None:
            return
        st.info(
            "Start a new game: choose the cells (each in its own room, with its own join link) or one actor the "
            "players decide for here; the model plays everyone else."
        )
        with st.container(border=True):
            new_game_form(current)
        with st.expander("…or load a saved game"):
            load_game_box()
        return
    st.session_state["game"] = room.game
    token = room.token_of(WHITE)
    with room.lock.reading():  # one consistent state for the whole page, even while a cell acts
        _white(room, token, current)


def _white(room, token: str, current) -> None:
    version = room.version
    session = room.game
    seat_message()
    for warning in st.session_state.get("game_warnings", ()):
        st.warning(warning, icon=":material/warning:")
    if current is not None and st.session_state.get("game_overrides", ()) != current.overrides:
        st.caption(":orange[The levers changed since this game started; start a new game to use them.]")
    top_bar(room, version, token, current)
    rungs_row(session)
    left, right = st.columns([1.3, 1], gap="medium")
    with right:
        with st.container(border=True, key="decision_panel"):
            decision_panel(room, WHITE, version, token)
        with st.container(border=True, key="odds_panel"):
            odds_panel(room, WHITE, max(session.game.rungs().values()))
    with left, st.container(key="truth_map"):
        game = session.game
        stamp = {"hours": f"{game.hours:g}", "events": len(game.timeline()), "state": session.state_key}
        stamp["version"] = version
        theatre_block(
            game, asset_views(game.model), game.timeline(), session.last_mark, session.history, game.rungs(), stamp
        )
    if session.cells:
        _cells(room, version, token)
    st.markdown("#### Facilitator")
    facilitator(room, version, token)
    timeline(session)


def _cell_picture(session, cell, compact: bool) -> None:
    """One cell's picture as that cell sees it (its map, its reading of the rungs), with what it misses."""
    game = session.game
    picture = side_picture(game, cell.actors)
    others = sum(1 for a in session.scenario.assets.values() if a.owner not in cell.actors)
    st.markdown(f"**{cell.name} — {', '.join(cell.actors)}**")
    st.caption(
        f"Its own forces, {len(picture.tracks)} of the others' {others} forces as its sensors hold them "
        f"({others - len(picture.tracks)} never seen), {len(picture.events)} of {len(game.timeline())} events."
    )
    theatre_block(
        game,
        picture.views(),
        list(picture.events),
        session.last_mark,
        posture_history(game, cell.actors),
        picture.rungs,
        {"hours": f"{game.hours:g}", "side": ",".join(cell.actors)},
        width=420 if compact else 560,
    )


def _cells(room, version: int, token: str) -> None:
    session = room.game
    roles = [c.name for c in session.cells]
    st.markdown("#### The cells")
    with st.container(border=True, key="join_links"):
        seats_panel(room)
    every = "Every cell side by side"
    choices = [every, *roles] if len(roles) > 1 else roles
    shown_cell = st.segmented_control(
        "The cells' pictures (what each believes) — the truth is the map above",
        choices,
        default=choices[0],
        key="white_cell_picture",
    )
    shown = roles if shown_cell == every else [shown_cell] if shown_cell else []
    columns = st.columns(len(shown), gap="medium") if shown else []
    for column, name in zip(columns, shown, strict=True):
        with column, st.container(border=True, key=f"white_picture_{name}"):
            _cell_picture(session, session.cell(name), compact=len(shown) > 1)
    st.markdown("#### What really happened — against what each cell believed")
    shown = room.revealed
    st.button(
        "Hide the truth from the cells" if shown else "Reveal the truth to the cells",
        icon=":material/visibility:",
        on_click=act,
        args=(token, version, "reveal", not shown),
        key="reveal_toggle",
        help="The cells then see, on their screens, what really happened against what they believed.",
    )
    if shown or st.toggle("Show the truth against each cell's picture here", key="white_reveal"):
        reveal_panel(room, roles)


main()
