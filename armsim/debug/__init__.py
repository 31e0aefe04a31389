"""ARMv7.1 debug: the CP14 register file and breakpoint/watchpoint matching (DDI 0406C Part C)."""
