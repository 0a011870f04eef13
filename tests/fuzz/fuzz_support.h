/* fuzz_support.h: what the libFuzzer harnesses share (header only, each harness is one program): a
 * sandbox folder to run in, an input cut into arguments, and the one-line rule every message obeys.
 * Inputs holding '/' are skipped, so no path a parser looks at or writes lies outside the sandbox. */
#ifndef PRIMES_FUZZ_SUPPORT_H
#define PRIMES_FUZZ_SUPPORT_H

#include <dirent.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FUZZ_MAX_ARGS 64

/* Once per process: a fresh folder under $TMPDIR (or /tmp) becomes the working directory. */
static inline void fuzz_enter_sandbox(void)
{
    static bool entered;
    if (entered)
        return;
    const char *tmp = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/primes-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(path) || chdir(path) != 0)
        abort();
    entered = true;
}

/* Removes whatever the last input made in the sandbox (files only: the parsers make no folders). */
static inline void fuzz_clear_sandbox(void)
{
    DIR *d = opendir(".");
    if (!d)
        abort();
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlink(e->d_name);
    closedir(d);
}

/* The input as argv: argv[0] = name, then the input cut at every NUL byte (at most FUZZ_MAX_ARGS words).
 * buf must hold size + 1 bytes. Returns argc, or -1 for an input this harness skips (it holds '/'). */
static inline int fuzz_split_args(const uint8_t *data, size_t size, char *buf, const char *name, char **argv)
{
    if (memchr(data, '/', size))
        return -1;
    memcpy(buf, data, size);
    buf[size] = '\0';
    int argc = 0;
    argv[argc++] = (char *)name;
    for (size_t at = 0; at <= size && argc < FUZZ_MAX_ARGS; at += strlen(buf + at) + 1)
        argv[argc++] = buf + at;
    argv[argc] = NULL;
    return argc;
}

/* A message for people: NUL-terminated within size, one line, no control or escape bytes (a bad value's
 * raw bytes are shown as \xNN). Aborts, so libFuzzer keeps the input, when it is not. */
static inline void fuzz_expect_one_line(const char *message, size_t size)
{
    size_t len = strnlen(message, size);
    if (len == size || len == 0)
        abort();
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)message[i];
        if (c < 0x20 || c == 0x7f)
            abort();
    }
}

/* Starts keeping what is written to stderr (a memory stream in its place) until fuzz_stderr_end. */
typedef struct fuzz_stderr {
    FILE *saved, *memory;
    char *text;
    size_t len;
} fuzz_stderr;

static inline void fuzz_stderr_begin(fuzz_stderr *capture)
{
    capture->text = NULL;
    capture->len = 0;
    capture->memory = open_memstream(&capture->text, &capture->len);
    if (!capture->memory)
        abort();
    capture->saved = stderr;
    stderr = capture->memory;
}

/* Ends the capture: capture->text (free it) holds what was written. */
static inline void fuzz_stderr_end(fuzz_stderr *capture)
{
    stderr = capture->saved;
    if (fclose(capture->memory) != 0)
        abort();
}

/* The bad-usage rule for what a user sees: exactly one line, "PREFIX...\n", and no control or escape
 * byte in it. Aborts when the text breaks it. */
static inline void fuzz_expect_usage_line(const char *text, size_t len, const char *prefix)
{
    if (len < 2 || strncmp(text, prefix, strlen(prefix)) != 0 || text[len - 1] != '\n')
        abort();
    for (size_t i = 0; i + 1 < len; i++)
        if ((unsigned char)text[i] < 0x20 || text[i] == 0x7f)
            abort();
}

/* Runs a command's main (argv[0] its name) in the sandbox and holds it to the rule: exit 0 or 2, and for
 * 2 exactly one plain line on stderr starting with prefix; then clears the sandbox. */
static inline void fuzz_run_command(int (*command_main)(int, char **), int argc, char **argv, const char *prefix)
{
    fuzz_stderr capture;
    fuzz_stderr_begin(&capture);
    int status = command_main(argc, argv);
    fuzz_stderr_end(&capture);
    if (status != 0 && status != 2)
        abort();
    if (status == 2)
        fuzz_expect_usage_line(capture.text, capture.len, prefix);
    free(capture.text);
    fuzz_clear_sandbox();
}

#endif
