/*
 * cp15_loop.S - 32 CP15 reads (MRC p15, 0, r1, c0, c0, 0: MIDR): serialising coprocessor moves.
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	bx	lr

bench:
	BENCH_START
	.rept	32
	mrc	p15, 0, r1, c0, c0, 0
	.endr
	BENCH_END
