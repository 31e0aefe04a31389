/*
 * branch_random.S - 100 iterations of a branch on a pseudo-random bit (16-bit Galois LFSR, taps 0xB400, seed 0xACE1): an unpredictable branch.
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	ldr	r2, =0xACE1
	mov	r0, #100
	mov	r3, #0
	bx	lr

bench:
	BENCH_START
1:	lsrs	r2, r2, #1		@ C = the bit shifted out
	eorcs	r2, r2, #0xB400
	bcs	2f			@ taken when the bit was 1
	add	r3, r3, #1
2:	subs	r0, r0, #1
	bne	1b
	BENCH_END
	.ltorg
