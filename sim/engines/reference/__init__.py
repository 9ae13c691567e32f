"""The reference engine: a Mesa model of the crisis with a simpy command-and-control pipeline."""

from sim.engines.reference.model import EscalationModel

__all__ = ["EscalationModel"]
