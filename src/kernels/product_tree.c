/* product_tree.c: the accumulator of primes into their product (product_tree.h): words, leaves, the
 * tree's stack with its carry limit, and the collapse that pairs the smallest nodes first. */
#include "kernels/product_tree.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void product_tree_init(product_tree *tree, unsigned carry_limit)
{
    memset(tree, 0, sizeof *tree);
    tree->word = 1;
    tree->carry_limit = carry_limit;
}

void product_tree_push(product_tree *p, mpz_t value, unsigned level)
{
    while (p->depth > 0 && p->stack[p->depth - 1].level == level && level < p->carry_limit) {
        product_tree_node *top = &p->stack[--p->depth];
        mpz_mul(value, top->value, value);
        mpz_clear(top->value);
        level++;
    }
    if (p->depth == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->stack = xrealloc(p->stack, p->cap * sizeof *p->stack, "product tree");
    }
    product_tree_node *node = &p->stack[p->depth++];
    mpz_init(node->value);
    mpz_swap(node->value, value);
    node->level = level;
}

static void leaf_flush(product_tree *p)
{
    if (p->leaf_len == 0)
        return;
    mpz_t leaf;
    mpz_init_set_ui(leaf, p->leaf[0]);
    for (unsigned i = 1; i < p->leaf_len; i++)
        mpz_mul_ui(leaf, leaf, p->leaf[i]);
    p->leaf_len = 0;
    product_tree_push(p, leaf, 0);
    mpz_clear(leaf);
}

static void word_flush(product_tree *p)
{
    if (p->word == 1)
        return;
    p->leaf[p->leaf_len++] = p->word;
    p->word = 1;
    if (p->leaf_len == PRODUCT_TREE_LEAF_WORDS)
        leaf_flush(p);
}

void product_tree_add(void *ctx, uint64_t prime)
{
    product_tree *p = ctx;
    uint64_t next;
    p->primes++;
    if (__builtin_mul_overflow(p->word, prime, &next)) {
        word_flush(p);
        p->word = prime;
    } else {
        p->word = next;
    }
}

/* Restores the min-heap order (by limb count) below heap[i]. */
static void heap_sift_down(product_tree_node *heap, unsigned n, unsigned i)
{
    for (;;) {
        unsigned least = i, left = 2 * i + 1, right = left + 1;
        if (left < n && mpz_size(heap[left].value) < mpz_size(heap[least].value))
            least = left;
        if (right < n && mpz_size(heap[right].value) < mpz_size(heap[least].value))
            least = right;
        if (least == i)
            return;
        product_tree_node t = heap[i];
        heap[i] = heap[least];
        heap[least] = t;
        i = least;
    }
}

/* Afterwards depth is 1 (the value 1 when no prime was added). */
void product_tree_collapse(product_tree *p)
{
    word_flush(p);
    leaf_flush(p);
    if (p->depth == 0) {
        mpz_t one;
        mpz_init_set_ui(one, 1);
        product_tree_push(p, one, 0);
        mpz_clear(one);
    }
    /* the two smallest nodes first, as in a Huffman tree (equal sizes pair up level by level), through a
     * min-heap on the limb count: a small chunk can leave thousands of nodes */
    product_tree_node *heap = p->stack;
    unsigned n = p->depth;
    for (unsigned i = n / 2; i-- > 0;)
        heap_sift_down(heap, n, i);
    while (n > 1) {
        product_tree_node smallest = heap[0];
        heap[0] = heap[--n];
        heap_sift_down(heap, n, 0);
        mpz_mul(heap[0].value, heap[0].value, smallest.value);
        heap[0].level = (heap[0].level > smallest.level ? heap[0].level : smallest.level) + 1;
        mpz_clear(smallest.value);
        heap_sift_down(heap, n, 0);
    }
    p->depth = n;
}

bool product_tree_settled(const product_tree *tree)
{
    return tree->depth == 1 && tree->word == 1 && tree->leaf_len == 0;
}

const __mpz_struct *product_tree_value(product_tree *tree)
{
    product_tree_collapse(tree);
    return tree->stack[0].value;
}

void product_tree_clear(product_tree *tree)
{
    for (unsigned i = 0; i < tree->depth; i++)
        mpz_clear(tree->stack[i].value);
    free(tree->stack);
    memset(tree, 0, sizeof *tree);
}

product_tree *product_tree_new(void)
{
    product_tree *tree = xmalloc(sizeof *tree, "product tree");
    product_tree_init(tree, UINT_MAX);
    return tree;
}

void product_tree_free(product_tree *tree)
{
    if (tree) {
        product_tree_clear(tree);
        free(tree);
    }
}
