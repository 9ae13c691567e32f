"""`python -m sim` is the `flashpoint` command."""

from sim.cli import console

console()
