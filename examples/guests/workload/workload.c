/*
 * A long, mixed C workload for measuring simulator speed (benchmarks/mips.py).
 *
 *   workload [ROUNDS]      (default 16 rounds, about 28 M instructions)
 *
 * Each round runs five kernels on data derived from the round number and
 * folds their results into a running checksum:
 *
 *   crc     table-driven CRC-32 (polynomial 0xEDB88320) over an 8 KiB buffer,
 *           and a bitwise CRC-16/CCITT over its first 256 bytes;
 *   sort    a quicksort and a bottom-up merge sort of 2500 LCG-generated
 *           words, checked against each other;
 *   matrix  a 32x32 integer matrix product, its trace and a row/column fold;
 *   string  building, copying, comparing, searching and reversing strings
 *           (own routines and newlib's), plus a decimal formatter;
 *   calls   recursive Fibonacci, a recursive GCD, function-pointer dispatch
 *           and a small expression evaluator (call- and return-heavy code).
 *
 * It prints one line per round and the final checksum, and exits 0 (3 if the
 * two sorts disagree).  Only integer arithmetic: the output is the same on any
 * correct ARMv7-A implementation, and the host's gcc prints it too.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned int u32;

static u32 lcg_state;

static u32 lcg(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static u32 mix(u32 h, u32 v)
{
    h ^= v + 0x9E3779B9u + (h << 6) + (h >> 2);
    return h;
}

/* ---- crc ---------------------------------------------------------------- */

#define CRC_BYTES 8192
static u32 crc_table[256];
static unsigned char crc_buf[CRC_BYTES];

static void crc_init(void)
{
    for (u32 i = 0; i < 256; i++) {
        u32 c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static u32 crc32(const unsigned char *p, u32 n)
{
    u32 c = 0xFFFFFFFFu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static u32 crc16(const unsigned char *p, u32 n)
{
    u32 c = 0xFFFF;
    while (n--) {
        c ^= (u32)*p++ << 8;
        for (int k = 0; k < 8; k++)
            c = (c & 0x8000) ? ((c << 1) ^ 0x1021) & 0xFFFF : (c << 1) & 0xFFFF;
    }
    return c;
}

static u32 kernel_crc(u32 round)
{
    for (u32 i = 0; i < CRC_BYTES; i++)
        crc_buf[i] = (unsigned char)(lcg() >> 24);
    crc_buf[round % CRC_BYTES] ^= 0x5A;
    return mix(crc32(crc_buf, CRC_BYTES), crc16(crc_buf, 256));
}

/* ---- sort --------------------------------------------------------------- */

#define SORT_N 2500
static u32 sort_a[SORT_N], sort_b[SORT_N], sort_tmp[SORT_N];

static void quicksort(u32 *v, int lo, int hi)
{
    while (lo < hi) {
        u32 pivot = v[lo + (hi - lo) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                u32 t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        /* Recurse into the smaller part, loop on the larger. */
        if (j - lo < hi - i) {
            quicksort(v, lo, j);
            lo = i;
        } else {
            quicksort(v, i, hi);
            hi = j;
        }
    }
}

static void mergesort(u32 *v, u32 *tmp, int n)
{
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n;
            int hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, (size_t)n * sizeof *v);
    }
}

static int sort_failed;

static u32 kernel_sort(void)
{
    for (int i = 0; i < SORT_N; i++)
        sort_a[i] = sort_b[i] = lcg() >> 8;
    quicksort(sort_a, 0, SORT_N - 1);
    mergesort(sort_b, sort_tmp, SORT_N);
    u32 h = 0;
    for (int i = 0; i < SORT_N; i++) {
        if (sort_a[i] != sort_b[i] || (i && sort_a[i - 1] > sort_a[i]))
            sort_failed = 1;
        h = mix(h, sort_a[i]);
    }
    return h;
}

/* ---- matrix ------------------------------------------------------------- */

#define MAT_N 32
static int mat_a[MAT_N][MAT_N], mat_b[MAT_N][MAT_N], mat_c[MAT_N][MAT_N];

static u32 kernel_matrix(void)
{
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            mat_a[i][j] = (int)(lcg() >> 20) - 2048;
            mat_b[i][j] = (int)(lcg() >> 21) - 1024;
        }
    for (int i = 0; i < MAT_N; i++)
        for (int j = 0; j < MAT_N; j++) {
            int s = 0;
            for (int k = 0; k < MAT_N; k++)
                s += mat_a[i][k] * mat_b[k][j];
            mat_c[i][j] = s;
        }
    u32 h = 0;
    int trace = 0;
    for (int i = 0; i < MAT_N; i++) {
        trace += mat_c[i][i];
        int row = 0, col = 0;
        for (int j = 0; j < MAT_N; j++) {
            row ^= mat_c[i][j];
            col += mat_c[j][i] >> 3;
        }
        h = mix(h, (u32)row);
        h = mix(h, (u32)col);
    }
    return mix(h, (u32)trace);
}

/* ---- string ------------------------------------------------------------- */

static const char *const words[] = {
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
    "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa",
};

static u32 my_strlen(const char *s)
{
    const char *p = s;
    while (*p)
        p++;
    return (u32)(p - s);
}

static char *my_strcpy(char *d, const char *s)
{
    char *r = d;
    while ((*d++ = *s++) != 0)
        ;
    return r;
}

static void reverse(char *s, u32 n)
{
    for (u32 i = 0, j = n ? n - 1 : 0; i < j; i++, j--) {
        char t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
}

/* Decimal digits of v into buf, by repeated division (__aeabi_uidivmod). */
static u32 utoa10(u32 v, char *buf)
{
    u32 n = 0;
    do {
        buf[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    buf[n] = 0;
    reverse(buf, n);
    return n;
}

static char str_a[1024], str_b[1024];

static u32 kernel_string(void)
{
    u32 h = 0;
    for (int rep = 0; rep < 12; rep++) {
        u32 len = 0;
        str_a[0] = 0;
        for (int i = 0; i < 40; i++) {
            const char *w = words[lcg() >> 28];
            u32 wl = my_strlen(w);
            my_strcpy(str_a + len, w);
            len += wl;
            len += utoa10(lcg() >> 16, str_a + len);
            str_a[len++] = ' ';
            str_a[len] = 0;
        }
        strcpy(str_b, str_a);
        reverse(str_b, len);
        h = mix(h, len);
        h = mix(h, (u32)strcmp(str_a, str_b) + 7u);
        h = mix(h, (u32)(strchr(str_a, 'z') != 0));
        const char *f = strstr(str_a, "echo");
        h = mix(h, f ? (u32)(f - str_a) : 0xFFFFu);
        h = mix(h, (u32)memcmp(str_a, str_b, len / 2) + 3u);
        for (u32 i = 0; i < len; i++)
            h = mix(h, (unsigned char)str_b[i]);
        h = mix(h, (u32)atoi(str_a + my_strlen(words[0])));
    }
    return h;
}

/* ---- calls -------------------------------------------------------------- */

static u32 fib(u32 n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static u32 gcd(u32 a, u32 b)
{
    return b ? gcd(b, a % b) : a;
}

static u32 op_add(u32 a, u32 b) { return a + b; }
static u32 op_sub(u32 a, u32 b) { return a - b; }
static u32 op_mul(u32 a, u32 b) { return a * b; }
static u32 op_xor(u32 a, u32 b) { return a ^ b; }
static u32 op_rot(u32 a, u32 b) { b &= 31; return b ? (a << b) | (a >> (32 - b)) : a; }

static u32 (*const ops[])(u32, u32) = { op_add, op_sub, op_mul, op_xor, op_rot };

/* A random expression tree of the given depth, evaluated recursively. */
static u32 eval(int depth)
{
    if (depth == 0)
        return lcg() >> 12;
    u32 (*op)(u32, u32) = ops[(lcg() >> 16) % 5];
    u32 l = eval(depth - 1);
    u32 r = eval(depth - 1);
    return op(l, r);
}

static u32 kernel_calls(u32 round)
{
    u32 h = fib(17 + round % 3);
    for (int i = 0; i < 60; i++) {
        u32 a = lcg() >> 4;  /* two statements: C leaves the order of arguments open */
        u32 b = lcg() >> 8;
        h = mix(h, gcd(a, b));
    }
    for (int i = 0; i < 16; i++)
        h = mix(h, eval(7));
    return h;
}

/* ---- main --------------------------------------------------------------- */

int main(int argc, char **argv)
{
    u32 rounds = argc > 1 ? (u32)strtoul(argv[1], 0, 0) : 16;
    u32 sum = 0;
    crc_init();
    for (u32 r = 0; r < rounds; r++) {
        lcg_state = 0x12345678u ^ (r * 0x9E3779B9u);
        u32 c = kernel_crc(r);
        u32 s = kernel_sort();
        u32 m = kernel_matrix();
        u32 t = kernel_string();
        u32 k = kernel_calls(r);
        sum = mix(mix(mix(mix(mix(sum, c), s), m), t), k);
        printf("round %2lu: crc %08lx sort %08lx matrix %08lx string %08lx calls %08lx\n",
               (unsigned long)r, (unsigned long)c, (unsigned long)s, (unsigned long)m, (unsigned long)t,
               (unsigned long)k);
    }
    printf("workload: %lu rounds, checksum %08lx%s\n", (unsigned long)rounds, (unsigned long)sum,
           sort_failed ? " SORT MISMATCH" : "");
    return sort_failed ? 3 : 0;
}
