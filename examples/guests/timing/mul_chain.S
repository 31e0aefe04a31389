/*
 * mul_chain.S - 64 dependent multiplies (MUL r1, r1, r2): the multiply result latency.
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	mov	r1, #3
	mov	r2, #5
	bx	lr

bench:
	BENCH_START
	.rept	64
	mul	r1, r1, r2
	.endr
	BENCH_END
