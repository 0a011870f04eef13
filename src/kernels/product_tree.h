/* product_tree.h: an accumulator of primes into their exact product: primes packed into 64-bit words,
 * words into leaves of a few limbs, leaves multiplied as a product tree (a stack where two entries of the
 * same level become one of the next level, so every multiplication joins numbers of similar size). The
 * product kernel (product.c) is built on it, and other kernels that multiply primes (the tasks kernel's
 * products) use it alone. */
#ifndef PRIMES_PRODUCT_TREE_H
#define PRIMES_PRODUCT_TREE_H

#include <stdio.h> /* before gmp.h: it declares mpz_out_str only then */
#include <gmp.h>
#include <stdbool.h>
#include <stdint.h>

#define PRODUCT_TREE_LEAF_WORDS 16

typedef struct product_tree_node {
    mpz_t value;
    unsigned level;
} product_tree_node;

typedef struct product_tree {
    uint64_t primes;                            /* how many primes are in the product */
    uint64_t word;                              /* product of the latest primes, while it fits in 64 bits */
    uint64_t leaf[PRODUCT_TREE_LEAF_WORDS];     /* full words waiting to become a leaf */
    unsigned leaf_len;
    product_tree_node *stack;                   /* the pending nodes, levels decreasing upwards */
    unsigned depth, cap;
    unsigned carry_limit;                       /* nodes of this level wait for the collapse */
} product_tree;

/* An empty product (1) whose merges during the adds stop below level carry_limit (UINT_MAX: never). */
void product_tree_init(product_tree *tree, unsigned carry_limit);
/* Multiplies one more prime in; the signature of a prime_visit (primes_each.h), ctx the tree. */
void product_tree_add(void *tree, uint64_t prime);
/* Pushes a whole factor of the given level (value is left cleared-to-reuse: swapped out). */
void product_tree_push(product_tree *tree, mpz_t value, unsigned level);
/* Multiplies everything pending into one node: afterwards depth is 1 and stack[0].value the product. */
void product_tree_collapse(product_tree *tree);
/* Whether the tree is one node and nothing waits in the word or the leaf. */
bool product_tree_settled(const product_tree *tree);
/* The product of every prime added (1 when none was), valid until the next add or the clear. */
const __mpz_struct *product_tree_value(product_tree *tree);
/* Frees the nodes; the tree is then all zeros (init it again to reuse it). */
void product_tree_clear(product_tree *tree);

/* A tree on the heap (carry_limit UINT_MAX), for kernels that keep one aside. */
product_tree *product_tree_new(void);
void product_tree_free(product_tree *tree);

#endif
