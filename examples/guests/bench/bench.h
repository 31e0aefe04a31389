/*
 * bench.h - what the world-switch benchmark guests share (armsim bench world-switch).
 *
 * Built on the hypervisor-model guests' start-up code and helpers
 * (../kvm/guest.h, guest_start.S; ../common/exit.c).  A benchmark guest runs
 * `exits` phases; each phase ends with one null hypercall (HVC #0 with r0 = 0,
 * which the modelled KVM answers as an unknown PSCI function and resumes the
 * guest: one exit round trip, guest -> Hyp -> handling -> guest).
 *
 * The parameters come from the guest's command line (semihosting
 * SYS_GET_CMDLINE, 0x15), as `key=value` words after the program name:
 *
 *   exits=N       the number of phases, so of HVC round trips (default 100)
 *   fraction=P    the percentage of phases that touch the debug registers,
 *                 0 to 100, up to four decimals (default 100)
 *   reads=K       debug-register reads per touching phase (dbg_read; default 4)
 *
 * The touching phases are spread evenly: phase p (1-based) touches the debug
 * registers when floor(p * P / 100) > floor((p - 1) * P / 100), so exactly
 * floor(N * P / 100) phases do.  A malformed command line ends the guest with
 * status 2 and a message.  At the end a guest prints one line (its name and
 * what it did) and exits with status 0.
 */
#ifndef BENCH_H
#define BENCH_H

#include "../kvm/guest.h"

#define PPM_ONE 1000000u /* fraction=100 in parts per million */

struct bench_args {
    uint32_t exits;
    uint32_t fraction_ppm;
    uint32_t reads;
};

/* Parse the command line into *a (defaults above); exits the guest on a malformed word. */
void bench_parse_args(struct bench_args *a);

/* Evenly spread phase selection: call once per phase; nonzero when this phase touches the debug registers. */
static inline int bench_phase_selected(uint32_t *acc, uint32_t fraction_ppm)
{
    *acc += fraction_ppm;
    if (*acc >= PPM_ONE) {
        *acc -= PPM_ONE;
        return 1;
    }
    return 0;
}

/* The null hypercall that ends a phase: HVC #0 with r0 = 0 (no PSCI function; r0 comes back NOT_SUPPORTED). */
static inline void bench_hvc(void)
{
    register uint32_t r0 __asm__("r0") = 0;
    __asm__ volatile(".arch_extension virt\n\thvc #0" : "+r"(r0) :: "memory");
}

/* The marker hypercall around the measured phases: HVC #1 with r0 = 0. */
static inline void bench_mark(void)
{
    register uint32_t r0 __asm__("r0") = 0;
    __asm__ volatile(".arch_extension virt\n\thvc #1" : "+r"(r0) :: "memory");
}

/* "NAME: exits=N touched=T\n" on the console. */
void bench_report(const char *name, uint32_t exits, uint32_t touched);

#endif
