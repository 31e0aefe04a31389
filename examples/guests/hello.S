/*
 * hello.S - "Hello, world!" in pure ARM assembly, no C library.
 *
 * Output goes through ARM semihosting:
 *   SYS_WRITE0 (0x04): r1 = address of a NUL-terminated string
 *   SYS_EXIT   (0x18): r1 = 0x20026 (ADP_Stopped_ApplicationExit)
 * The semihosting trap in ARM state is "svc 0x123456" with the
 * operation number in r0 and the argument in r1.
 *
 * Build: arm-none-eabi-gcc -nostdlib -marm -march=armv7-a \
 *            -Wl,-Ttext=0x8000 -o hello.elf hello.S
 */

	.file	"hello.S"
	.syntax unified
	.arm

	.equ	SYS_WRITE0, 0x04
	.equ	SYS_EXIT,   0x18
	.equ	ADP_Stopped_ApplicationExit, 0x20026

	.text
	.global	_start
	.type	_start, %function
_start:
	ldr	sp, =0x80000		@ set up a stack
	mov	r0, #SYS_WRITE0
	adr	r1, message
	svc	0x123456		@ write the string
	mov	r0, #SYS_EXIT
	ldr	r1, =ADP_Stopped_ApplicationExit
	svc	0x123456		@ exit, status 0
1:	b	1b			@ not reached
	.size	_start, . - _start

	.ltorg

message:
	.asciz	"Hello, world!\n"
	.align	2
