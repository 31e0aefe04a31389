/*
 * hyp_guest.S - a bare-metal hypervisor and its guest (DDI 0406C B1.14 Virtualization Extensions).
 *
 * Starts in Hyp mode (armsim --boot-mode hyp; QEMU -M virt,virtualization=on), installs a Hyp vector
 * table in HVBAR, sets the trap controls -- HSTR.T13 (CP15 c13 accesses, B1.14.14) and HDCR.TDA (CP14
 * debug registers, B1.14.15) -- and drops to Non-secure SVC with ERET.  The guest part executes an HVC, a
 * trapped CP15 read (TPIDRPRW) and a trapped CP14 write (DBGBVR0), then HVC #0xff to end the run.  The Hyp
 * Trap handler (HVBAR + 0x14, B1.14.x) decodes HSR (B3.13.6: EC, IL, ISS fields), prints what it saw via
 * semihosting, emulates the access (the CP15 read returns 0x1234abcd, the CP14 write is ignored), steps
 * ELR_hyp past a trapped instruction (not past an HVC: ELR_hyp already points after it) and returns with
 * ERET.  No addresses are printed, so the build linked at 0 and the one linked at 0x40000000 (QEMU's virt
 * RAM) print the same transcript.
 */
	.syntax	unified
	.arm
	.arch_extension virt
	.arch_extension sec

	.equ	MODE_MASK, 0x1f
	.equ	MODE_HYP, 0x1a
	.equ	MODE_SVC, 0x13
	.equ	PSR_AIF, 0x1c0
	.equ	HDCR_TDA, 1 << 9
	.equ	HSTR_T13, 1 << 13
	.equ	SYS_WRITE0, 0x04
	.equ	SYS_EXIT_EXTENDED, 0x20
	.equ	EMULATED, 0x1234abcd

	.text
	.global	_start
_start:
	mrs	r0, cpsr
	and	r0, r0, #MODE_MASK
	cmp	r0, #MODE_HYP
	beq	1f
	ldr	r0, =msg_not_hyp
	bl	puts
	mov	r0, #1
	b	exit
1:	ldr	sp, =hyp_stack_top
	ldr	r0, =hyp_vectors
	mcr	p15, 4, r0, c12, c0, 0		@ HVBAR (B4.1.80)
	mov	r0, #0
	mcr	p15, 4, r0, c1, c1, 0		@ HCR = 0 (B4.1.65)
	ldr	r0, =HDCR_TDA
	mcr	p15, 4, r0, c1, c1, 1		@ HDCR.TDA (B4.1.67)
	ldr	r0, =HSTR_T13
	mcr	p15, 4, r0, c1, c1, 3		@ HSTR.T13 (B4.1.74)
	isb
	ldr	r0, =msg_hyp
	bl	puts
	mrc	p15, 4, r0, c1, c1, 1
	ldr	r1, =msg_hdcr
	bl	field
	mrc	p15, 4, r0, c1, c1, 3
	ldr	r1, =msg_hstr
	bl	field
	bl	newline
	@ ERET to the guest: SPSR_hyp = SVC with A, I, F masked, ELR_hyp = guest (B9.3 ERET).
	mov	r0, #(MODE_SVC | PSR_AIF)
	msr	spsr_cxsf, r0
	ldr	r0, =guest
	msr	elr_hyp, r0
	eret

/* -- the guest, in Non-secure SVC mode ------------------------------------------------------------ */
guest:
	ldr	sp, =svc_stack_top
	ldr	r0, =msg_guest
	bl	puts
	mov	r0, #0
	hvc	#0x42			@ EC 0x12, imm16 0x42; the handler answers in r0
	mov	r4, r0
	ldr	r0, =msg_hvc_ret
	bl	puts
	mov	r0, r4
	bl	puthex
	bl	newline
	mov	r2, #0
	mrc	p15, 0, r2, c13, c0, 4	@ TPIDRPRW: trapped by HSTR.T13 (EC 0x03)
	mov	r4, r2
	ldr	r0, =msg_tpidr
	bl	puts
	mov	r0, r4
	bl	puthex
	bl	newline
	ldr	r1, =0x8000
	mcr	p14, 0, r1, c0, c0, 4	@ DBGBVR0: trapped by HDCR.TDA (EC 0x05)
	ldr	r0, =msg_bvr
	bl	puts
	hvc	#0xff			@ "done": the hypervisor ends the run
	b	.

/* -- the Hyp vector table (HVBAR, B1.14.x: + 0x14 is every entry from NS PL0/PL1) ---------------- */
	.balign	32
hyp_vectors:
	b	hyp_unexpected		@ 0x00 (not used)
	b	hyp_unexpected		@ 0x04 Undefined Instruction in Hyp mode
	b	hyp_unexpected		@ 0x08 HVC / SVC in Hyp mode
	b	hyp_unexpected		@ 0x0c Prefetch Abort in Hyp mode
	b	hyp_unexpected		@ 0x10 Data Abort in Hyp mode
	b	hyp_trap		@ 0x14 Hyp Trap
	b	hyp_unexpected		@ 0x18 IRQ
	b	hyp_unexpected		@ 0x1c FIQ

hyp_unexpected:
	ldr	r0, =msg_unexpected
	bl	puts
	mov	r0, #3
	b	exit

/* The Hyp Trap handler: r0-r12 and lr of the guest are saved on the Hyp stack (frame[n] = Rn). */
hyp_trap:
	push	{r0-r12, lr}
	mrc	p15, 4, r4, c5, c2, 0	@ HSR (B4.1.73)
	lsr	r5, r4, #26		@ EC
	ldr	r0, =msg_trap
	bl	puts
	mov	r0, r4
	bl	puthex
	ldr	r0, =msg_ec
	bl	puts
	mov	r0, r5
	bl	putdec
	ubfx	r0, r4, #25, #1		@ IL
	ldr	r1, =msg_il
	bl	dfield
	cmp	r5, #0x12
	beq	trap_hvc
	cmp	r5, #0x03
	ldreq	r6, =msg_p15
	beq	trap_cp32
	cmp	r5, #0x05
	ldreq	r6, =msg_p14
	beq	trap_cp32
	bl	newline
	b	hyp_unexpected

trap_hvc:
	ldr	r0, =msg_hvc
	bl	puts
	uxth	r0, r4			@ ISS imm16
	bl	puthex
	bl	newline
	uxth	r0, r4
	cmp	r0, #0xff
	beq	guest_done
	add	r0, r0, #0x1000		@ the answer: imm16 + 0x1000 in the guest's r0
	str	r0, [sp]
	b	trap_return		@ ELR_hyp already points after the HVC

trap_cp32:				@ ISS: CV 24, COND 23:20, Opc2 19:17, Opc1 16:14, CRn 13:10, Rt 8:5, CRm 4:1, Dir 0
	ubfx	r0, r4, #24, #1
	ldr	r1, =msg_cv
	bl	dfield
	ubfx	r0, r4, #20, #4
	ldr	r1, =msg_cond
	bl	dfield
	bl	newline
	tst	r4, #1
	ldrne	r0, =msg_mrc
	ldreq	r0, =msg_mcr
	bl	puts
	mov	r0, r6
	bl	puts
	ubfx	r0, r4, #14, #3		@ Opc1
	bl	putdec
	ldr	r0, =msg_r
	bl	puts
	ubfx	r7, r4, #5, #4		@ Rt
	mov	r0, r7
	bl	putdec
	ldr	r0, =msg_c
	bl	puts
	ubfx	r0, r4, #10, #4		@ CRn
	bl	putdec
	ldr	r0, =msg_c
	bl	puts
	ubfx	r0, r4, #1, #4		@ CRm
	bl	putdec
	ldr	r0, =msg_comma
	bl	puts
	ubfx	r0, r4, #17, #3		@ Opc2
	bl	putdec
	tst	r4, #1
	beq	1f
	@ A read: CP15 returns EMULATED, CP14 reads as zero (RAZ).
	cmp	r5, #0x03
	ldreq	r0, =EMULATED
	movne	r0, #0
	cmp	r7, #13
	strlo	r0, [sp, r7, lsl #2]
	mov	r8, r0
	ldr	r0, =msg_gets
	bl	puts
	mov	r0, r8
	bl	puthex
	b	2f
1:	ldr	r0, =msg_ignored	@ a write: ignored (WI)
	bl	puts
2:	bl	newline
	mrs	r0, elr_hyp		@ skip the trapped instruction (IL = 1: 4 bytes)
	add	r0, r0, #4
	msr	elr_hyp, r0
trap_return:
	pop	{r0-r12, lr}
	eret

guest_done:
	ldr	r0, =msg_done
	bl	puts
	mov	r0, #0
	b	exit

/* -- output via semihosting (SYS_WRITE0) and exit (SYS_EXIT_EXTENDED) ----------------------------- */
puts:					@ r0 = string
	mov	r1, r0
	mov	r0, #SYS_WRITE0
	svc	0x123456
	bx	lr

newline:
	ldr	r0, =msg_nl
	b	puts

field:					@ print r1 (a label) then r0 in hex
	push	{r0, lr}
	mov	r0, r1
	bl	puts
	pop	{r0, lr}
	b	puthex

dfield:					@ print r1 (a label) then r0 in decimal
	push	{r0, lr}
	mov	r0, r1
	bl	puts
	pop	{r0, lr}
	b	putdec

puthex:					@ r0 = value: "0x" and 8 hex digits
	ldr	r1, =numbuf
	mov	r2, #'0'
	strb	r2, [r1], #1
	mov	r2, #'x'
	strb	r2, [r1], #1
	mov	r3, #28
1:	lsr	r2, r0, r3
	and	r2, r2, #0xf
	cmp	r2, #10
	addlo	r2, r2, #'0'
	addhs	r2, r2, #('a' - 10)
	strb	r2, [r1], #1
	subs	r3, r3, #4
	bpl	1b
	mov	r2, #0
	strb	r2, [r1]
	ldr	r0, =numbuf
	b	puts

putdec:					@ r0 = 0..99 in decimal
	ldr	r1, =numbuf
	cmp	r0, #10
	blo	1f
	mov	r2, #0
2:	sub	r0, r0, #10
	add	r2, r2, #1
	cmp	r0, #10
	bhs	2b
	add	r2, r2, #'0'
	strb	r2, [r1], #1
1:	add	r0, r0, #'0'
	strb	r0, [r1], #1
	mov	r2, #0
	strb	r2, [r1]
	ldr	r0, =numbuf
	b	puts

exit:					@ r0 = status
	ldr	r1, =exit_block
	ldr	r2, =0x20026		@ ADP_Stopped_ApplicationExit
	str	r2, [r1]
	str	r0, [r1, #4]
	mov	r0, #SYS_EXIT_EXTENDED
	svc	0x123456
	b	.

	.ltorg

	.section .rodata
msg_not_hyp:	.asciz	"hyp_guest: not started in Hyp mode (armsim: --boot-mode hyp)\n"
msg_hyp:	.asciz	"hyp: started in Hyp mode; trap controls set:"
msg_hdcr:	.asciz	" HDCR="
msg_hstr:	.asciz	" HSTR="
msg_guest:	.asciz	"guest: Non-secure SVC; HVC #0x42\n"
msg_hvc_ret:	.asciz	"guest: HVC returned r0="
msg_tpidr:	.asciz	"guest: MRC TPIDRPRW read "
msg_bvr:	.asciz	"guest: MCR DBGBVR0 done; HVC #0xff\n"
msg_trap:	.asciz	"hyp: Hyp Trap HSR="
msg_ec:		.asciz	" EC="
msg_il:		.asciz	" IL="
msg_cv:		.asciz	" CV="
msg_cond:	.asciz	" COND="
msg_hvc:	.asciz	" HVC imm16="
msg_mrc:	.asciz	"hyp:   MRC "
msg_mcr:	.asciz	"hyp:   MCR "
msg_p15:	.asciz	"p15, "
msg_p14:	.asciz	"p14, "
msg_r:		.asciz	", r"
msg_c:		.asciz	", c"
msg_comma:	.asciz	", "
msg_gets:	.asciz	" -> emulated "
msg_ignored:	.asciz	" -> ignored"
msg_done:	.asciz	"hyp: guest finished\n"
msg_unexpected:	.asciz	"hyp: unexpected exception\n"
msg_nl:		.asciz	"\n"

	.bss
	.balign	8
numbuf:		.space	16
exit_block:	.space	8
	.space	1024
hyp_stack_top:
	.space	1024
svc_stack_top:
