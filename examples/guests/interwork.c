/*
 * interwork.c - ARM and Thumb code calling each other.
 *
 * Functions are compiled for ARM or Thumb state one by one (the target
 * attribute), so calls between them go through BL/BLX (immediate), BLX
 * (register) through function pointers, and returns through BX LR and
 * POP {..., PC} (DDI 0406C A4.1 interworking).  The Thumb side uses IT
 * blocks, CBZ/CBNZ and a TBB/TBH switch; the C library is newlib's Thumb-2
 * build.  Prints a checksum line and exits with 0 when every check agrees.
 */
#include <stdio.h>
#include <string.h>

#define ARM __attribute__((target("arm"), noinline))
#define THUMB __attribute__((target("thumb"), noinline))

typedef unsigned (*fn)(unsigned, unsigned);

ARM unsigned arm_mix(unsigned a, unsigned b) { return (a * 2654435761u) ^ (b >> 3) ^ (b << 7); }
THUMB unsigned thumb_mix(unsigned a, unsigned b) { return (a + 0x9e3779b9u) ^ (b * 40503u); }

THUMB unsigned thumb_select(unsigned x, unsigned y)
{
    /* Conditional code that gcc turns into IT blocks. */
    unsigned r = x > y ? x - y : y - x;
    if ((int)x < 0)
        r ^= 0x5a5a5a5au;
    else if (x == 0)
        r += 17;
    return r;
}

THUMB unsigned thumb_switch(unsigned k, unsigned v)
{
    switch (k & 15) {  /* a table branch (TBB/TBH) */
    case 0: return v + 1;
    case 1: return v * 3;
    case 2: return v ^ 0xffu;
    case 3: return v >> 2;
    case 4: return v << 5;
    case 5: return ~v;
    case 6: return v - 99;
    case 7: return v | 0x100u;
    case 8: return v & 0xf0f0u;
    case 9: return v * v;
    case 10: return v + k;
    default: return v ^ k;
    }
}

ARM unsigned arm_apply(fn f, unsigned a, unsigned b) { return f(a, b) + 1; }
THUMB unsigned thumb_apply(fn f, unsigned a, unsigned b) { return f(a, b) ^ 1u; }

ARM unsigned arm_count(const unsigned *p, unsigned n)
{
    unsigned c = 0;
    while (n--)
        if (*p++)
            c++;
    return c;
}

THUMB unsigned long long thumb_mul64(unsigned a, unsigned b) { return (unsigned long long)a * b; }

static const fn table[] = {arm_mix, thumb_mix, thumb_select, thumb_switch};

int main(void)
{
    unsigned acc = 1, zeros[8];
    char buf[64];
    memset(zeros, 0, sizeof zeros);
    zeros[3] = 5;
    for (unsigned i = 0; i < 200; i++) {
        fn f = table[i & 3];
        acc = (i & 4) ? arm_apply(f, acc, i) : thumb_apply(f, acc, i);
        acc += thumb_switch(i, acc) ^ thumb_select(i, acc >> 7);
    }
    unsigned long long p = thumb_mul64(acc, 0x12345u);
    snprintf(buf, sizeof buf, "%08x %08x%08x %u", acc, (unsigned)(p >> 32), (unsigned)p, arm_count(zeros, 8));
    printf("interwork: %s\n", buf);
    return arm_count(zeros, 8) == 1 ? 0 : 3;
}
