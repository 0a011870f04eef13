/* fuzz_numbers.c: the number syntaxes (numparse_u64: -n, --from, chunks, counts; env_parse_stacksize:
 * OMP_STACKSIZE). Each input is one value: accepted with the value plain decimal digits give, or
 * refused with a one-line reason. */
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "env_check.h"
#include "fuzz_support.h"
#include "numparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    uint64_t value = 0;
    char why[128];
    if (numparse_u64(text, &value, why, sizeof why) == 0) {
        /* plain digits mean what strtoull says they mean */
        if (*text && strspn(text, "0123456789") == strlen(text)) {
            errno = 0;
            unsigned long long plain = strtoull(text, NULL, 10);
            if (errno == 0 && plain != value)
                abort();
        }
    } else {
        fuzz_expect_one_line(why, sizeof why);
    }
    /* an accepted stack size is a whole number of bytes that its plain form, "<bytes>B", states again */
    uint64_t bytes = 0, again = 0;
    if (env_parse_stacksize(text, &bytes) == 0) {
        char plain[32];
        snprintf(plain, sizeof plain, "%lluB", (unsigned long long)bytes);
        if (env_parse_stacksize(plain, &again) != 0 || again != bytes || strspn(text, " \t\n\v\f\r0123456789bBkKmMgG") !=
                                                                         strlen(text))
            abort();
    }
    free(text);
    return 0;
}
