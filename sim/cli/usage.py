"""Usage errors as one located line, and the checks argparse makes while it reads the options.

argparse prints its usage (a dozen lines) and ``prog: error: ...``; ``flashpoint`` prints one line in
the form of every other error, located at the option it is about, and exits with 2::

    --runs:1:1: runs: invalid int value: 'abc' (see flashpoint run --help)
    flashpoint:1:1: run: the following arguments are required: SCENARIO (see flashpoint run --help)
    flashpoint:1:1: COMMAND: invalid choice: 'frob' (choose from 'validate', ...) (see flashpoint --help)
    --bogus:1:1: bogus: unrecognized arguments: --bogus (see flashpoint --help)
"""

from __future__ import annotations

import argparse
import re
from typing import NoReturn

from sim.scenario.printable import printable

__all__ = ["Parser", "scheduler_address"]

_ARGUMENT = re.compile(r"^argument (?P<names>[^:]+): (?P<rest>.*)$", re.DOTALL)
_LISTED = re.compile(r"^(?:the following arguments are required|unrecognized arguments): (?P<first>\S+)")


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors are one ``WHERE:1:1: name: message`` line (exit code 2)."""

    def error(self, message: str) -> NoReturn:
        """Print the usage error as one located line and exit with 2."""
        where, name, text = self._locate(message)
        line = f"{where}:1:1: {name}: {' '.join(text.split())} (see {self.prog} --help)"
        self.exit(2, printable(line) + "\n")

    def _locate(self, message: str) -> tuple[str, str, str]:
        """Where the error is (the option, or the program), the name shown, and the message."""
        command = self.prog.partition(" ")[2]
        match = _ARGUMENT.match(message)
        if match:
            names = match["names"].split("/")
            option = next((n for n in names if n.startswith("--")), names[0])
            if option.startswith("-"):
                return option, _name(option), match["rest"]
            return self.prog.partition(" ")[0], option, match["rest"]  # a positional argument: SCENARIO, COMMAND
        listed = _LISTED.match(message)
        if listed and listed["first"].startswith("-"):
            return listed["first"], _name(listed["first"]), message
        return self.prog.partition(" ")[0], command, message


def _name(option: str) -> str:
    return option.lstrip("-").partition("=")[0].replace("-", "_")


def scheduler_address(text: str) -> str:
    """argparse type of ``--scheduler``: a Dask scheduler's address, checked before anything runs.

    Raises:
        argparse.ArgumentTypeError: If it is not ``SCHEME://HOST:PORT`` with a scheme Dask has.
    """
    from sim.experiments.executors import scheduler_address_problem

    problem = scheduler_address_problem(text)
    if problem is not None:
        raise argparse.ArgumentTypeError(problem)
    return text
