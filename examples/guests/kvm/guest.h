/*
 * guest.h - what the hypervisor-model guests share: semihosting output and
 * exit, CP14 debug register access (DDI 0406C C11.11 encodings, opc1 = 0),
 * and the hypercall that ends a run (HVC #0, B1.14.x; the modelled KVM answers
 * it as a PSCI call and sets r0 to NOT_SUPPORTED).
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

#define STR(x) #x
#define XSTR(x) STR(x)
#define MRC14(crn, crm, op2) ({ uint32_t v_; \
    __asm__ volatile("mrc p14, 0, %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) : "=r"(v_)); v_; })
#define MCR14(crn, crm, op2, val) __asm__ volatile( \
    "mcr p14, 0, %0, c" XSTR(crn) ", c" XSTR(crm) ", " XSTR(op2) "\n\tisb" :: "r"((uint32_t)(val)) : "memory")
#define RD(reg) MRC14_(reg)
#define MRC14_(...) MRC14(__VA_ARGS__)
#define WR(reg, v) MCR14_(reg, v)
#define MCR14_(...) MCR14(__VA_ARGS__)

/* (CRn, CRm, opc2) */
#define DBGDIDR    0, 0, 0
#define DBGDSCRint 0, 1, 0
#define DBGDSCRext 0, 2, 2
#define DBGBVR0    0, 0, 4
#define DBGBCR0    0, 0, 5
#define DBGBVR1    0, 1, 4
#define DBGBCR1    0, 1, 5
#define DBGWVR0    0, 0, 6
#define DBGWCR0    0, 0, 7
#define DBGOSLAR   1, 0, 4

/* The semihosting call (ARM DUI 0471 / the semihosting spec): SVC 0x123456 in
 * ARM state, SVC 0xAB in Thumb state (armsim and QEMU intercept both). */
#ifdef __thumb__
#define SEMIHOST_SVC "svc 0xab"
#else
#define SEMIHOST_SVC "svc 0x123456"
#endif

#define MDBGEN (1u << 15)
/* DBGBCR: E, PMC = 0b11 (PL0 and PL1), BAS = 0b1111 (an ARM instruction), unlinked address match. */
#define BCR_ARM_ENABLED 0x1e7u

static inline void hypercall(void)
{
    __asm__ volatile(".arch_extension virt\n\thvc #0" ::: "r0", "memory");
}

static inline void sh_write0(const char *s)
{
    register uint32_t r0 __asm__("r0") = 0x04; /* SYS_WRITE0 */
    register const char *r1 __asm__("r1") = s;
    __asm__ volatile(SEMIHOST_SVC : "+r"(r0) : "r"(r1) : "memory");
}

static inline void put_hex(uint32_t v)
{
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xf];
    buf[10] = 0;
    sh_write0(buf);
}

static inline void put_dec(uint32_t v)
{
    char buf[12];
    int i = 11;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sh_write0(buf + i);
}

void guest_exit(int status);
uint32_t pabt_handler(uint32_t lr);

#endif
