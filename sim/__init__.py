"""Flashpoint: an agent-based simulator of AI-enabled military crises."""

__version__ = "0.1.0"
