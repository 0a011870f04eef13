/* fuzz_analyze_options.c: primes analyze's command line (its option table, --weak-size and its companions,
 * operands as files). An input is argv, words separated by NUL bytes; the run ends 0 or 2, never crashes,
 * and leaves nothing behind but what --csv asked for (cleared after each input). */
#include <stdint.h>
#include <stdlib.h>

#include "analyze/command.h"
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_enter_sandbox();
    char *buf = malloc(size + 1);
    char *argv[FUZZ_MAX_ARGS + 1];
    int argc = fuzz_split_args(data, size, buf, "analyze", argv);
    if (argc > 0)
        fuzz_run_command(analyze_main, argc, argv, "primes: analyze: ");
    free(buf);
    return 0;
}
