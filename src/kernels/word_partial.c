/* kernels/word_partial.c: init, merge, pack and unpack of a partial of added words (word_partial.h). */
#include "kernels/word_partial.h"

#include <stdint.h>
#include <string.h>

#include "kernels/kernel.h"
#include "xalloc.h"

void word_partial_init(const job *j, void *partial)
{
    memset(partial, 0, j->kernel->partial_size);
}

void word_partial_merge(const job *j, void *into, void *from)
{
    uint64_t *a = into;
    const uint64_t *b = from;
    for (unsigned i = 0; i < j->kernel->sum_words; i++)
        a[i] += b[i];
}

size_t word_partial_pack(const job *j, const void *partial, void **buf)
{
    size_t len = j->kernel->sum_words * sizeof(uint64_t);
    *buf = xmalloc(len, "packed partial");
    memcpy(*buf, partial, len);
    return len;
}

bool word_partial_unpack(const job *j, void *partial, const void *buf, size_t len)
{
    if (len != j->kernel->sum_words * sizeof(uint64_t))
        return false;
    memcpy(partial, buf, len);
    return true;
}
