/*
 * host.S - a host kernel stand-in that runs in Non-secure SVC mode between
 * guest runs (armsim kvm --host host.elf).
 *
 * Its loop calls host_target() (at LOAD_BASE + 0x100, see kvm.ld) and then
 * asks the hypervisor to run the guest (HVC #0).  The host never arms a
 * debug event: a Prefetch Abort (a breakpoint debug event, DDI 0406C C4.1)
 * is reported to the hypervisor with HVC #0xDB and the breakpointed
 * instruction (a NOP) is skipped, so the run does not livelock as Linux's
 * hw_breakpoint handler would.
 */
	.syntax	unified
	.arm
	.arch_extension virt

	.equ	MODE_SVC, 0x13
	.equ	MODE_ABT, 0x17

	.section .vectors, "ax"
	.balign	32
host_vectors:
	b	_start			@ 0x00
	b	.			@ 0x04
	b	.			@ 0x08
	b	host_pabt		@ 0x0c Prefetch Abort
	b	.			@ 0x10
	b	.			@ 0x14
	b	.			@ 0x18
	b	.			@ 0x1c

	.section .text.target, "ax"
	.global	host_target
	.type	host_target, %function
host_target:
	nop
	add	r4, r4, #1		@ count the calls
	bx	lr
	.size	host_target, . - host_target

	.text
	.global	_start
	.type	_start, %function
_start:
	ldr	sp, =host_stack_top
	ldr	r0, =host_vectors
	mcr	p15, 0, r0, c12, c0, 0	@ VBAR
	isb
	cps	#MODE_ABT
	ldr	sp, =host_abt_stack_top
	cps	#MODE_SVC
	mov	r4, #0
1:	bl	host_target
	hvc	#0			@ run the guest
	b	1b
	.size	_start, . - _start

	.type	host_pabt, %function
host_pabt:
	hvc	#0xdb			@ an unarmed debug exception
	movs	pc, lr			@ skip the breakpointed NOP
	.size	host_pabt, . - host_pabt

	.bss
	.balign	8
	.space	1024
host_stack_top:
	.space	256
host_abt_stack_top:
