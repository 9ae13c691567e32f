"""White's timeline: every event (the truth) in plain language with its causes, and why a rung changed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sim.app.picture import plain_text
from sim.app.session import GameSession, why
from sim.vocabulary import clock

# --------------------------------------------------------------------------- the timeline


def timeline(session: GameSession) -> None:
    """Every event in plain language with its causes, and why a rung changed."""
    log = session.game.timeline()
    st.subheader("Timeline")
    if not log:
        st.caption("Nothing has happened yet.")
        return
    rows = [
        {
            "#": e.id,
            "time": clock(e.hours),
            "kind": e.kind,
            "event": plain_text(e),
            "because of": ", ".join(f"#{i}" for i in e.cause_chain if i != e.id),
        }
        for e in reversed(log)
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, height=320)
    steps = [e for e in log if e.kind == "rung_change"]
    if steps:
        newest = steps[-1].id
        if st.session_state.get("_why_newest") != newest:  # a new rung change: explain the newest first
            st.session_state["_why_newest"] = newest
            st.session_state["why_pick"] = newest
        chosen = st.selectbox(
            "Why did this happen?",
            [e.id for e in reversed(steps)],
            format_func=lambda i: f"#{i} {clock(log[i].hours)} — {log[i].text}",
            key="why_pick",
        )
        chain = why(session.game, int(chosen))
        st.markdown("\n".join(f"{n}. {line}" for n, line in enumerate(chain, 1)) or "_A root event: no earlier cause._")
