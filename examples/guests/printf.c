/*
 * printf.c - formatted output and integer arithmetic.
 *
 * Exercises newlib's printf with %d %i %u %x %X %o %s %c %ld %lu %lld
 * %llu %llx, field widths, zero/left padding, precision and the '+', ' '
 * and '#' flags, together with 32-bit division/modulo (which calls the
 * EABI helpers __aeabi_idiv/__aeabi_uidiv on cores without a divider),
 * 64-bit multiply, shifts and 64-bit division (__aeabi_ldivmod).
 *
 * The output is fully deterministic and identical on any host that has
 * 32-bit int and 64-bit long long.  Returns 0.
 */
#include <stdio.h>

/*
 * Explicit types so that the format strings match on every host
 * (newlib's uint32_t is "unsigned long", glibc's is "unsigned int").
 */
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef long long s64;

_Static_assert(sizeof(u32) == 4 && sizeof(u64) == 8, "unexpected type sizes");

/* Keep the compiler from folding arithmetic at build time. */
static volatile s32 vol_seed = 12345;

static u32 lcg_state;

static u32 lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static s32 gcd(s32 a, s32 b)
{
    while (b != 0) {
        s32 t = a % b;
        a = b;
        b = t;
    }
    return a < 0 ? -a : a;
}

static u64 factorial(u32 n)
{
    u64 r = 1;
    for (u32 i = 2; i <= n; i++)
        r *= i;
    return r;
}

static u32 isqrt(u32 x)
{
    u32 r = 0, bit = 1u << 30;
    while (bit > x)
        bit >>= 2;
    while (bit != 0) {
        if (x >= r + bit) {
            x -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
        bit >>= 2;
    }
    return r;
}

int main(void)
{
    s32 seed = vol_seed;

    printf("printf test\n");

    /* Basic conversions */
    printf("d: %d %d %d\n", 0, 42, -42);
    printf("i: %i\n", seed);
    printf("u: %u %u\n", 3000000000u, (unsigned)-1);
    printf("x: %x %X %#x %#o %o\n", 0xdeadbeefu, 0xcafebabeu, 255u, 8u, 511u);
    printf("s: [%s] [%s]\n", "hello", "");
    printf("c: %c%c%c\n", 'A', 'r', 'm');
    printf("percent: 100%%\n");
    printf("ld: %ld %ld\n", (long)-2147483647 - 1, (long)2147483647);
    printf("lu: %lu\n", (unsigned long)4000000000u);
    printf("lld: %lld %lld\n", -9223372036854775807LL - 1, 1234567890123456789LL);
    printf("llu: %llu\n", 18446744073709551615ULL);
    printf("llx: %llx %016llX\n", 0x123456789abcdefULL, 0xfedcba98ULL);

    /* Width, padding, precision, flags */
    printf("w: [%5d] [%-5d] [%05d] [%+d] [% d]\n", 42, 42, 42, 42, 42);
    printf("w: [%8x] [%-8x] [%08x]\n", 0xbeefu, 0xbeefu, 0xbeefu);
    printf("w: [%10s] [%-10s] [%.3s] [%*d] [%-*d]\n",
           "right", "left", "truncate", 6, 7, 6, 7);
    printf("p: [%.5d] [%8.3d] [%-8.3d]\n", 42, -7, 7);
    printf("w: [%3c] [%-3c]\n", 'x', 'y');
    printf("w: [%20lld] [%-20lld]\n", -123456789012LL, 123456789012LL);

    /* 32-bit arithmetic with division and modulo */
    s32 a = seed * 7;            /* 86415 */
    s32 b = -(seed / 100);       /* -123 */
    printf("div: %d / %d = %d rem %d\n", a, b, a / b, a % b);
    printf("div: %d / %d = %d rem %d\n", -a, 17, -a / 17, -a % 17);
    u32 ua = 4000000000u - (u32)seed;
    printf("udiv: %u / %u = %u rem %u\n", ua, 12345u, ua / 12345u, ua % 12345u);
    printf("gcd(%d, %d) = %d\n", 1071 * seed, 462 * 7, gcd(1071 * seed, 462 * 7));
    printf("isqrt(%u) = %u\n", 2000000000u, isqrt(2000000000u));

    /* Shifts and bit operations */
    u32 v = (u32)seed << 12;
    printf("bits: %08x %08x %08x %08x\n", v, v >> 5, (u32)((s32)(v | 0x80000000u) >> 4),
           (v << 7) | (v >> 25));
    printf("bits: %08x %08x %08x\n", v & 0xff00ff00u, v | 0x0f0f0f0fu, v ^ 0xffffffffu);

    /* 64-bit multiply, shifts and division */
    u64 m = (u64)(u32)seed * 3000000000u;
    s64 sm = (s64)(-seed) * 1000000007LL;
    printf("mul64: %llu %lld\n", m, sm);
    printf("mul64: %llx\n", m * m);
    printf("div64: %llu %lld %lld\n", m / 977u, sm / 31, sm % 31);
    printf("shift64: %llx %llx %lld\n", m << 20, m >> 13, sm >> 9);
    for (u32 n = 5; n <= 20; n += 5)
        printf("%u! = %llu\n", n, factorial(n));

    /* A small table driven by a linear congruential generator */
    lcg_state = (u32)seed;
    u32 sum = 0;
    s64 acc = 0;
    for (int i = 0; i < 8; i++) {
        u32 r = lcg_next();
        s32 s = (s32)r;
        sum += r;
        acc += (s64)s * (s64)(i - 4);
        printf("%2d | %08x | %11d | %10u | %5u\n", i, r, s, r, r % 10007u);
    }
    printf("sum=%u acc=%lld\n", sum, acc);

    printf("done\n");
    return 0;
}
