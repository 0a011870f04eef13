/* files.c: the suite's outputs written whole or in place, appends cut back when they fail, bounded
 * header reads, path identity, and the registry of temporaries that every exit path removes. */
#include "files.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the registry of temporaries: fixed slots a signal handler can read without locks ---- */

enum { TEMP_SLOTS = 8, LINK_HOPS = 40 };
static_assert(TEMP_SLOTS >= 3, "a run holds a trace and an output at once, analyze one summary");

static struct {
    char path[PATH_MAX];
    volatile sig_atomic_t used;
} temps[TEMP_SLOTS];
static volatile pid_t temps_owner; /* a forked worker inherits the slots, but never removes them */
static volatile sig_atomic_t speaks_on_signal;

static int temp_register(const char *path)
{
    for (int i = 0; i < TEMP_SLOTS; i++)
        if (!temps[i].used) {
            snprintf(temps[i].path, sizeof temps[i].path, "%s", path);
            temps_owner = getpid();
            temps[i].used = 1;
            return i;
        }
    return -1;
}

static void temp_forget(int slot)
{
    if (slot >= 0)
        temps[slot].used = 0;
}

void files_remove_temporaries(void)
{
    if (getpid() != temps_owner)
        return;
    for (int i = 0; i < TEMP_SLOTS; i++)
        if (temps[i].used) {
            temps[i].used = 0;
            unlink(temps[i].path);
        }
}

static void put_error(const char *text)
{
    ssize_t ignored = write(STDERR_FILENO, text, strlen(text));
    (void)ignored;
}

static void on_signal(int sig)
{
    int saved = errno;
    bool mine = getpid() == temps_owner || temps_owner == 0;
    files_remove_temporaries();
    if (mine && speaks_on_signal) {
        const char *name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "SIGQUIT";
        put_error("primes: stopped by ");
        put_error(name);
        put_error("; no output file was left half-written\n");
    }
    /* ended by the signal itself, so the parent sees 128 + signal */
    signal(sig, SIG_DFL);
    errno = saved;
    raise(sig);
}

void files_guard_exits(bool speaks)
{
    static bool installed;
    speaks_on_signal = speaks;
    if (installed)
        return;
    installed = true;
    temps_owner = getpid();
    atexit(files_remove_temporaries);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof caught / sizeof *caught; i++) {
        struct sigaction old;
        /* a signal the caller chose to ignore (nohup, a shell's background job) stays ignored */
        if (sigaction(caught[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(caught[i], &sa, NULL);
    }
    signal(SIGXFSZ, SIG_IGN);
}

/* ---- names ---- */

static void split_dir(const char *path, char *dir, size_t size, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, size, ".");
        *base = path;
    } else {
        int len = slash == path ? 1 : (int)(slash - path);
        snprintf(dir, size, "%.*s", len, path);
        *base = slash + 1;
    }
}

int file_resolve(const char *path, char *out, size_t size)
{
    if (strcmp(path, "-") == 0) {
        snprintf(out, size, "-");
        return 0;
    }
    if (strlen(path) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        return -1;
    }
    char cur[PATH_MAX];
    snprintf(cur, sizeof cur, "%s", path);
    for (int hop = 0;; hop++) {
        struct stat st;
        if (lstat(cur, &st) != 0) {
            if (errno != ENOENT)
                return -1;
            break; /* a new file at cur */
        }
        if (!S_ISLNK(st.st_mode))
            break;
        if (hop == LINK_HOPS) {
            errno = ELOOP;
            return -1;
        }
        char link[PATH_MAX];
        ssize_t len = readlink(cur, link, sizeof link - 1);
        if (len < 0)
            return -1;
        link[len] = '\0';
        if (link[0] == '/') {
            snprintf(cur, sizeof cur, "%s", link);
        } else {
            char dir[PATH_MAX];
            const char *base;
            split_dir(cur, dir, sizeof dir, &base);
            int w = snprintf(cur, sizeof cur, "%s/%s", dir, link);
            if (w < 0 || (size_t)w >= sizeof cur) {
                errno = ENAMETOOLONG;
                return -1;
            }
        }
    }
    char dir[PATH_MAX], real_dir[PATH_MAX];
    const char *base;
    split_dir(cur, dir, sizeof dir, &base);
    if (!realpath(dir, real_dir))
        return -1;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
        errno = EISDIR;
        return -1;
    }
    if (strlen(real_dir) + 1 + strlen(base) >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    snprintf(out, size, "%s%s%s", real_dir, strcmp(real_dir, "/") == 0 ? "" : "/", base);
    return 0;
}

bool file_same(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    if (strcmp(a, b) == 0)
        return true;
    struct stat sa, sb;
    bool a_exists = stat(a, &sa) == 0, b_exists = stat(b, &sb) == 0;
    if (a_exists && b_exists)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (a_exists != b_exists)
        return false;
    char ra[PATH_MAX], rb[PATH_MAX];
    return file_resolve(a, ra, sizeof ra) == 0 && file_resolve(b, rb, sizeof rb) == 0 && strcmp(ra, rb) == 0;
}

bool file_is_device(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISCHR(st.st_mode);
}

int file_check_name(const char *path, char *why, size_t size)
{
    size_t len = strlen(path);
    if (len >= PATH_MAX) {
        snprintf(why, size, "the name has %zu characters (allowed: fewer than %d)", len, PATH_MAX);
        return -1;
    }
    char dir[PATH_MAX];
    const char *base;
    split_dir(path, dir, sizeof dir, &base);
    long name_max = pathconf(dir, _PC_NAME_MAX);
    if (name_max <= 0)
        name_max = NAME_MAX;
    /* every name on the way, the last one against its own directory's limit */
    for (const char *p = path; *p;) {
        size_t part = strcspn(p, "/");
        if ((long)part > name_max) {
            snprintf(why, size, "a name in it has %zu characters (allowed: at most %ld per name)", part, name_max);
            return -1;
        }
        p += part;
        p += *p == '/';
    }
    return 0;
}

int file_check_writable(const char *path, char *why, size_t size)
{
    if (!*path)
        return snprintf(why, size, "the file name is empty (allowed: a path to a writable file)"), -1;
    if (strcmp(path, "-") == 0)
        return 0;
    char reason[128], target[PATH_MAX];
    if (file_check_name(path, reason, sizeof reason) != 0)
        return snprintf(why, size, "'%.40s...' is too long: %s", path, reason), -1;
    if (file_resolve(path, target, sizeof target) != 0)
        return snprintf(why, size, "cannot write '%s': %s (allowed: a path in a writable directory)", path,
                        strerror(errno)),
               -1;
    if (file_check_name(target, reason, sizeof reason) != 0)
        return snprintf(why, size, "'%s' leads to a name too long: %s", path, reason), -1;
    char dir[PATH_MAX];
    const char *base;
    split_dir(target, dir, sizeof dir, &base);
    struct stat st;
    bool exists = stat(target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return snprintf(why, size, "'%s' is a directory (allowed: a path to a file)", path), -1;
    if (exists && !S_ISREG(st.st_mode))
        return 0; /* a device or a FIFO: written in place */
    if (access(dir, W_OK) != 0)
        return snprintf(why, size, "cannot write '%s': %s (allowed: a path in a writable directory)", path,
                        strerror(errno)),
               -1;
    if (geteuid() == 0) {
        /* access() says yes to root even where nothing can be created (/proc): as root, a file really
         * created there and removed. Not for other users: every rank of a large job would create one on
         * a shared file system. */
        char probe[PATH_MAX + 32];
        snprintf(probe, sizeof probe, "%s/.primes-probe-XXXXXX", dir);
        int probe_fd = mkstemp(probe);
        if (probe_fd < 0)
            return snprintf(why, size, "cannot write '%s': %s (allowed: a path in a writable directory)", path,
                            strerror(errno)),
                   -1;
        close(probe_fd);
        unlink(probe);
    }
    if (exists) {
        /* opened for writing without truncating or creating: the file is left as it is */
        int fd = open(target, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            return snprintf(why, size, "cannot write '%s': %s (allowed: a writable file)", path, strerror(errno)),
                   -1;
        close(fd);
    }
    return 0;
}

/* ---- outputs ---- */

int file_output_open(file_output *o, const char *path)
{
    *o = (file_output){.temp_slot = -1};
    if (strcmp(path, "-") == 0) {
        snprintf(o->target, sizeof o->target, "-");
        o->f = stdout;
        return 0;
    }
    if (file_resolve(path, o->target, sizeof o->target) != 0)
        return -1;
    struct stat st;
    bool exists = stat(o->target, &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) {
        errno = EISDIR;
        return -1;
    }
    if (exists && !S_ISREG(st.st_mode)) {
        o->f = fopen(o->target, "w"); /* a device or a FIFO: in place, as a shell's > would */
        return o->f ? 0 : -1;
    }
    char dir[PATH_MAX], temp[PATH_MAX];
    const char *base;
    split_dir(o->target, dir, sizeof dir, &base);
    /* a short name of its own, so the longest target name still has room */
    if (snprintf(temp, sizeof temp, "%s/.primes-XXXXXX", dir) >= (int)sizeof temp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(temp);
    if (fd < 0)
        return -1;
    o->temp_slot = temp_register(temp);
    mode_t mask = umask(0);
    umask(mask);
    /* the file it replaces keeps its permissions; a new one gets what the umask allows */
    if (fchmod(fd, exists ? st.st_mode & 07777 : 0666 & ~mask) != 0 || o->temp_slot < 0 ||
        !(o->f = fdopen(fd, "w"))) {
        int saved = o->temp_slot < 0 ? EMFILE : errno;
        close(fd);
        unlink(temp);
        temp_forget(o->temp_slot);
        o->temp_slot = -1;
        errno = saved;
        return -1;
    }
    return 0;
}

int file_output_commit(file_output *o)
{
    if (!o->f) {
        errno = EBADF;
        return -1;
    }
    FILE *f = o->f;
    o->f = NULL;
    errno = 0;
    bool failed = fflush(f) != 0 || ferror(f);
    int saved = errno;
    if (f == stdout)
        return failed ? (errno = saved ? saved : EIO, -1) : 0;
    if (o->temp_slot >= 0 && !failed && fsync(fileno(f)) != 0) {
        failed = true;
        saved = errno;
    }
    if (fclose(f) != 0 && !failed) {
        failed = true;
        saved = errno;
    }
    if (o->temp_slot < 0)
        return failed ? (errno = saved ? saved : EIO, -1) : 0;
    const char *temp = temps[o->temp_slot].path;
    if (!failed && rename(temp, o->target) != 0) {
        failed = true;
        saved = errno;
    }
    if (failed)
        unlink(temp);
    temp_forget(o->temp_slot);
    o->temp_slot = -1;
    errno = saved ? saved : EIO;
    return failed ? -1 : 0;
}

void file_output_discard(file_output *o)
{
    if (o->f && o->f != stdout)
        fclose(o->f);
    else if (o->f)
        fflush(stdout);
    o->f = NULL;
    if (o->temp_slot >= 0) {
        unlink(temps[o->temp_slot].path);
        temp_forget(o->temp_slot);
        o->temp_slot = -1;
    }
}

/* ---- record files ---- */

file_header_kind file_header_of(const char *path, const char *header, size_t header_len)
{
    /* O_NONBLOCK: a FIFO with no writer answers at once instead of waiting */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? FILE_ABSENT_OR_EMPTY : FILE_UNREADABLE;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return FILE_NOT_REGULAR;
    }
    char *got = malloc(header_len + 1);
    size_t have = 0;
    ssize_t r = 0;
    while (got && have < header_len + 1 && (r = read(fd, got + have, header_len + 1 - have)) != 0) {
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
        have += (size_t)r;
    }
    int saved = errno;
    close(fd);
    file_header_kind kind = !got || r < 0 ? FILE_UNREADABLE
                            : have == 0   ? FILE_ABSENT_OR_EMPTY
                            : have >= header_len && memcmp(got, header, header_len) == 0 ? FILE_HEADER_MATCHES
                                                                                         : FILE_HEADER_OTHER;
    free(got);
    errno = saved;
    return kind;
}

static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, buf, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        buf += w;
        len -= (size_t)w;
    }
    return 0;
}

int file_append_lines(const char *path, const char *header, size_t header_len, const char *rows, size_t rows_len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    struct stat st;
    int status = -1;
    if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
        errno = EINVAL;
    else if (flock(fd, LOCK_EX) == 0 && fstat(fd, &st) == 0) {
        /* under the lock: the length other appenders left is the length to come back to */
        off_t before = st.st_size;
        status = 0;
        if (before == 0)
            status = write_all(fd, header, header_len);
        if (status == 0)
            status = write_all(fd, rows, rows_len);
        if (status != 0) {
            int saved = errno; /* the write's reason is the one to tell */
            if (ftruncate(fd, before) != 0) {
                /* nothing more can be done: the lock is held until close */
            }
            errno = saved;
        }
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return status;
}
