"""Experiments over the engines: a run as a function, Monte Carlo, statistics, sweeps, comparisons,
sensitivity analysis, storage and executors (local processes, Dask).

Experiments reach the engines only through :mod:`sim.engines`; their results are saved, then analysed
(EMA Workbench's "separate experimentation and analysis").
"""
