"""`python -m sim` is the `flashpoint` command."""

import sys

from sim.cli import main

sys.exit(main())
