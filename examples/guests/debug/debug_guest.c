/*
 * debug_guest.c - a bare-metal guest that uses the ARMv7.1 debug hardware
 * through CP14 in monitor debug-mode (DDI 0406C C3, C4, C11).
 *
 * It reads DBGDIDR, clears the OS Lock, enables monitor debug-mode
 * (DBGDSCRext.MDBGen), then
 *   1. arms breakpoint 0 on target() three times; each call takes a Prefetch
 *      Abort whose handler prints IFSR and DBGDSCR.MOE, disarms the
 *      breakpoint and resumes the function;
 *   2. executes BKPT #1: a Prefetch Abort with MOE = BKPT, resumed after it;
 *   3. arms watchpoint 0 on the word `watched` for stores and stores 42; the
 *      Data Abort's handler prints DFSR, DFAR, DBGWFAR and MOE, disarms, and
 *      re-executes the store, which then completes; then a load-only watch is
 *      missed by a store and hit by a load;
 * and prints the hit counts.  Output goes through semihosting SYS_WRITE0.
 * Addresses are printed relative to symbols, so every build prints the same,
 * except that the QEMU build (-DQEMU_SUBSET, linked for the virt board's RAM)
 * leaves out DBGWFAR, which QEMU 7.2 does not implement.
 * Exit status 0 when every count is as expected, 1 otherwise.
 */

#include <stdint.h>

#include "debug_regs.h"
#include "semihost.h"

#define MOE(dscr) (((dscr) >> 2) & 0xf)
/* DBGBCR: E, PMC = 0b11 (PL0 and PL1), unlinked address match, and BAS (C3.3 "Byte address
 * selection"): 0b1111 for an ARM instruction, 0b0011 / 0b1100 for the Thumb halfword at
 * DBGBVR / DBGBVR + 2. */
#define BCR_ADDR(bas) (0x7u | ((uint32_t)(bas) << 5))
#define CODE(f) ((uint32_t)(f) & ~1u) /* a function's address without the Thumb bit */
#define SPSR_T (1u << 5)
/* DBGWCR: E, PAC = 0b11, LSC, BAS = 0b1111 (the word at DBGWVR). */
#define WCR_WORD(lsc) (0x1e7u | ((uint32_t)(lsc) << 3))
#define LSC_LOAD 1
#define LSC_STORE 2

static char line[128];
static int pos;

static void put(const char *s)
{
    while (*s && pos < (int)sizeof line - 2)
        line[pos++] = *s++;
}

static void put_hex(uint32_t v, int digits)
{
    char buf[11];
    fmt_hex(buf, v, digits);
    put(buf);
}

static void put_dec(uint32_t v)
{
    char buf[12];
    put(fmt_dec(buf, v));
}

static void put_offset(uint32_t addr, uint32_t base, const char *name)
{
    put(name);
    if (addr >= base) {
        put("+");
        put_dec(addr - base);
    } else {
        put("-");
        put_dec(base - addr);
    }
}

static void endl(void)
{
    line[pos++] = '\n';
    line[pos] = 0;
    sh_write0(line);
    pos = 0;
}

/* -- what the handlers see ------------------------------------------------------------- */
static volatile uint32_t bp_hits, bkpt_hits, wp_hits, target_calls;
volatile uint32_t watched __attribute__((aligned(8)));
extern char bkpt_here[], watched_store[], watched_load[];

__attribute__((noinline)) void target(uint32_t n)
{
    target_calls += n;
}

static uint32_t ifsr_read(void) { return MRC15(0, 5, 0, 1); }
static uint32_t dfsr_read(void) { return MRC15(0, 5, 0, 0); }
static uint32_t dfar_read(void) { return MRC15(0, 6, 0, 0); }

static uint32_t spsr_read(void)
{
    uint32_t v;
    __asm__ volatile("mrs %0, spsr" : "=r"(v));
    return v;
}

/* Prefetch Abort: LR = the aborted instruction + 4 in both states (B1.9.8). */
uint32_t pabt_handler(uint32_t lr)
{
    uint32_t insn = lr - 4;
    uint32_t dscr = RD(DBGDSCRint);
    uint32_t ifsr = ifsr_read();
    put("  prefetch abort at ");
    if (MOE(dscr) == 3)
        put_offset(insn, CODE(bkpt_here), "bkpt_here");
    else
        put_offset(insn, CODE(target), "target");
    put(": IFSR.FS=");
    put_hex((ifsr & 0xf) | ((ifsr >> 6) & 0x10), 2);
    put(" MOE=");
    put_hex(MOE(dscr), 1);
    endl();
    if (MOE(dscr) == 1) { /* breakpoint: disarm and re-execute the instruction */
        bp_hits++;
        WR(DBGBCR0, 0);
        return insn;
    }
    if (MOE(dscr) == 3) { /* BKPT: resume after it (4 bytes in ARM state, 2 in Thumb) */
        bkpt_hits++;
        return insn + (spsr_read() & SPSR_T ? 2 : 4);
    }
    put("  unexpected prefetch abort");
    endl();
    guest_exit(2);
    return lr;
}

/* Data Abort: LR = the aborted instruction + 8 in both states (B1.9.9). */
uint32_t dabt_handler(uint32_t lr)
{
    uint32_t insn = lr - 8;
    uint32_t dscr = RD(DBGDSCRint);
    uint32_t dfsr = dfsr_read();
    uint32_t dfar = dfar_read();
    int store = insn == CODE(watched_store);
    put("  data abort at ");
    put(store ? "watched_store" : insn == CODE(watched_load) ? "watched_load" : "?");
    put(": DFSR.FS=");
    put_hex((dfsr & 0xf) | ((dfsr >> 6) & 0x10), 2);
    put(" MOE=");
    put_hex(MOE(dscr), 1);
    put(" DFAR=");
    put_offset(dfar, (uint32_t)&watched, "watched");
    endl();
#ifndef QEMU_SUBSET
    /* C11.11 DBGWFAR (v7: the instruction + 8 in ARM state, + 4 in Thumb).  QEMU 7.2 does not
     * implement it (UNDEFINED there), so the QEMU build leaves it out. */
    put("  DBGWFAR=");
    put_offset(RD(DBGWFAR), insn, "insn");
    endl();
#endif
    if (MOE(dscr) != 10) {
        put("  unexpected data abort");
        endl();
        guest_exit(2);
    }
    wp_hits++;
    WR(DBGWCR0, 0); /* disarm; the access is re-executed and completes */
    return insn;
}

__attribute__((noinline)) static void store_watched(uint32_t v)
{
    __asm__ volatile(".global watched_store\nwatched_store: str %0, [%1]" :: "r"(v), "r"(&watched) : "memory");
}

__attribute__((noinline)) static uint32_t load_watched(void)
{
    uint32_t v;
    __asm__ volatile(".global watched_load\nwatched_load: ldr %0, [%1]" : "=r"(v) : "r"(&watched) : "memory");
    return v;
}

int main(void)
{
    uint32_t didr = RD(DBGDIDR);
    put("DBGDIDR: WRPs=");
    put_dec((didr >> 28) + 1);
    put(" BRPs=");
    put_dec(((didr >> 24) & 0xf) + 1);
    put(" CTX_CMPs=");
    put_dec(((didr >> 20) & 0xf) + 1);
    put(" Version=");
    put_dec((didr >> 16) & 0xf);
    endl();

    put("DBGOSLSR.OSLK at reset=");
    put_dec((RD(DBGOSLSR) >> 1) & 1);
    WR(DBGOSLAR, 0); /* any value but the key clears the OS Lock */
    put(", after unlock=");
    put_dec((RD(DBGOSLSR) >> 1) & 1);
    endl();

    WR(DBGDSCRext, RD(DBGDSCRext) | MDBGEN);
    put("DBGDSCR.MDBGen=");
    put_dec((RD(DBGDSCRint) >> 15) & 1);
    endl();

    put("breakpoint on target:");
    endl();
    for (uint32_t i = 1; i <= 3; i++) {
        uint32_t at = CODE(target);
        WR(DBGBVR0, at & ~3u);
        WR(DBGBCR0, BCR_ADDR((uint32_t)target & 1 ? (at & 2 ? 0xc : 0x3) : 0xf));
        target(i);
    }
    target(10); /* disarmed: no hit */
    put("breakpoint hits=");
    put_dec(bp_hits);
    put(" target_calls=");
    put_dec(target_calls);
    endl();

    put("BKPT:");
    endl();
    __asm__ volatile(".global bkpt_here\nbkpt_here: bkpt #1" ::: "memory");
    put("BKPT hits=");
    put_dec(bkpt_hits);
    endl();

    put("watchpoint on watched (stores):");
    endl();
    watched = 7;
    WR(DBGWVR0, (uint32_t)&watched);
    WR(DBGWCR0, WCR_WORD(LSC_STORE));
    store_watched(42);
    put("watched=");
    put_dec(watched);
    endl();

    put("watchpoint on watched (loads):");
    endl();
    WR(DBGWCR0, WCR_WORD(LSC_LOAD));
    store_watched(43); /* a store: not watched */
    uint32_t v = load_watched();
    put("loaded=");
    put_dec(v);
    endl();

    put("watchpoint hits=");
    put_dec(wp_hits);
    endl();
    int ok = bp_hits == 3 && target_calls == 16 && bkpt_hits == 1 && wp_hits == 2 && watched == 43 && v == 43;
    put(ok ? "debug guest: all hits as expected" : "debug guest: UNEXPECTED counts");
    endl();
    return ok ? 0 : 1;
}
