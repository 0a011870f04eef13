/* tasks_files.c: the tasks kernel's file writer (the tutorials' "write a sentence 8^8 times to a file") and
 * the disk-space check made before any writer starts. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "faults.h"
#include "kernels/tasks.h"

const char *tasks_file_base(void)
{
    const char *base = getenv("TMPDIR");
    return base && *base ? base : "/tmp";
}

static void human_bytes(char *buf, size_t size, double bytes)
{
    static const char *const units[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    unsigned u = 0;
    while (bytes >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024;
        u++;
    }
    snprintf(buf, size, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

int tasks_check_space(uint64_t bytes, unsigned files, char *why, size_t size)
{
    const char *base = tasks_file_base();
    struct statvfs fs;
    if (statvfs(base, &fs) != 0 || access(base, W_OK | X_OK) != 0) {
        snprintf(why, size, "files: cannot write in '%s' (%s): set TMPDIR to a writable directory", base,
                 strerror(errno));
        return -1;
    }
    double free_bytes = (double)fs.f_bavail * (double)fs.f_frsize;
    double need = (double)bytes * 1.01 + 64.0 * 1024 * 1024;
    if (free_bytes < need) {
        char have[32], want[32];
        human_bytes(have, sizeof have, free_bytes);
        human_bytes(want, sizeof want, need);
        snprintf(why, size,
                 "files: '%s' has %s free, the %u file%s of this workload need %s (they may all be written at "
                 "once): lower --scale, or set TMPDIR to a larger file system",
                 base, have, files, files == 1 ? "" : "s", want);
        return -1;
    }
    return 0;
}

/* The sampled line numbers: the first, the last, the middle, and the others spread evenly between. */
static uint64_t sample_line(uint64_t lines, unsigned k)
{
    if (k == 0 || lines < 2)
        return 0;
    if (k == 1)
        return lines - 1;
    if (k == 2)
        return lines / 2;
    return (uint64_t)((double)(lines - 1) * (double)(k - 2) / (double)(TASKS_FILE_SAMPLES - 2));
}

static int write_lines(FILE *f, uint64_t lines)
{
    for (uint64_t i = 0; i < lines; i++)
        if (fputs(TASKS_LINE, f) == EOF)
            return errno ? errno : EIO;
    return 0;
}

/* Size and sampled lines of the written file, through its descriptor. */
static void check_file(int fd, uint64_t lines, task_slot *slot)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        slot->error = (uint64_t)errno;
        return;
    }
    slot->check[0] = (uint64_t)st.st_size;
    for (unsigned k = 0; k < TASKS_FILE_SAMPLES && lines > 0; k++) {
        char got[TASKS_LINE_BYTES];
        off_t at = (off_t)(sample_line(lines, k) * TASKS_LINE_BYTES);
        if (pread(fd, got, sizeof got, at) == (ssize_t)sizeof got && memcmp(got, TASKS_LINE, sizeof got) == 0)
            slot->check[1]++;
    }
}

void tasks_write_file(uint64_t task, uint64_t lines, bool sync, task_slot *slot)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/primes-files.XXXXXX", tasks_file_base());
    if (!mkdtemp(dir)) {
        slot->error = (uint64_t)errno;
        return;
    }
    snprintf(path, sizeof path, "%s/writer-%" PRIu64 ".txt", dir, task);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    int saved = errno;
    if (fd >= 0)
        unlink(path);
    rmdir(dir);
    if (fd < 0) {
        slot->error = (uint64_t)saved;
        return;
    }
    int writer = dup(fd);
    FILE *f = writer >= 0 ? fdopen(writer, "w") : NULL;
    if (!f) {
        slot->error = (uint64_t)errno;
        if (writer >= 0)
            close(writer);
        close(fd);
        return;
    }
    int failed = write_lines(f, lines);
    if (fflush(f) != 0 && !failed)
        failed = errno ? errno : EIO;
    if (sync && !failed && fsync(writer) != 0)
        failed = errno;
    if (fclose(f) != 0 && !failed)
        failed = errno ? errno : EIO;
    slot->check[2] = lines;
    if (failed) {
        slot->error = (uint64_t)failed;
        close(fd);
        return;
    }
    if (fault_armed(FAULT_FILES_CORRUPT, 0) && lines > 0) /* the check's own test (faults.h) */
        if (pwrite(fd, "#", 1, (off_t)(lines / 2 * TASKS_LINE_BYTES)) != 1)
            slot->error = (uint64_t)errno;
    check_file(fd, lines, slot);
    close(fd);
}
