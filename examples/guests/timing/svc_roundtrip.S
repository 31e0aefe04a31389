/*
 * svc_roundtrip.S - 16 SVC round trips: SVC #0, exception entry, MOVS PC, LR back (B1.8.4, B1.8.10).
 * Frame and figures: bench.inc.  Hand-calculated cycles: tests/test_timing_guests.py.
 */
	.include "bench.inc"

setup:
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0	@ VBAR (B4.1.156)
	bx	lr

bench:
	BENCH_START
	.rept	16
	svc	#0
	.endr
	BENCH_END
	.ltorg

	.align	5
vectors:
	b	.			@ reset
	b	.			@ undefined instruction
	movs	pc, lr			@ supervisor call: return to the next instruction
	b	.			@ prefetch abort
	b	.			@ data abort
	b	.			@ (Hyp trap)
	b	.			@ IRQ
	b	.			@ FIQ
