/*
 * pmccntr_loop.S - a 16-iteration loop reading PMCCNTR (C12.1): what a guest timing itself pays.
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	mov	r0, #16
	bx	lr

bench:
	BENCH_START
1:	mrc	p15, 0, r1, c9, c13, 0	@ PMCCNTR
	subs	r0, r0, #1
	bne	1b
	BENCH_END
