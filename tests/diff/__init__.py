"""Differential tests: armsim against unicorn on generated A32 instructions (DESIGN.md section 6)."""
