/* text.h: telling well-formed UTF-8 from stray bytes in text that came from outside (arguments, the
 * environment, files), for the messages and records that repeat it. */
#ifndef PRIMES_TEXT_H
#define PRIMES_TEXT_H

#include <stddef.h>

/* The length of the well-formed UTF-8 character of two or more bytes at p (overlong forms and
 * surrogates excluded), or 0 when p starts with a single byte: ASCII or a stray one. */
size_t text_utf8_length(const unsigned char *p);

#endif
