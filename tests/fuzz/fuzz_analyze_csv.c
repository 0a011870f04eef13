/* fuzz_analyze_csv.c: primes analyze's reading of a runs file (csv.c's records, runs.c's columns and
 * values) through the statistics, the fits and the printed table. The first byte picks --weak and
 * --drop-outliers, the rest is the file: analysed (0) or refused with FILE:LINE (2), never a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "analyze/command.h"
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fuzz_enter_sandbox();
    FILE *f = fopen("runs.csv", "wb");
    if (!f || fwrite(data + 1, 1, size - 1, f) != size - 1 || fclose(f) != 0)
        abort();
    char *argv[5] = {"analyze"};
    int argc = 1;
    if (data[0] & 1)
        argv[argc++] = "--weak";
    if (data[0] & 2)
        argv[argc++] = "--drop-outliers";
    argv[argc++] = "runs.csv";
    argv[argc] = NULL;
    fuzz_run_command(analyze_main, argc, argv, "primes: analyze: ");
    return 0;
}
