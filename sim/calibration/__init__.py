"""Calibration: fit the model's behavioural parameters to the historical record with ABC-SMC (MCMC moves).

- :mod:`sim.calibration.targets` — the targets file (statistics, observed values, uncertainties, sources)
  and the parameters fitted, with their priors;
- :mod:`sim.calibration.statistics` — the statistics of simulated runs that targets name;
- :mod:`sim.calibration.simulator` — parameters in, statistics out (the compiled engine);
- :mod:`sim.calibration.abc` — the ABC-SMC run: SQLite history (resumable), samplers (processes or Dask),
  progress per generation, the posterior file;
- :mod:`sim.calibration.report` — posterior predictive check, pairwise posterior plot, identifiability.
"""
