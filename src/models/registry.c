/* registry.c: the models compiled in, by name. Adding a model: define it and list it here. */
#include <string.h>

#include "models/model.h"

extern const model model_serial, model_omp, model_pthreads, model_fork, model_events;
#if PRIMES_MPI
extern const model model_mpi, model_hybrid;
#endif

static const model *const models[] = {
    &model_serial, &model_omp, &model_pthreads, &model_fork, &model_events,
#if PRIMES_MPI
    &model_mpi,    &model_hybrid,
#endif
    NULL,
};

const model *const *model_list(void)
{
    return models;
}

const model *model_find(const char *name)
{
    for (const model *const *m = models; *m; m++)
        if (strcmp((*m)->name, name) == 0)
            return *m;
    return NULL;
}
