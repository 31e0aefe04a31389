/* bench.c - command-line parsing and the closing line of the benchmark guests (see bench.h). */
#include "bench.h"

#define SYS_GET_CMDLINE 0x15

static char cmdline[256];

static void fail(const char *what, const char *word)
{
    sh_write0("bench: bad command line: ");
    sh_write0(what);
    sh_write0(" in '");
    sh_write0(word);
    sh_write0("'\n");
    guest_exit(2);
}

/* SYS_GET_CMDLINE: block = {buffer, size}; r0 = 0 on success, block[1] = the length. */
static const char *get_cmdline(void)
{
    static uint32_t block[2];
    block[0] = (uint32_t)cmdline;
    block[1] = sizeof(cmdline);
    register uint32_t r0 __asm__("r0") = SYS_GET_CMDLINE;
    register uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile(SEMIHOST_SVC : "+r"(r0) : "r"(r1) : "memory");
    if (r0 != 0)
        fail("SYS_GET_CMDLINE failed (longer than 255 bytes?)", "");
    return cmdline;
}

static int starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return 0;
    return 1;
}

/* A decimal integer up to max; the whole of s (up to a space or the end) must be digits. */
static uint32_t parse_uint(const char *s, uint32_t max, const char *word)
{
    uint32_t v = 0;
    if (*s == 0 || *s == ' ')
        fail("empty number", word);
    for (; *s && *s != ' '; s++) {
        if (*s < '0' || *s > '9')
            fail("not a number", word);
        uint32_t d = (uint32_t)(*s - '0');
        if (v > (max - d) / 10)
            fail("number too large", word);
        v = v * 10 + d;
    }
    return v;
}

/* A percentage 0..100 with up to four decimals, in parts per million. */
static uint32_t parse_percent(const char *s, const char *word)
{
    uint32_t whole = 0, frac = 0, scale = 10000u;
    int digits = 0;
    for (; *s && *s != ' ' && *s != '.'; s++, digits++) {
        if (*s < '0' || *s > '9' || whole > 100)
            fail("not a percentage", word);
        whole = whole * 10 + (uint32_t)(*s - '0');
    }
    if (*s == '.') {
        s++;
        for (; *s && *s != ' '; s++, digits++) {
            if (*s < '0' || *s > '9' || scale == 1)
                fail("not a percentage with at most four decimals", word);
            scale /= 10;
            frac += (uint32_t)(*s - '0') * scale;
        }
    }
    uint32_t ppm = whole * 10000u + frac;
    if (digits == 0 || ppm > PPM_ONE)
        fail("not a percentage from 0 to 100", word);
    return ppm;
}

void bench_parse_args(struct bench_args *a)
{
    a->exits = 100;
    a->fraction_ppm = PPM_ONE;
    a->reads = 4;
    const char *s = get_cmdline();
    while (*s && *s != ' ')
        s++; /* the program name */
    for (;;) {
        while (*s == ' ')
            s++;
        if (*s == 0)
            break;
        const char *word = s;
        if (starts_with(s, "exits="))
            a->exits = parse_uint(s + 6, 100000000u, word);
        else if (starts_with(s, "fraction="))
            a->fraction_ppm = parse_percent(s + 9, word);
        else if (starts_with(s, "reads="))
            a->reads = parse_uint(s + 6, 1000u, word);
        else
            fail("unknown word (valid: exits=N fraction=P reads=K)", word);
        while (*s && *s != ' ')
            s++;
    }
}

void bench_report(const char *name, uint32_t exits, uint32_t touched)
{
    sh_write0(name);
    sh_write0(": exits=");
    put_dec(exits);
    sh_write0(" touched=");
    put_dec(touched);
    sh_write0("\n");
}
