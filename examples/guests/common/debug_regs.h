/*
 * debug_regs.h - CP14 debug register access for the bare-metal guests
 * (DDI 0406C C11.11 encodings, opc1 = 0), CP15 reads, and the field values
 * the guests program.
 *
 *   RD(DBGDSCRint)        MRC p14, 0, Rt, c0, c1, 0
 *   WR(DBGBCR0, value)    MCR p14, 0, Rt, c0, c0, 5, then ISB
 */
#ifndef DEBUG_REGS_H
#define DEBUG_REGS_H

#include <stdint.h>

#define STR(x) #x
#define XSTR(x) STR(x)
#define MRC14(crn, crm, op2) ({ uint32_t v_; \
    __asm__ volatile("mrc p14, 0, %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) : "=r"(v_)); v_; })
#define MCR14(crn, crm, op2, val) __asm__ volatile( \
    "mcr p14, 0, %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) "\n\tisb" :: "r"((uint32_t)(val)) : "memory")
#define MRC15(opc1, crn, crm, op2) ({ uint32_t v_; \
    __asm__ volatile("mrc p15, " XSTR(opc1) ", %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) : "=r"(v_)); v_; })
#define RD(reg) MRC14_(reg)
#define MRC14_(...) MRC14(__VA_ARGS__)
#define WR(reg, v) MCR14_(reg, v)
#define MCR14_(...) MCR14(__VA_ARGS__)

/* C11.11 register encodings (CRn, CRm, opc2), opc1 = 0. */
#define DBGDIDR    0, 0, 0
#define DBGDSCRint 0, 1, 0
#define DBGDSCRext 0, 2, 2
#define DBGWFAR    0, 6, 0
#define DBGBVR0    0, 0, 4
#define DBGBCR0    0, 0, 5
#define DBGBVR1    0, 1, 4
#define DBGBCR1    0, 1, 5
#define DBGWVR0    0, 0, 6
#define DBGWCR0    0, 0, 7
#define DBGOSLAR   1, 0, 4
#define DBGOSLSR   1, 1, 4

#define MDBGEN (1u << 15) /* DBGDSCR.MDBGen, monitor debug-mode enable */
/* DBGBCR: E, PMC = 0b11 (PL0 and PL1), BAS = 0b1111 (an ARM instruction), unlinked address match. */
#define BCR_ARM_ENABLED 0x1e7u

/*
 * A guest that counts breakpoint hits: `hits` and the Prefetch Abort handler
 * (called by start.inc's abort entry) that counts a hit, disarms the
 * breakpoint whose control register is `bcr` and re-executes the
 * breakpointed instruction (LR = the instruction + 4, B1.9.8).
 */
#define BREAKPOINT_HIT_COUNTER(hits, bcr) \
    static volatile uint32_t hits; \
    uint32_t pabt_handler(uint32_t lr) \
    { \
        hits++; \
        MCR14_(bcr, 0); \
        return lr - 4; \
    }

/* A function a breakpoint is armed on: one NOP, never inlined (so it has its own address). */
#define BREAKPOINT_TARGET(name) \
    __attribute__((noinline)) void name(void) \
    { \
        __asm__ volatile("nop"); \
    }

#endif
