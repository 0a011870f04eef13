/* test_tasks.c: the tasks kernel through the seam: every workload's tasks spread over workers, packed,
 * unpacked and summed verify exactly; a task run twice, a task lost, a wait cut short, a wrong word and a
 * failed file are each caught by finish; waits are reported to the events model and recorded from it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "job.h"
#include "kernels/kernel.h"

static job task_job(const char *workload, double scale)
{
    job j = {.kernel = kernel_find("tasks"), .workload = workload, .scale = scale};
    assert_non_null(j.kernel);
    assert_non_null(j.kernel->tasks);
    j.from = 0;
    j.n = j.kernel->tasks->count(&j);
    job_set_chunk(&j, 1);
    return j;
}

static void *new_partial(const job *j)
{
    void *p = calloc(1, j->kernel->partial_size);
    assert_non_null(p);
    j->kernel->init(j, p);
    return p;
}

/* Runs every task (task i on worker i mod workers), sums the packed partials as MPI_Reduce would, and
 * finishes. `skip` (or -1) names a task left out, `twice` (or -1) one run a second time. */
static result run_tasks(const job *j, int workers, int64_t skip, int64_t twice)
{
    const kernel *k = j->kernel;
    void **parts = calloc((size_t)workers, sizeof *parts);
    for (int w = 0; w < workers; w++)
        parts[w] = new_partial(j);
    for (uint64_t i = 0; i < j->n_items; i++) {
        work_item item;
        job_item(j, i, &item);
        assert_int_equal(item.index, i);
        if ((int64_t)i == skip)
            continue;
        k->run_item(j, &item, parts[i % (uint64_t)workers]);
        if ((int64_t)i == twice)
            k->run_item(j, &item, parts[(i + 1) % (uint64_t)workers]);
    }
    assert_true(k->sum_words > 0);
    uint64_t *total = calloc(k->sum_words, sizeof *total);
    for (int w = 0; w < workers; w++) {
        void *buf;
        size_t len = k->pack(j, parts[w], &buf);
        assert_int_equal(len, k->sum_words * sizeof(uint64_t));
        for (unsigned word = 0; word < k->sum_words; word++)
            total[word] += ((uint64_t *)buf)[word];
        free(buf);
        kernel_release(j, parts[w]);
        free(parts[w]);
    }
    free(parts);
    void *sum = new_partial(j);
    assert_true(k->unpack(j, sum, total, k->sum_words * sizeof(uint64_t)));
    assert_false(k->unpack(j, sum, total, 8));
    free(total);
    kernel_complete(j, sum);
    result r;
    k->finish(j, sum, &r);
    kernel_release(j, sum);
    free(sum);
    return r;
}

static void test_every_workload_verifies(void **state)
{
    (void)state;
    static const char *const names[] = {"products", "counting", "files", "files-sync", "waiting", "calls",
                                        "idle", "busy", "mixed"};
    const char *list = kernel_find("tasks")->tasks->workloads;
    for (size_t w = 0; w < sizeof names / sizeof names[0]; w++) {
        assert_non_null(strstr(list, names[w]));
        job j = task_job(names[w], 0.002);
        for (int workers = 1; workers <= 3; workers += 2) {
            result r = run_tasks(&j, workers, -1, -1);
            if (!r.verify_ok)
                print_error("%s on %d workers: %s\n", names[w], workers, r.verify_detail);
            assert_true(r.verify_ok);
            assert_int_equal(r.verify, VERIFY_EXACT);
            assert_int_equal(r.value, j.n_items);
        }
    }
}

static void test_tutorial_sizes(void **state)
{
    (void)state;
    job j = task_job("products", 1);
    assert_int_equal(j.n_items, 4);
    assert_int_equal(task_job("idle", 1).n_items, 15);
    assert_int_equal(task_job("busy", 1).n_items, 15);
    assert_int_equal(task_job("mixed", 1).n_items, 6);
    assert_int_equal(task_job("waiting", 1).n_items, 3);
    assert_int_equal(task_job("calls", 1).n_items, 2);
    /* the products at the tutorial's limits are GMP's primorials */
    result r = run_tasks(&j, 2, -1, -1);
    assert_true(r.verify_ok);
    assert_non_null(strstr(r.verify_detail, "mpz_primorial_ui"));
}

static void test_lost_or_repeated_task_fails(void **state)
{
    (void)state;
    job j = task_job("counting", 0.001);
    result r = run_tasks(&j, 2, 2, -1);
    assert_false(r.verify_ok);
    assert_non_null(strstr(r.verify_detail, "task 2"));
    r = run_tasks(&j, 2, -1, 1);
    assert_false(r.verify_ok);
    assert_non_null(strstr(r.verify_detail, "ran 2 times"));
}

static void test_wrong_word_fails(void **state)
{
    (void)state;
    job j = task_job("products", 0.05);
    const kernel *k = j.kernel;
    void *p = new_partial(&j);
    for (uint64_t i = 0; i < j.n_items; i++) {
        work_item item;
        job_item(&j, i, &item);
        k->run_item(&j, &item, p);
    }
    ((uint64_t *)p)[1] ^= 1; /* task 0's first check word: the product's low 64 bits */
    result r;
    k->finish(&j, p, &r);
    assert_false(r.verify_ok);
    assert_non_null(strstr(r.verify_detail, "GMP"));
    kernel_release(&j, p);
    free(p);
}

static void test_waits_for_the_event_loop(void **state)
{
    (void)state;
    job j = task_job("calls", 0.01);
    const kernel *k = j.kernel;
    assert_non_null(k->tasks->item_wait_s);
    assert_non_null(k->tasks->item_waited);
    work_item a, b;
    job_item(&j, 0, &a);
    job_item(&j, 1, &b);
    assert_float_equal(k->tasks->item_wait_s(&j, &a), 0.04, 1e-12);
    assert_float_equal(k->tasks->item_wait_s(&j, &b), 0.03, 1e-12);
    job busy = task_job("mixed", 0.01);
    work_item compute, wait;
    job_item(&busy, 0, &compute);
    job_item(&busy, 4, &wait);
    assert_true(k->tasks->item_wait_s(&busy, &compute) == 0);
    assert_float_equal(k->tasks->item_wait_s(&busy, &wait), 0.01, 1e-12);

    /* waits recorded by the loop: long enough passes, short fails */
    void *p = new_partial(&j);
    k->tasks->item_waited(&j, &a, p, 0.0400001);
    k->tasks->item_waited(&j, &b, p, 0.0300004);
    result r;
    k->finish(&j, p, &r);
    assert_true(r.verify_ok);
    k->init(&j, p);
    k->tasks->item_waited(&j, &a, p, 0.0400001);
    k->tasks->item_waited(&j, &b, p, 0.029);
    k->finish(&j, p, &r);
    assert_false(r.verify_ok);
    assert_non_null(strstr(r.verify_detail, "less than"));
    kernel_release(&j, p);
    free(p);
}

static void test_failed_file_is_reported(void **state)
{
    (void)state;
    job j = task_job("files", 0.001);
    setenv("TMPDIR", "/nonexistent-primes-test-dir", 1);
    const kernel *k = j.kernel;
    void *p = new_partial(&j);
    work_item item;
    job_item(&j, 0, &item);
    k->run_item(&j, &item, p);
    unsetenv("TMPDIR");
    for (uint64_t i = 1; i < j.n_items; i++) {
        job_item(&j, i, &item);
        k->run_item(&j, &item, p);
    }
    result r;
    k->finish(&j, p, &r);
    assert_false(r.verify_ok);
    assert_non_null(strstr(r.verify_detail, "task 0"));
    assert_non_null(strstr(r.verify_detail, "No such file"));
    kernel_release(&j, p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_workload_verifies),
        cmocka_unit_test(test_tutorial_sizes),
        cmocka_unit_test(test_lost_or_repeated_task_fails),
        cmocka_unit_test(test_wrong_word_fails),
        cmocka_unit_test(test_waits_for_the_event_loop),
        cmocka_unit_test(test_failed_file_is_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
