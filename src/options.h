/* options.h: the one option parser of every command (primes, primes analyze, primes overhead): a table
 * of options (long name, short name, value, help, handler), the --help lines generated from it, and the
 * one way a command reports bad usage. The suite's limits live here too, one place each. */
#ifndef PRIMES_OPTIONS_H
#define PRIMES_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The limits of the command line (and of the scripts, which ask primes). */
#define OPTIONS_MAX_THREADS 4096u              /* -t: workers per process */
#define OPTIONS_MAX_ITEMS (1u << 22)           /* work items of one run (-s CHUNK): 128 MiB of trace */
#define OPTIONS_MAX_REPEAT 1000000u            /* -r, --warmup */
#define OPTIONS_MAX_CHUNK ((uint64_t)1 << 36)  /* numbers per work item */
#define OPTIONS_MAX_ITEMS_FOR (1u << 24)       /* --items-for */

struct option_def;

/* Applies one option: `value` is its argument (NULL for a flag). Returns 0, or 2 with a one-line message
 * in error (no "primes:" prefix) naming the bad value and what is allowed. */
typedef int (*option_handler)(void *target, const struct option_def *opt, const char *value, char *error,
                              size_t size);

typedef struct option_def {
    const char *name;        /* long name without "--"; a one-letter name is shown as its short form */
    char short_name;         /* 0: none */
    const char *value;       /* the value's name in --help ("N", "FILE"); NULL: a flag */
    const char *help;        /* its help, lines separated by '\n' */
    option_handler apply;
    size_t offset;           /* where the generic handlers store the value in the target */
    uint64_t lo, hi;         /* the generic number handlers' range */
    const char *section;     /* a heading in --help before this option; NULL: none */
} option_def;

/* Operands (arguments that are not options): index is the argument's position in argv. Returns 0, or 2
 * with a message. */
typedef int (*operand_handler)(void *target, const char *arg, int index, char *error, size_t size);

typedef struct command_def {
    const char *help_name;        /* as in "(see primes analyze --help)" */
    const char *unknown_format;   /* the message for an unknown option, %s the argument */
    const option_def *options;
    size_t count;
    operand_handler operand;      /* NULL: operands are refused as unknown options */
} command_def;

/* Parses argv[1..argc) against the command's table. Returns 0, or 2 with a one-line message. */
int options_parse(const command_def *cmd, int argc, char **argv, void *target, char *error, size_t size);

/* The options part of --help, generated from the table: "  -s, --name VALUE   help", sections and all. */
void options_print_help(FILE *out, const command_def *cmd);

/* How an option is named in messages and help: "-n", "--from". */
const char *options_label(const option_def *opt, char *buf, size_t size);
/* The one error reporter of the handlers: writes the message (one line, naming the value and what is
 * allowed) into error and returns 2, the exit status of bad input. */
int options_reject(char *error, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One line of bad usage on stderr: "primes: " PREFIX MESSAGE. */
void options_report(const char *prefix, const char *message);

/* The generic handlers, storing at opt->offset of the target: */
int option_set_flag(void *target, const option_def *opt, const char *value, char *error, size_t size); /* bool */
int option_set_text(void *target, const option_def *opt, const char *value, char *error, size_t size); /* const char * */
/* unsigned in [lo, hi] */
int option_set_unsigned(void *target, const option_def *opt, const char *value, char *error, size_t size);
/* uint64_t in [lo, hi], any number syntax (1e9, 2^40) */
int option_set_u64(void *target, const option_def *opt, const char *value, char *error, size_t size);

#endif
