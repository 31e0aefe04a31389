/*
 * guest_start.S - start-up, vectors and Prefetch Abort entry of the guests.
 *
 * The modelled hypervisor enters a guest in Non-secure SVC mode with A, I and
 * F masked.  The start-up code sets the SVC and Abort stacks, points VBAR at
 * the vector table (DDI 0406C B4.1.156) and calls main(); main's status goes
 * to guest_exit().  A Prefetch Abort (a breakpoint debug event, C4.1) saves
 * r0-r3, r12 and lr on the Abort stack and calls pabt_handler(lr), which
 * returns the address to resume at (SUBS PC, LR, #0: CPSR <- SPSR_abt).
 */
	.syntax	unified
	.arm

	.equ	MODE_SVC, 0x13
	.equ	MODE_ABT, 0x17

	.section .vectors, "ax"
	.global	vectors
	.balign	32
vectors:
	b	_start			@ 0x00 Reset
	b	.			@ 0x04 Undefined Instruction
	b	.			@ 0x08 Supervisor Call (semihosting traps before)
	b	pabt_entry		@ 0x0c Prefetch Abort
	b	.			@ 0x10 Data Abort
	b	.			@ 0x14 (Hyp Trap: not taken at PL1)
	b	.			@ 0x18 IRQ
	b	.			@ 0x1c FIQ

	.text
	.global	_start
	.type	_start, %function
_start:
	ldr	sp, =svc_stack_top
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0	@ VBAR
	isb
	cps	#MODE_ABT
	ldr	sp, =abt_stack_top
	cps	#MODE_SVC
	bl	main
	bl	guest_exit
1:	b	1b
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

	.bss
	.balign	8
	.space	4096
svc_stack_top:
	.space	1024
abt_stack_top:
