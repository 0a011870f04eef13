/* options.c: the one option parser: matching arguments against a command's table (--name, --name=VALUE,
 * -x, -xVALUE, -x VALUE), the generic handlers, the generated --help lines and the bad-usage line. */
#include "options.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "numparse.h"
#include "text.h"

int options_reject(char *error, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, size, fmt, ap);
    va_end(ap);
    return 2;
}

const char *options_label(const option_def *opt, char *buf, size_t size)
{
    snprintf(buf, size, opt->name[1] ? "--%s" : "-%s", opt->name);
    return buf;
}

/* The option an argument names (NULL: none), and the value written into it after '=' or the letter. */
static const option_def *find(const command_def *cmd, const char *arg, const char **inline_value)
{
    *inline_value = NULL;
    if (arg[0] != '-' || arg[1] == '\0')
        return NULL;
    if (arg[1] == '-') {
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        for (size_t i = 0; i < cmd->count; i++)
            if (strlen(cmd->options[i].name) == len && strncmp(cmd->options[i].name, name, len) == 0) {
                if (eq)
                    *inline_value = eq + 1;
                return &cmd->options[i];
            }
        return NULL;
    }
    for (size_t i = 0; i < cmd->count; i++)
        if (cmd->options[i].short_name == arg[1]) {
            if (arg[2])
                *inline_value = arg + 2;
            return &cmd->options[i];
        }
    return NULL;
}

int options_parse(const command_def *cmd, int argc, char **argv, void *target, char *error, size_t size)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value;
        const option_def *opt = find(cmd, arg, &value);
        if (!opt) {
            bool looks_like_option = arg[0] == '-' && arg[1] != '\0';
            if (!looks_like_option && cmd->operand) {
                int status = cmd->operand(target, arg, i, error, size);
                if (status)
                    return status;
                continue;
            }
            return options_reject(error, size, cmd->unknown_format, arg);
        }
        if (opt->value && !value) {
            if (i + 1 >= argc)
                return options_reject(error, size, "'%s' needs a value (see %s --help)", arg, cmd->help_name);
            value = argv[++i];
        } else if (!opt->value && value) {
            return options_reject(error, size, "'%s' takes no value (see %s --help)", arg, cmd->help_name);
        }
        int status = opt->apply(target, opt, value, error, size);
        if (status)
            return status;
    }
    return 0;
}

#define HELP_COLUMN 23

void options_print_help(FILE *out, const command_def *cmd)
{
    for (size_t i = 0; i < cmd->count; i++) {
        const option_def *opt = &cmd->options[i];
        if (!opt->help)
            continue; /* kept out of --help (an internal option) */
        if (opt->section)
            fprintf(out, "\n%s\n", opt->section);
        char head[64];
        if (!opt->name[1])
            snprintf(head, sizeof head, "  -%s%s%s", opt->name, opt->value ? " " : "", opt->value ? opt->value : "");
        else if (opt->short_name)
            snprintf(head, sizeof head, "  -%c, --%s%s%s", opt->short_name, opt->name, opt->value ? " " : "",
                     opt->value ? opt->value : "");
        else
            snprintf(head, sizeof head, "      --%s%s%s", opt->name, opt->value ? " " : "",
                     opt->value ? opt->value : "");
        fputs(head, out);
        int column = (int)strlen(head);
        const char *line = opt->help;
        if (column + 2 > HELP_COLUMN) { /* two spaces at least: where help2man (and a reader) sees the text begin */
            fputc('\n', out);
            column = 0;
        }
        while (*line) {
            size_t len = strcspn(line, "\n");
            fprintf(out, "%*s%.*s\n", HELP_COLUMN - column, "", (int)len, line);
            column = 0;
            line += len;
            if (*line == '\n')
                line++;
        }
    }
}

/* Writes text with every byte that is not printable ASCII or part of a well-formed UTF-8 character as
 * \xNN, so a value holding a newline, an escape sequence or stray bytes stays one plain line. */
static void put_escaped(FILE *out, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p) {
        size_t len = text_utf8_length(p);
        if (len) {
            fwrite(p, 1, len, out);
            p += len;
        } else {
            if (*p >= 0x20 && *p < 0x7f)
                fputc(*p, out);
            else
                fprintf(out, "\\x%02x", *p);
            p++;
        }
    }
}

void options_report(const char *prefix, const char *message)
{
    fputs("primes: ", stderr);
    put_escaped(stderr, prefix);
    put_escaped(stderr, message);
    fputc('\n', stderr);
}

int option_set_flag(void *target, const option_def *opt, const char *value, char *error, size_t size)
{
    (void)value;
    (void)error;
    (void)size;
    *(bool *)((char *)target + opt->offset) = true;
    return 0;
}

int option_set_text(void *target, const option_def *opt, const char *value, char *error, size_t size)
{
    (void)error;
    (void)size;
    *(const char **)((char *)target + opt->offset) = value;
    return 0;
}

int option_set_unsigned(void *target, const option_def *opt, const char *value, char *error, size_t size)
{
    uint64_t v;
    char why[96], label[40];
    if (numparse_u64(value, &v, why, sizeof why) != 0 || v < opt->lo || v > opt->hi)
        return options_reject(error, size, "%s: '%s' is not allowed (allowed: a whole number %" PRIu64 " .. %" PRIu64 ")",
                      options_label(opt, label, sizeof label), value, opt->lo, opt->hi);
    *(unsigned *)((char *)target + opt->offset) = (unsigned)v;
    return 0;
}

int option_set_u64(void *target, const option_def *opt, const char *value, char *error, size_t size)
{
    uint64_t v;
    char why[96], label[40];
    if (numparse_u64(value, &v, why, sizeof why) != 0)
        return options_reject(error, size,
                      "%s: '%s' %s (allowed: a whole number 0 .. 2^64-1 such as 1000000, 1_000_000, 1e9, 10^12, "
                      "2^40, 2^32+15)",
                      options_label(opt, label, sizeof label), value, why);
    if (v < opt->lo || v > opt->hi)
        return options_reject(error, size, "%s: '%s' is not allowed (allowed: a whole number %" PRIu64 " .. %" PRIu64 ")",
                      options_label(opt, label, sizeof label), value, opt->lo, opt->hi);
    *(uint64_t *)((char *)target + opt->offset) = v;
    return 0;
}
