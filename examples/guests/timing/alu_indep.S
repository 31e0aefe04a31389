/*
 * alu_indep.S - 96 independent immediate ALU operations on six registers: the issue width.
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	mov	r0, #0
	mov	r1, #0
	mov	r2, #0
	mov	r3, #0
	mov	r4, #0
	mov	r5, #0
	bx	lr

bench:
	BENCH_START
	.rept	16
	add	r0, r0, #1
	add	r1, r1, #1
	add	r2, r2, #1
	add	r3, r3, #1
	add	r4, r4, #1
	add	r5, r5, #1
	.endr
	BENCH_END
