/* sha256.h: SHA-256 (FIPS 180-4) of a file, for provenance that names an input by its content (the
 * simulated platform file of a run): the same digest as `sha256sum FILE`. */
#ifndef PRIMES_SHA256_H
#define PRIMES_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_state {
    uint32_t h[8];
    uint64_t length;          /* bytes hashed so far */
    unsigned char block[64];
    size_t used;              /* bytes waiting in block */
} sha256_state;

void sha256_init(sha256_state *s);
void sha256_update(sha256_state *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(sha256_state *s, char hex[65]);

/* The digest of the file at path, at most max_bytes long; 0, or -1 (unreadable, not a regular file, too
 * long) with errno set. */
int sha256_file(const char *path, uint64_t max_bytes, char hex[65]);

#endif
