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
 * Prefetch and Data Aborts save r0-r3, r12 and lr on the Abort stack and call
 * the C handler with the aborted instruction's LR; the handler returns the
 * address to resume at, and the return is SUBS PC, LR, #0 (CPSR <- SPSR_abt).
 */
	.syntax	unified
	.arm
	.arch_extension virt

	.equ	MODE_MASK, 0x1f
	.equ	MODE_HYP, 0x1a
	.equ	MODE_SVC, 0x13
	.equ	MODE_ABT, 0x17
	.equ	PSR_AIF, 0x1c0

	.section .vectors, "ax"		@ debug.ld puts the vectors first
	.global	vectors
	.balign	32
vectors:
	b	reset			@ 0x00 Reset
	b	.			@ 0x04 Undefined Instruction
	b	.			@ 0x08 Supervisor Call (not used: semihosting traps)
	b	pabt_entry		@ 0x0c Prefetch Abort
	b	dabt_entry		@ 0x10 Data Abort
	b	.			@ 0x14 Hyp Trap (not used)
	b	.			@ 0x18 IRQ
	b	.			@ 0x1c FIQ

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
1:	ldr	sp, =svc_stack_top
	ldr	r0, =vectors
	cmp	r0, #0
	mcrne	p15, 0, r0, c12, c0, 0	@ VBAR (B4.1.156)
	isb
	cps	#MODE_ABT
	ldr	sp, =abt_stack_top
	cps	#MODE_SVC
	bl	main
	bl	guest_exit		@ exit with main's status
2:	b	2b
	.size	_start, . - _start

	.type	pabt_entry, %function
pabt_entry:
	push	{r0-r3, r12, lr}
	mov	r0, lr
	bl	pabt_handler
	mov	lr, r0
	pop	{r0-r3, r12}
	add	sp, sp, #4
	subs	pc, lr, #0
	.size	pabt_entry, . - pabt_entry

	.type	dabt_entry, %function
dabt_entry:
	push	{r0-r3, r12, lr}
	mov	r0, lr
	bl	dabt_handler
	mov	lr, r0
	pop	{r0-r3, r12}
	add	sp, sp, #4
	subs	pc, lr, #0
	.size	dabt_entry, . - dabt_entry

	.bss
	.balign	8
	.space	4096
svc_stack_top:
	.space	1024
abt_stack_top:
