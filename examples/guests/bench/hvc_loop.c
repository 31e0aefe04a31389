/*
 * hvc_loop.c - the floor: `exits` null hypercalls in a tight loop, no debug register touched.
 *
 * Each HVC #0 from Non-secure PL1 (DDI 0406C B9.3.4) is taken to Hyp mode (HSR.EC 0x12),
 * so every iteration is one world-switch round trip and nothing else: under
 * every policy the debug registers are never trapped, and only EAGER moves them.
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
    bench_mark();
    for (uint32_t i = 0; i < a.exits; i++)
        bench_hvc();
    bench_mark();
    bench_report("hvc_loop", a.exits, 0);
    return 0;
}
