"""The reference engine: a Mesa model of the crisis with a simpy command-and-control pipeline."""

from sim.model.model import EscalationModel

__all__ = ["EscalationModel"]
