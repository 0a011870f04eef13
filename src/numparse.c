/* numparse.c: the number syntax of -n, --from and every other count on the command line.
 * Grammar: expr = term { ('+' | '-') term };  term = int [ ('e' | 'E') int | '^' int ];
 * int = digit { ['_'] digit }. A term a e b is a * 10^b, a ^ b is a to the power b. Terms and partial sums
 * are held in 128 bits up to 2^100, so 2^64-1 can be written as such; only the final value must fit. */
#include "numparse.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

__extension__ typedef unsigned __int128 wide;
#define WIDE_LIMIT ((wide)1 << 100)

typedef struct cursor {
    const char *p;
    char *why;
    size_t why_size;
} cursor;

static int fail(cursor *c, const char *reason)
{
    snprintf(c->why, c->why_size, "%s", reason);
    return -1;
}

static int parse_digits(cursor *c, wide *out)
{
    if (!isdigit((unsigned char)*c->p))
        return fail(c, "is not a whole number");
    wide v = 0;
    while (isdigit((unsigned char)*c->p) || (*c->p == '_' && isdigit((unsigned char)c->p[1]))) {
        if (*c->p != '_') {
            unsigned d = (unsigned)(*c->p - '0');
            if (v > (WIDE_LIMIT - d) / 10)
                return fail(c, "exceeds 2^64-1");
            v = v * 10 + d;
        }
        c->p++;
    }
    *out = v;
    return 0;
}

static int multiply(cursor *c, wide a, wide b, wide *out)
{
    if (a != 0 && b > WIDE_LIMIT / a)
        return fail(c, "exceeds 2^64-1");
    *out = a * b;
    return 0;
}

static int power(cursor *c, wide base, wide exponent, wide *out)
{
    wide v = 1;
    for (wide i = 0; i < exponent; i++) {
        if (base == 0 || base == 1) {
            v = base;
            break;
        }
        if (multiply(c, v, base, &v) != 0)
            return -1;
    }
    *out = v;
    return 0;
}

static int parse_term(cursor *c, wide *out)
{
    wide a, b;
    if (parse_digits(c, &a) != 0)
        return -1;
    char op = *c->p;
    if (op == 'e' || op == 'E' || op == '^') {
        c->p++;
        if (*c->p == '-')
            return fail(c, "is not a whole number (negative exponent)");
        if (parse_digits(c, &b) != 0)
            return -1;
        wide scale;
        if (op == '^')
            return power(c, a, b, out);
        if (a == 0) {
            *out = 0;
            return 0;
        }
        if (power(c, 10, b, &scale) != 0)
            return -1;
        return multiply(c, a, scale, out);
    }
    *out = a;
    return 0;
}

int numparse_u64(const char *text, uint64_t *value, char *why, size_t why_size)
{
    cursor c = {text, why, why_size};
    if (!text || !*text)
        return fail(&c, "is empty");
    if (*text == '-')
        return fail(&c, "is negative");
    if (strchr(text, '.'))
        return fail(&c, "is not a whole number");
    wide total;
    if (parse_term(&c, &total) != 0)
        return -1;
    while (*c.p == '+' || *c.p == '-') {
        char op = *c.p++;
        wide t;
        if (parse_term(&c, &t) != 0)
            return -1;
        if (op == '+' && (total += t) > WIDE_LIMIT)
            return fail(&c, "exceeds 2^64-1");
        if (op == '-') {
            if (t > total)
                return fail(&c, "is negative");
            total -= t;
        }
    }
    if (*c.p != '\0')
        return fail(&c, "is not a whole number");
    if (total > UINT64_MAX)
        return fail(&c, "exceeds 2^64-1");
    *value = (uint64_t)total;
    return 0;
}
