/*
 * semihost.h - the semihosting calls of the bare-metal guests (the ARM
 * semihosting specification: SVC 0x123456 in ARM state, SVC 0xAB in Thumb
 * state; armsim and QEMU intercept both), and number formatting for them.
 */
#ifndef SEMIHOST_H
#define SEMIHOST_H

#include <stdint.h>

#ifdef __thumb__
#define SEMIHOST_SVC "svc 0xab"
#else
#define SEMIHOST_SVC "svc 0x123456"
#endif

/* SYS_WRITE0 (0x04): the NUL-terminated string s on the console. */
static inline void sh_write0(const char *s)
{
    register uint32_t r0 __asm__("r0") = 0x04;
    register const char *r1 __asm__("r1") = s;
    __asm__ volatile(SEMIHOST_SVC : "+r"(r0) : "r"(r1) : "memory");
}

/* SYS_EXIT_EXTENDED with the status (exit.c); does not return. */
void guest_exit(int status);

/* "0x" and the low `digits` hex digits of v, NUL-terminated, in buf[digits + 3]. */
static inline void fmt_hex(char *buf, uint32_t v, int digits)
{
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < digits; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (4 * (digits - 1 - i))) & 0xf];
    buf[2 + digits] = 0;
}

/* v in decimal, NUL-terminated, written backwards from buf[11]; returns its first character. */
static inline char *fmt_dec(char buf[12], uint32_t v)
{
    int i = 11;
    buf[i] = 0;
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return buf + i;
}

#endif
