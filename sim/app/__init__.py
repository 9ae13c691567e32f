"""Non-UI logic of the facilitator's Streamlit app (``streamlit_app.py`` and ``app_pages/``).

Nothing here imports Streamlit, so every piece is testable on its own: scenario editing and
validation (:mod:`~sim.app.editing`), policy levers mapped to ``--set`` overrides
(:mod:`~sim.app.levers`), background jobs (:mod:`~sim.app.jobs`), result downloads
(:mod:`~sim.app.results`), the recorded live game with undo and redo (:mod:`~sim.app.session`),
games as files and the per-session autosave (:mod:`~sim.app.gamefile`; the file's strict document,
:mod:`~sim.app.game_document`; this installation's data directory and signing key,
:mod:`~sim.app.installation`), the theatre as data and as
SVG pictures (:mod:`~sim.app.theatre`, :mod:`~sim.app.drawing`), "odds from here"
(:mod:`~sim.app.odds`), Compare's verdicts, forest plot and tables (:mod:`~sim.app.comparison`) and
the debrief package (:mod:`~sim.app.debrief`).
"""
