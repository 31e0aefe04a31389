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

#define STR(x) #x
#define XSTR(x) STR(x)
#define MRC14(crn, crm, op2) ({ uint32_t v_; \
    __asm__ volatile("mrc p14, 0, %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) : "=r"(v_)); v_; })
#define MCR14(crn, crm, op2, val) __asm__ volatile( \
    "mcr p14, 0, %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) "\n\tisb" :: "r"((uint32_t)(val)) : "memory")
#define MRC15(opc1, crn, crm, op2) ({ uint32_t v_; \
    __asm__ volatile("mrc p15, " XSTR(opc1) ", %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) : "=r"(v_)); v_; })

/* C11.11 register encodings (CRn, CRm, opc2), opc1 = 0. */
#define DBGDIDR       0, 0, 0
#define DBGDSCRint    0, 1, 0
#define DBGDSCRext    0, 2, 2
#define DBGWFAR       0, 6, 0
#define DBGBVR0       0, 0, 4
#define DBGBCR0       0, 0, 5
#define DBGWVR0       0, 0, 6
#define DBGWCR0       0, 0, 7
#define DBGOSLAR      1, 0, 4
#define DBGOSLSR      1, 1, 4
#define RD(reg) MRC14_(reg)
#define MRC14_(...) MRC14(__VA_ARGS__)
#define WR(reg, v) MCR14_(reg, v)
#define MCR14_(...) MCR14(__VA_ARGS__)

#define MDBGEN (1u << 15)
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

static void sh_write0(const char *s)
{
    register uint32_t r0 __asm__("r0") = 0x04; /* SYS_WRITE0 */
    register const char *r1 __asm__("r1") = s;
#ifdef __thumb__
    __asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
}

void guest_exit(int status)
{
    static uint32_t block[2];
    block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
    block[1] = (uint32_t)status;
    register uint32_t r0 __asm__("r0") = 0x20; /* SYS_EXIT_EXTENDED */
    register uint32_t *r1 __asm__("r1") = block;
#ifdef __thumb__
    __asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
    __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
    for (;;) {
    }
}

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
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < digits; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 0xf];
    buf[2 + digits] = 0;
    put(buf);
}

static void put_dec(uint32_t v)
{
    char buf[12];
    int i = 11;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put(buf + i);
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
