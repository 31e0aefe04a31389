/*
 * malloc.c - heap allocator workout.
 *
 * Builds a linked list whose nodes carry payloads of varying sizes,
 * grows an array with realloc, checks that calloc returns zeroed memory,
 * frees everything in a scrambled order and allocates again.  Every
 * block is filled with a pattern and checked before it is released.
 *
 * Prints what it checked and a summary line.  Returns 0 on success and
 * 3 if any check failed (1 would be confused with an abort, 2 is left
 * for "out of memory").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned int u32;

struct node {
    struct node *next;
    u32 id;
    u32 size;
    unsigned char *payload;
};

static u32 failures;
static u32 checks;

static void check(int ok, const char *what, u32 detail)
{
    checks++;
    if (!ok) {
        failures++;
        printf("FAIL: %s (%u)\n", what, detail);
    }
}

static unsigned char pattern(u32 id, u32 i)
{
    return (unsigned char)(id * 31u + i * 7u + (i >> 8));
}

static void fill(unsigned char *p, u32 id, u32 n)
{
    for (u32 i = 0; i < n; i++)
        p[i] = pattern(id, i);
}

static int verify(const unsigned char *p, u32 id, u32 n)
{
    for (u32 i = 0; i < n; i++)
        if (p[i] != pattern(id, i))
            return 0;
    return 1;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n);
    if (p == NULL) {
        printf("out of memory allocating %u bytes\n", (u32)n);
        exit(2);
    }
    return p;
}

/* Sizes from one byte up to about a KiB. */
static u32 size_for(u32 i)
{
    static const u32 sizes[] = { 1, 7, 16, 24, 100, 255, 256, 600, 1024, 33, 300, 64 };
    return sizes[i % (sizeof sizes / sizeof sizes[0])] + (i / 12u) * 3u;
}

#define NODES 96

static u32 list_test(void)
{
    struct node *head = NULL, *tail = NULL;
    u32 total = 0;

    for (u32 i = 0; i < NODES; i++) {
        struct node *n = xmalloc(sizeof *n);
        n->id = i;
        n->size = size_for(i);
        n->payload = xmalloc(n->size);
        n->next = NULL;
        fill(n->payload, n->id, n->size);
        total += n->size;
        if (tail)
            tail->next = n;
        else
            head = n;
        tail = n;
    }

    /* Walk and verify. */
    u32 count = 0;
    for (struct node *n = head; n; n = n->next) {
        check(n->id == count, "list order", n->id);
        check(verify(n->payload, n->id, n->size), "list payload", n->id);
        count++;
    }
    check(count == NODES, "list length", count);

    /* Free every third node, then grow the payloads of the survivors. */
    struct node **link = &head;
    u32 removed = 0;
    while (*link) {
        struct node *n = *link;
        if (n->id % 3 == 0) {
            *link = n->next;
            free(n->payload);
            free(n);
            removed++;
        } else {
            link = &n->next;
        }
    }
    for (struct node *n = head; n; n = n->next) {
        u32 bigger = n->size * 2 + 5;
        unsigned char *p = realloc(n->payload, bigger);
        if (p == NULL) {
            printf("out of memory in realloc\n");
            exit(2);
        }
        check(verify(p, n->id, n->size), "realloc kept contents", n->id);
        n->payload = p;
        n->size = bigger;
        fill(n->payload, n->id, n->size);
    }
    u32 remaining = 0;
    for (struct node *n = head; n; n = n->next) {
        check(verify(n->payload, n->id, n->size), "grown payload", n->id);
        remaining++;
    }
    check(remaining + removed == NODES, "remaining", remaining);

    /* Free the rest. */
    while (head) {
        struct node *n = head;
        head = n->next;
        free(n->payload);
        free(n);
    }
    printf("list: %u nodes, %u payload bytes, %u removed, %u grown\n",
           NODES, total, removed, remaining);
    return total;
}

static void array_test(void)
{
    u32 cap = 4, len = 0;
    u32 *arr = xmalloc(cap * sizeof *arr);
    u32 grows = 0;

    for (u32 i = 0; i < 3000; i++) {
        if (len == cap) {
            cap = cap * 3 / 2 + 1;
            u32 *p = realloc(arr, cap * sizeof *arr);
            if (p == NULL) {
                printf("out of memory growing array\n");
                exit(2);
            }
            arr = p;
            grows++;
        }
        arr[len++] = i * i + 17u;
    }
    u32 bad = 0;
    unsigned long long sum = 0;
    for (u32 i = 0; i < len; i++) {
        if (arr[i] != i * i + 17u)
            bad++;
        sum += arr[i];
    }
    check(bad == 0, "array contents", bad);

    /* Shrink and check the prefix survived. */
    u32 *p = realloc(arr, 100 * sizeof *arr);
    check(p != NULL, "shrink", 100);
    if (p)
        arr = p;
    bad = 0;
    for (u32 i = 0; i < 100; i++)
        if (arr[i] != i * i + 17u)
            bad++;
    check(bad == 0, "shrunk contents", bad);
    free(arr);
    printf("array: %u elements, %u reallocs, final capacity %u, sum %llu\n",
           len, grows, cap, sum);
}

static void calloc_test(void)
{
    static const u32 counts[] = { 1, 10, 100, 1000, 4000 };
    u32 zero_bytes = 0;

    for (u32 k = 0; k < 5; k++) {
        /* Dirty the heap first so calloc has to clear recycled memory. */
        unsigned char *dirty = xmalloc(counts[k] * 4);
        memset(dirty, 0xA5, counts[k] * 4);
        free(dirty);

        u32 *z = calloc(counts[k], sizeof *z);
        if (z == NULL) {
            printf("out of memory in calloc\n");
            exit(2);
        }
        u32 nonzero = 0;
        for (u32 i = 0; i < counts[k]; i++)
            if (z[i] != 0)
                nonzero++;
        check(nonzero == 0, "calloc zeroed", counts[k]);
        zero_bytes += counts[k] * (u32)sizeof *z;
        free(z);
    }
    printf("calloc: %u zeroed bytes checked\n", zero_bytes);
}

static void scramble_test(void)
{
    enum { N = 64, ROUNDS = 3 };
    unsigned char *blocks[N];
    u32 sizes[N];
    u32 state = 2463534242u;

    for (u32 round = 0; round < ROUNDS; round++) {
        for (u32 i = 0; i < N; i++) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            sizes[i] = 8 + state % 300;
            blocks[i] = xmalloc(sizes[i]);
            fill(blocks[i], i + round * N, sizes[i]);
        }
        /* Free in a stride order that visits every slot once. */
        for (u32 k = 0; k < N; k++) {
            u32 i = (k * 37u + round) % N;
            check(verify(blocks[i], i + round * N, sizes[i]), "scrambled block", i);
            free(blocks[i]);
        }
    }
    printf("scramble: %u rounds of %u blocks, xorshift state %08x\n", (u32)ROUNDS, (u32)N, state);
}

int main(void)
{
    printf("malloc test\n");
    list_test();
    array_test();
    calloc_test();
    scramble_test();
    printf("summary: %u checks, %u failures\n", checks, failures);
    if (failures != 0) {
        printf("FAILED\n");
        return 3;
    }
    printf("OK\n");
    return 0;
}
