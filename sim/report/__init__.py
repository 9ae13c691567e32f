"""Reports of a Monte Carlo: matplotlib figures (:mod:`sim.report.figures`) and tables (:mod:`sim.report.tables`).

Both take a :class:`sim.experiments.summary.MonteCarloSummary`. Nothing is imported here, so importing
``sim.report`` stays cheap; figures never touch pyplot's global state (safe in worker processes and
Streamlit).
"""
