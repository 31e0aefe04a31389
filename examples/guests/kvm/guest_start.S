/*
 * guest_start.S - start-up, vectors and Prefetch Abort entry of the guests.
 *
 * The modelled hypervisor enters a guest in Non-secure SVC mode with A, I and
 * F masked.  The start-up code sets the SVC and Abort stacks, points VBAR at
 * the vector table (DDI 0406C B4.1.156) and calls main(); main's status goes
 * to guest_exit().  A Prefetch Abort (a breakpoint debug event, C4.1) calls
 * pabt_handler(lr) through the shared abort entry (../common/start.inc),
 * which resumes at the address the handler returns.
 */
	.syntax	unified
	.arm

#include "start.inc"

	.global	vectors
	vector_table vectors, _start, pabt_entry

	.text
	.global	_start
	.type	_start, %function
_start:
	pl1_start vectors, svc_stack_top, abt_stack_top
	bl	main
	bl	guest_exit
	b	.
	.size	_start, . - _start

	abort_entry pabt_entry, pabt_handler

	stacks	svc_stack_top, 4096, abt_stack_top, 1024
