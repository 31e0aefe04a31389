/*
 * load_use.S - 64 dependent loads (LDR r1, [r1] on a word holding its own address): the load-use latency.
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	ldr	r1, =cell
	str	r1, [r1]
	bx	lr

bench:
	BENCH_START
	.rept	64
	ldr	r1, [r1]
	.endr
	BENCH_END

	.ltorg
	.data
	.align	2
cell:	.word	0
	.text
