/*
 * bp_armed.c - keeps a breakpoint armed in monitor debug-mode throughout.
 *
 * At start it clears the OS Lock (DBGOSLAR, C11.11.32), arms breakpoint 0 on
 * bench_never(), a function it never calls (DBGBVR0/DBGBCR0 with E = 1,
 * C11.11.4/C11.11.5), and sets DBGDSCR.MDBGen (DBGDSCRext, C11.11.20); then it
 * runs `exits` phases of HVC #0 only.  With MDBGen set LAZY finds the guest's
 * debug state in use at every entry, so every run is switched, as under EAGER.
 * A breakpoint hit (none is expected) is counted by the Prefetch Abort handler
 * and printed as `bp_armed: hits=N`.
 */
#include "bench.h"

BREAKPOINT_TARGET(bench_never)
BREAKPOINT_HIT_COUNTER(hits, DBGBCR0)

int main(void)
{
    struct bench_args a;
    bench_parse_args(&a);
    WR(DBGOSLAR, 0);
    WR(DBGBVR0, (uint32_t)bench_never & ~3u);
    WR(DBGBCR0, BCR_ARM_ENABLED);
    WR(DBGDSCRext, RD(DBGDSCRext) | MDBGEN);
    bench_mark();
    for (uint32_t i = 0; i < a.exits; i++)
        bench_hvc();
    bench_mark();
    bench_report("bp_armed", a.exits, a.exits);
    if (hits) {
        sh_write0("bp_armed: hits=");
        put_dec(hits);
        sh_write0("\n");
    }
    return 0;
}
