/* test_sha256.c: SHA-256 against the test vectors of FIPS 180-4 (and NIST's example values), every
 * padding boundary against a byte-at-a-time update, and sha256_file's refusals. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sha256.h"

static void digest_of(const void *data, size_t len, char hex[65])
{
    sha256_state s;
    sha256_init(&s);
    sha256_update(&s, data, len);
    sha256_hex(&s, hex);
}

static void test_standard_vectors(void **state)
{
    (void)state;
    char hex[65];
    digest_of("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_of("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest_of(two_blocks, strlen(two_blocks), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    digest_of(million, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

/* Lengths around the 55/56/64-byte padding boundaries: one update equals byte-by-byte updates. */
static void test_pieces_equal_whole(void **state)
{
    (void)state;
    unsigned char data[200];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof data; len++) {
        char whole[65], pieces[65];
        digest_of(data, len, whole);
        sha256_state s;
        sha256_init(&s);
        for (size_t i = 0; i < len; i++)
            sha256_update(&s, data + i, 1);
        sha256_hex(&s, pieces);
        assert_string_equal(whole, pieces);
    }
}

static void test_file(void **state)
{
    (void)state;
    char path[] = "/tmp/primes-sha256-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    char hex[65];
    assert_int_equal(sha256_file(path, 1024, hex), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    errno = 0;
    assert_int_equal(sha256_file(path, 2, hex), -1); /* longer than allowed */
    assert_int_equal(errno, EFBIG);
    unlink(path);
    assert_int_equal(sha256_file(path, 1024, hex), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(sha256_file("/tmp", 1024, hex), -1); /* not a regular file */
    assert_int_equal(errno, EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_standard_vectors), cmocka_unit_test(test_pieces_equal_whole),
                                       cmocka_unit_test(test_file)};
    return cmocka_run_group_tests_name("sha256", tests, NULL, NULL);
}
