/* exit.c - SYS_EXIT_EXTENDED (semihosting 0x20) with ADP_Stopped_ApplicationExit and the status. */
#include "semihost.h"

void guest_exit(int status)
{
    static uint32_t block[2];
    block[0] = 0x20026; /* ADP_Stopped_ApplicationExit */
    block[1] = (uint32_t)status;
    register uint32_t r0 __asm__("r0") = 0x20; /* SYS_EXIT_EXTENDED */
    register uint32_t *r1 __asm__("r1") = block;
    __asm__ volatile(SEMIHOST_SVC : "+r"(r0) : "r"(r1) : "memory");
    for (;;)
        ;
}
