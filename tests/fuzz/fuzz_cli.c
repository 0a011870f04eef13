/* fuzz_cli.c: primes' command line (cli_parse over the one option table, every kernel's and model's
 * checks). An input is argv, its words separated by NUL bytes: parsed to 0, or to 2 with a message that
 * main reports as one plain line. */
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"
#include "options.h"
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_enter_sandbox();
    char *buf = malloc(size + 1);
    char *argv[FUZZ_MAX_ARGS + 1];
    int argc = fuzz_split_args(data, size, buf, "primes", argv);
    if (argc > 0) {
        options opt;
        char error[1024];
        int status = cli_parse(argc, argv, &opt, error, sizeof error);
        if (status != 0 && status != 2)
            abort();
        if (status == 2) {
            /* what a user sees: the message as main reports it */
            fuzz_stderr capture;
            fuzz_stderr_begin(&capture);
            options_report("", error);
            fuzz_stderr_end(&capture);
            fuzz_expect_usage_line(capture.text, capture.len, "primes: ");
            free(capture.text);
        }
        fuzz_clear_sandbox();
    }
    free(buf);
    return 0;
}
