/*
 * debug_start.S - start-up, vectors and abort entry for debug_guest.c.
 *
 * Runs from Hyp mode (QEMU's virt board with virtualization=on starts an ELF
 * there) or from a PL1 mode (armsim starts in Secure SVC).  From Hyp it drops
 * to Non-secure SVC with an exception return (B1.8.x ERET), because no debug
 * exception is ever generated in Hyp mode (DDI 0406C C3.1).  Then it points
 * VBAR at the vector table (when the table is not already at 0), gives Abort
 * mode a stack and calls main().
 *
 * Prefetch and Data Aborts call the C handlers with the aborted instruction's
 * LR through the shared abort entry (../common/start.inc); the handler returns
 * the address to resume at.
 */
	.syntax	unified
	.arm
	.arch_extension virt

#include "start.inc"

	.global	vectors
	vector_table vectors, reset, pabt_entry, dabt_entry

	.text
	.global	_start
	.type	_start, %function
_start:
reset:
	mrs	r0, cpsr
	and	r0, r0, #MODE_MASK
	cmp	r0, #MODE_HYP
	bne	1f
	@ Hyp: SPSR_hyp = SVC with A, I, F masked; ELR_hyp = 1f; ERET.
	mov	r0, #(MODE_SVC | PSR_AIF)
	msr	spsr_cxsf, r0
	adr	r0, 1f
	msr	elr_hyp, r0
	eret
1:	pl1_start vectors, svc_stack_top, abt_stack_top, nonzero=1
	bl	main
	bl	guest_exit		@ exit with main's status
	b	.
	.size	_start, . - _start

	abort_entry pabt_entry, pabt_handler
	abort_entry dabt_entry, dabt_handler

	stacks	svc_stack_top, 4096, abt_stack_top, 1024
