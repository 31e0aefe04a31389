/*
 * phases.c - a guest in PHASES phases, each ended by HVC #0 (a guest exit).
 *
 * In phase p it programs breakpoint and watchpoint pair 0 (DBGBVR0/DBGBCR0,
 * DBGWVR0/DBGWCR0, DDI 0406C C11.11) with values derived from p, none enabled,
 * reads the four back and prints them.  It never sets DBGDSCR.MDBGen.  Under
 * the lazy policy the first write of each phase traps and makes the next run
 * dirty, so the debug registers are switched once per phase; under the eager
 * policy on every run.  Under eager and lazy it reads back what it wrote
 * (under raz-wi it reads zeros).
 */
#include "guest.h"

#ifndef PHASES
#define PHASES 4
#endif

uint32_t pabt_handler(uint32_t lr)
{
    return lr; /* no breakpoint is ever enabled */
}

int main(void)
{
    for (uint32_t p = 1; p <= PHASES; p++) {
        WR(DBGBVR0, 0x1000u * p);
        WR(DBGBCR0, 0x1e6u | (p << 16));        /* E = 0: not enabled */
        WR(DBGWVR0, 0x2000u * p);
        WR(DBGWCR0, 0x1feu);                     /* E = 0 */
        uint32_t bvr = RD(DBGBVR0), bcr = RD(DBGBCR0), wvr = RD(DBGWVR0), wcr = RD(DBGWCR0);
        sh_write0("phase ");
        put_dec(p);
        sh_write0(": ");
        put_hex(bvr);
        sh_write0(" ");
        put_hex(bcr);
        sh_write0(" ");
        put_hex(wvr);
        sh_write0(" ");
        put_hex(wcr);
        sh_write0("\n");
        hypercall();
    }
    sh_write0("done\n");
    return 0;
}
