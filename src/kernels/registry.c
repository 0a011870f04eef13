/* registry.c: the kernels compiled in, by name. Adding a kernel: define it and list it here. */
#include <string.h>

#include "kernels/kernel.h"

extern const kernel kernel_count, kernel_product, kernel_spin, kernel_tasks;

static const kernel *const kernels[] = {&kernel_count, &kernel_product, &kernel_spin, &kernel_tasks, NULL};

const kernel *const *kernel_list(void)
{
    return kernels;
}

const kernel *kernel_find(const char *name)
{
    for (const kernel *const *k = kernels; *k; k++)
        if (strcmp((*k)->name, name) == 0)
            return *k;
    return NULL;
}
