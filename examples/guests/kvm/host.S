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

#include "start.inc"

	vector_table host_vectors, _start, host_pabt

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
	pl1_start host_vectors, host_stack_top, host_abt_stack_top
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

	stacks	host_stack_top, 1024, host_abt_stack_top, 256
