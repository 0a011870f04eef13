/* product_tree.h: the product kernel's accumulator of primes (words, leaves, a product tree of similar
 * sized factors), offered to other kernels that multiply primes, such as the tasks kernel's products.
 * Implemented in product.c, where the product kernel uses the same code. */
#ifndef PRIMES_PRODUCT_TREE_H
#define PRIMES_PRODUCT_TREE_H

#include <stdio.h> /* before gmp.h: it declares mpz_out_str only then */
#include <gmp.h>
#include <stdint.h>

typedef struct product_partial product_tree;

product_tree *product_tree_new(void);
/* Multiplies one more prime in; the signature of a prime_visit (primes_each.h), ctx the tree. */
void product_tree_add(void *tree, uint64_t prime);
/* The product of every prime added (1 when none was), valid until the next add or the free. */
const __mpz_struct *product_tree_value(product_tree *tree);
void product_tree_free(product_tree *tree);

#endif
