/*
 * dbg_read.c - reads the debug registers often and never writes them.
 *
 * In each selected phase (bench.h: `fraction=P`, default 100) it reads
 * `reads=K` debug registers, cycling through DBGBVR0, DBGBCR0, DBGWVR0 and
 * DBGWCR0 (MRC p14, 0, Rt, c0, c0, 4..7; DDI 0406C C11.11), then ends the
 * phase with HVC #0.  Under LAZY (and RAZ_WI) each read traps (HDCR.TDA,
 * B1.14.15) and never makes the state dirty, so nothing is switched; under
 * EAGER the reads go to the hardware and every run is switched.  It prints the
 * XOR of what it read (0 on a fresh vcpu) as part of `touched`.
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
    uint32_t acc = 0, touched = 0, x = 0;
    bench_mark();
    for (uint32_t p = 1; p <= a.exits; p++) {
        if (bench_phase_selected(&acc, a.fraction_ppm)) {
            for (uint32_t k = 0; k < a.reads; k++) {
                switch (k & 3) {
                case 0: x ^= RD(DBGBVR0); break;
                case 1: x ^= RD(DBGBCR0); break;
                case 2: x ^= RD(DBGWVR0); break;
                default: x ^= RD(DBGWCR0); break;
                }
            }
            touched++;
        }
        bench_hvc();
    }
    bench_mark();
    bench_report("dbg_read", a.exits, touched);
    if (x != 0) {
        sh_write0("dbg_read: read back ");
        put_hex(x);
        sh_write0("\n");
    }
    return 0;
}
