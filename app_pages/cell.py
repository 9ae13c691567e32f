"""A cell's seat (Blue, Red, ...): its side's picture of the crisis, its decisions, its odds — never the truth.

Opened by the cell's join link (``?seat=TOKEN``); the token opens this seat only. White runs the clock;
this page follows it (redrawn within a second of any change). Once White reveals the truth, the page
shows what really happened against what this cell believed.
"""

import streamlit as st

from app_pages.common import seat
from app_pages.room_views import (
    act,
    decision_panel,
    engine_status,
    events_table,
    follow,
    odds_panel,
    reveal_table,
    seat_message,
    theatre_block,
)
from sim.app.levers import AUTONOMY_LEVELS
from sim.app.picture import posture_history, reveal, side_picture
from sim.vocabulary import RUNG_NAMES


def main() -> None:
    """Draw the cell's seat."""
    st.markdown("<style>[data-testid='stMainBlockContainer']{padding-top:2.4rem}</style>", unsafe_allow_html=True)
    found = seat()
    if found is None:
        st.error("This join link does not open a seat of any game on this server. Ask White for a new link.")
        st.button("I am the facilitator: open the facilitator's pages", on_click=_leave_seat, key="leave_seat")
        return
    room, role = found
    token = st.session_state["seat_token"]
    with room.lock.reading():  # one consistent state for the whole page, even while another seat acts
        follow(room, role)  # second on the page, on every rerun: the same place, so the same fragment
        version = room.version
        game = room.game
        cell = game.cell(role)
        wargame = game.game
        picture = side_picture(wargame, cell.actors)
        history = posture_history(wargame, cell.actors)
        mark, note, revealed = game.last_mark, room.note, room.revealed
        st.title(f"{role} cell — {', '.join(cell.actors)}")
        seat_message()
        engine_status()
        _top(game, note)
        _rungs(picture, cell.actors)
        left, right = st.columns([1.3, 1], gap="medium")
        with right:
            with st.container(border=True, key="decision_panel"):
                decision_panel(room, role, version, token)
            with st.container(border=True, key="odds_panel"):
                level = max(picture.rungs.values())
                odds_panel(room, role, level)
        with left:
            stamp = {"hours": f"{wargame.hours:g}", "version": version, "side": ",".join(cell.actors)}
            theatre_block(
                wargame,
                picture.views(),
                list(picture.events),
                mark,
                history,
                picture.rungs,
                stamp,
                title=f"{role}'s picture: its own forces as they are, the others as its sensors hold them "
                "(dashed: last seen; ! held hostile)",
            )
        _own_forces(room, role, version, token, picture)
        st.subheader(f"What {role} knows")
        events_table(list(picture.events), key="cell_events")
        if revealed:
            st.subheader("What really happened — against what you believed")
            reveal_table(reveal(wargame, picture), key="cell_reveal")


def _leave_seat() -> None:
    st.query_params.pop("seat", None)
    st.session_state.pop("seat_token", None)


def _top(game, note) -> None:
    a, b = st.columns([1, 3], vertical_alignment="bottom")
    a.metric("Clock", game.clock(), help=f"{game.game.hours:g} h of {game.game.model.horizon_hours:g} h")
    if game.finished:
        b.success(f"The crisis is over ({game.clock()}).", icon=":material/flag:")
    else:
        b.caption("White runs the clock; this screen follows it.")
    if note is not None:
        b.caption(f"Latest: {note.text}")


def _rungs(picture, actors) -> None:
    rungs = picture.rungs
    cols = st.columns(len(rungs))
    for col, (actor, rung) in zip(cols, rungs.items(), strict=True):
        label = f"{actor} (you)" if actor in actors else f"{actor} toward you"
        col.metric(label, f"rung {rung}", help=RUNG_NAMES[rung])


def _own_forces(room, role, version, token, picture) -> None:
    own = {v.key: v for v in picture.own}
    if not own:
        return
    with st.expander("Your forces: set an asset's autonomy (policy caps still apply)"):
        c1, c2, c3 = st.columns([2, 2, 1], vertical_alignment="bottom")
        c1.selectbox("Asset", list(own), format_func=lambda k: own[k].description, key="cell_aut_asset")
        c2.selectbox("Autonomy", AUTONOMY_LEVELS, key="cell_aut_level", format_func=lambda v: v.replace("_", " "))
        c3.button(
            "Set autonomy",
            key="cell_aut_set",
            on_click=lambda: act(
                token, version, "set_autonomy", st.session_state["cell_aut_asset"], st.session_state["cell_aut_level"]
            ),
        )


main()
