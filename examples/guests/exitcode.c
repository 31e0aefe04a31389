/*
 * exitcode.c - returns a non-zero status.
 *
 * Prints one line and returns 7 from main.  The C runtime passes the
 * status to exit(), which reports it to the host through semihosting
 * SYS_EXIT, so a runner should see exit code 7.
 */
#include <stdio.h>

int main(void)
{
    printf("exiting with 7\n");
    return 7;
}
