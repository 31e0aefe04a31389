/*
 * branch_loop.S - a 100-iteration SUBS/BNE loop: a predictable branch.
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	mov	r0, #100
	bx	lr

bench:
	BENCH_START
1:	subs	r0, r0, #1
	bne	1b
	BENCH_END
