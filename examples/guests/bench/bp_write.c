/*
 * bp_write.c - writes a breakpoint register in a chosen fraction of its phases.
 *
 * In each selected phase (bench.h: `fraction=P`, spread evenly) it writes
 * DBGBVR0 (MCR p14, 0, Rt, c0, c0, 4; DDI 0406C C11.11.5) with an address that
 * changes per phase, leaving DBGBCR0.E = 0 (nothing is armed), then ends the
 * phase with HVC #0.  Under LAZY the write traps (HDCR.TDA, B1.14.15), marks
 * the debug state dirty, and the rest of the phase runs switched: one debug
 * switch per selected phase.  Under EAGER it goes to the hardware directly and
 * every run is switched; under RAZ_WI it traps and is ignored.
 */
#include "bench.h"

uint32_t pabt_handler(uint32_t lr)
{
    return lr; /* no breakpoint is ever enabled */
}

int main(void)
{
    struct bench_args a;
    bench_parse_args(&a);
    uint32_t acc = 0, touched = 0;
    bench_mark();
    for (uint32_t p = 1; p <= a.exits; p++) {
        if (bench_phase_selected(&acc, a.fraction_ppm)) {
            WR(DBGBVR0, 0x00100000u + 4u * p);
            touched++;
        }
        bench_hvc();
    }
    bench_mark();
    bench_report("bp_write", a.exits, touched);
    return 0;
}
