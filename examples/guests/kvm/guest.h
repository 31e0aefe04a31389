/*
 * guest.h - what the hypervisor-model guests share: semihosting output and
 * exit (../common/semihost.h), CP14 debug register access (DDI 0406C C11.11
 * encodings, ../common/debug_regs.h), and the hypercall that ends a run
 * (HVC #0, B1.14.x; the modelled KVM answers it as a PSCI call and sets r0 to
 * NOT_SUPPORTED).
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

#include "debug_regs.h"
#include "semihost.h"

static inline void hypercall(void)
{
    __asm__ volatile(".arch_extension virt\n\thvc #0" ::: "r0", "memory");
}

static inline void put_hex(uint32_t v)
{
    char buf[11];
    fmt_hex(buf, v, 8);
    sh_write0(buf);
}

static inline void put_dec(uint32_t v)
{
    char buf[12];
    sh_write0(fmt_dec(buf, v));
}

uint32_t pabt_handler(uint32_t lr);

#endif
