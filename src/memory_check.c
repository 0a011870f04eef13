/* memory_check.c: the memory a run may count on: MemAvailable, or a cgroup's memory limit below it. */
#include "memory_check.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The first whole number of the file, or 0 (also for "max", no limit). */
static uint64_t file_number(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    uint64_t v = 0;
    if (fscanf(f, "%" SCNu64, &v) != 1)
        v = 0;
    fclose(f);
    return v;
}

static uint64_t meminfo_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    uint64_t kib = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %" SCNu64 " kB", &kib) == 1)
            break;
    fclose(f);
    return kib * 1024;
}

/* What the cgroup at `dir` and every one above it still allow (the least limit less usage), under root
 * (the hierarchy's mount): 0 when none of them sets a limit. v2 names the files memory.max and
 * memory.current, v1 memory.limit_in_bytes and memory.usage_in_bytes (no limit: a number near 2^63). */
static uint64_t cgroup_room(char *dir, size_t root, const char *limit_name, const char *usage_name)
{
    uint64_t room = 0;
    for (;;) {
        char file[4400];
        snprintf(file, sizeof file, "%s/%s", dir, limit_name);
        uint64_t limit = file_number(file);
        if (limit && limit < (UINT64_C(1) << 62)) {
            snprintf(file, sizeof file, "%s/%s", dir, usage_name);
            uint64_t used = file_number(file), left = limit > used ? limit - used : 1;
            room = room && room < left ? room : left;
        }
        char *slash = strrchr(dir, '/');
        if (!slash || (size_t)(slash - dir) < root)
            return room;
        *slash = '\0';
    }
}

/* What this process's memory cgroup (v2, else v1) still allows, or 0 when no limit is set or readable. */
static uint64_t cgroup_available(void)
{
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f)
        return 0;
    char line[4096], v2[4200] = "", v1[4200] = "";
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        const char *memory = strstr(line, ":memory:");
        if (strncmp(line, "0::", 3) == 0)
            snprintf(v2, sizeof v2, "/sys/fs/cgroup%s", line + 3);
        else if (memory)
            snprintf(v1, sizeof v1, "/sys/fs/cgroup/memory%s", memory + 8);
    }
    fclose(f);
    uint64_t room = 0;
    if (v2[0])
        room = cgroup_room(v2, strlen("/sys/fs/cgroup"), "memory.max", "memory.current");
    if (!room && v1[0])
        room = cgroup_room(v1, strlen("/sys/fs/cgroup/memory"), "memory.limit_in_bytes", "memory.usage_in_bytes");
    return room;
}

uint64_t memory_available_bytes(const char **where)
{
    uint64_t host = meminfo_available(), group = cgroup_available();
    if (group && (!host || group < host)) {
        *where = "its cgroup's memory limit";
        return group;
    }
    *where = "MemAvailable";
    return host;
}
