"""Instruction semantics, one builder per operation, shared by every encoding.

Builders here take *decoded arguments* (register numbers, expanded immediates,
shift types) rather than instruction fields, so the A32, T16 and T32 rows of
one instruction reach the same semantics.  See :mod:`armsim.isa.contract` for
the op contract.
"""
