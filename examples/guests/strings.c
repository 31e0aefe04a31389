/*
 * strings.c - C library string/memory routines, sorting and CRC-32.
 *
 * Exercises strlen strcpy strcat strcmp strncmp strchr strrchr strstr
 * memcpy memmove memset memcmp sprintf atoi strtol and qsort (on an
 * array of strings and on ints), then does some heavier work:
 *   - sorts 1200 LCG-generated ints with insertion sort and with qsort
 *     and checks that both agree;
 *   - computes a bitwise CRC-32 (reflected polynomial 0xEDB88320) over a
 *     generated 4 KiB buffer, several times over.
 * In total this runs a few million ARM instructions.
 *
 * Deterministic output; returns 0 (3 if an internal check failed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned int u32;
typedef int s32;

_Static_assert(sizeof(u32) == 4, "unexpected int size");

static u32 failures;

static void check(int ok, const char *what)
{
    if (!ok) {
        failures++;
        printf("FAIL: %s\n", what);
    }
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

/* ---- string routines ---------------------------------------------- */

static void string_tests(void)
{
    char buf[128];
    char other[64];

    printf("strlen: %u %u %u\n", (u32)strlen(""), (u32)strlen("a"),
           (u32)strlen("The quick brown fox"));

    strcpy(buf, "Hello");
    strcat(buf, ", ");
    strcat(buf, "world");
    strcat(buf, "!");
    printf("strcpy/strcat: [%s] len %u\n", buf, (u32)strlen(buf));

    printf("strcmp: %d %d %d %d\n", sign(strcmp("abc", "abc")),
           sign(strcmp("abc", "abd")), sign(strcmp("abd", "abc")),
           sign(strcmp("ab", "abc")));
    printf("strncmp: %d %d %d\n", sign(strncmp("abcdef", "abcxyz", 3)),
           sign(strncmp("abcdef", "abcxyz", 4)), sign(strncmp("x", "y", 0)));

    const char *p = strchr(buf, 'o');
    printf("strchr: offset %d, [%s]\n", (int)(p - buf), p);
    p = strrchr(buf, 'o');
    printf("strrchr: offset %d, [%s]\n", (int)(p - buf), p);
    printf("strchr miss: %s\n", strchr(buf, 'z') == NULL ? "NULL" : "found");
    p = strstr(buf, "wor");
    printf("strstr: offset %d, [%s]\n", (int)(p - buf), p);
    printf("strstr miss: %s\n", strstr(buf, "worlds") == NULL ? "NULL" : "found");

    /* memcpy / memmove with overlap / memset / memcmp */
    for (int i = 0; i < 64; i++)
        other[i] = (char)('A' + i % 26);
    memcpy(buf, other, 26);
    buf[26] = '\0';
    printf("memcpy: [%s]\n", buf);
    memmove(buf + 3, buf, 10);            /* overlapping, forwards */
    printf("memmove fwd: [%s]\n", buf);
    memmove(buf, buf + 5, 10);            /* overlapping, backwards */
    printf("memmove bwd: [%s]\n", buf);
    memset(buf + 4, '*', 6);
    printf("memset: [%s]\n", buf);
    printf("memcmp: %d %d %d\n", sign(memcmp("abcd", "abcd", 4)),
           sign(memcmp("abcd", "abce", 4)), sign(memcmp("\xff", "\x01", 1)));

    /* Unaligned and longer copies exercise the word-at-a-time paths. */
    static char big_src[300], big_dst[300];
    for (int i = 0; i < 300; i++)
        big_src[i] = (char)(i * 13 + 1);
    u32 ok = 1;
    for (int off = 0; off < 4; off++) {
        for (int doff = 0; doff < 4; doff++) {
            memset(big_dst, 0, sizeof big_dst);
            memcpy(big_dst + doff, big_src + off, 250);
            if (memcmp(big_dst + doff, big_src + off, 250) != 0)
                ok = 0;
        }
    }
    printf("unaligned memcpy: %s\n", ok ? "ok" : "BAD");
    check(ok, "unaligned memcpy");

    /* sprintf / atoi / strtol */
    int n = sprintf(buf, "%d|%x|%s|%c|%05u", -1234, 0xabcu, "str", 'q', 42u);
    printf("sprintf: [%s] returned %d\n", buf, n);
    printf("atoi: %d %d %d %d\n", atoi("12345"), atoi("-987"), atoi("  42abc"), atoi("x"));
    char *end;
    long v1 = strtol("0x7fff", &end, 16);
    printf("strtol: %ld rest [%s]\n", v1, end);
    long v2 = strtol("-0777 tail", &end, 8);
    printf("strtol: %ld rest [%s]\n", v2, end);
    long v3 = strtol("  123456789", &end, 10);
    printf("strtol: %ld rest [%s]\n", v3, end);
    long v4 = strtol("0x1f", &end, 0);
    long v5 = strtol("017", &end, 0);
    long v6 = strtol("zz", &end, 36);
    printf("strtol base 0/36: %ld %ld %ld\n", v4, v5, v6);
}

/* ---- sorting ------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_int(const void *a, const void *b)
{
    s32 x = *(const s32 *)a, y = *(const s32 *)b;
    return (x > y) - (x < y);
}

static u32 lcg_state = 1;

static u32 lcg(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state;
}

#define NINTS 1200

static void sort_tests(void)
{
    const char *words[] = {
        "pear", "apple", "fig", "banana", "kiwi", "cherry", "date",
        "grape", "lemon", "mango", "apricot", "blueberry", "Zucchini", "avocado",
    };
    const u32 nwords = sizeof words / sizeof words[0];
    qsort(words, nwords, sizeof words[0], cmp_str);
    printf("sorted words:");
    for (u32 i = 0; i < nwords; i++)
        printf(" %s", words[i]);
    printf("\n");

    static s32 a[NINTS], b[NINTS];
    for (u32 i = 0; i < NINTS; i++) {
        a[i] = (s32)(lcg() >> 8) - 0x400000;   /* mix of signs */
        b[i] = a[i];
    }

    /* Insertion sort on a. */
    for (u32 i = 1; i < NINTS; i++) {
        s32 key = a[i];
        u32 j = i;
        while (j > 0 && a[j - 1] > key) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = key;
    }
    /* Library qsort on b. */
    qsort(b, NINTS, sizeof b[0], cmp_int);

    u32 same = memcmp(a, b, sizeof a) == 0;
    u32 ordered = 1;
    for (u32 i = 1; i < NINTS; i++)
        if (a[i - 1] > a[i])
            ordered = 0;
    check(same, "insertion sort == qsort");
    check(ordered, "sorted order");
    u32 h = 0;
    for (u32 i = 0; i < NINTS; i++)
        h = h * 33u ^ (u32)a[i];
    printf("ints: n=%d min=%d median=%d max=%d hash=%08x %s\n", NINTS,
           a[0], a[NINTS / 2], a[NINTS - 1], h,
           same && ordered ? "agree" : "DISAGREE");
}

/* ---- CRC-32 -------------------------------------------------------- */

static u32 crc32_update(u32 crc, const unsigned char *p, u32 n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

#define BUFSIZE 4096
#define PASSES 8

static void crc_tests(void)
{
    static unsigned char buf[BUFSIZE];

    /* Standard check value: CRC-32 of "123456789" is cbf43926. */
    u32 c = crc32_update(0, (const unsigned char *)"123456789", 9);
    printf("crc32(\"123456789\") = %08x\n", c);
    check(c == 0xcbf43926u, "crc32 check value");

    u32 x = 0x12345678u;
    for (u32 i = 0; i < BUFSIZE; i++) {
        x = x * 1664525u + 1013904223u;
        buf[i] = (unsigned char)(x >> 24);
    }
    u32 crc = crc32_update(0, buf, BUFSIZE);
    printf("crc32(buf) = %08x\n", crc);

    /* Repeated passes over a buffer that changes a little each time. */
    u32 chain = 0;
    for (u32 pass = 0; pass < PASSES; pass++) {
        buf[pass * 97u % BUFSIZE] ^= (unsigned char)(pass + 1);
        chain = crc32_update(chain, buf, BUFSIZE);
    }
    printf("crc32 chained over %u passes = %08x\n", (u32)PASSES, chain);
}

int main(void)
{
    printf("strings test\n");
    string_tests();
    sort_tests();
    crc_tests();
    if (failures) {
        printf("%u checks FAILED\n", failures);
        return 3;
    }
    printf("done\n");
    return 0;
}
