"""What both engines share above the kernels: draw purposes, provocation rungs, the technology layer at start."""
