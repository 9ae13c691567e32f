"""Non-UI logic of the facilitator's Streamlit app (``streamlit_app.py`` and ``app_pages/``).

Nothing here imports Streamlit, so every piece is testable on its own: scenario editing and
validation (:mod:`~sim.app.editing`), policy levers mapped to ``--set`` overrides
(:mod:`~sim.app.levers`), background jobs (:mod:`~sim.app.jobs`), result downloads
(:mod:`~sim.app.results`), the recorded live game (:mod:`~sim.app.session`), "odds from here"
(:mod:`~sim.app.odds`) and the debrief package (:mod:`~sim.app.debrief`).
"""
