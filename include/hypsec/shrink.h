/* Candidate simplifications of a value, for minimising a failing case. */
#ifndef HYPSEC_SHRINK_H
#define HYPSEC_SHRINK_H

#include <stdbool.h>
#include <stddef.h>
#include "hypsec/value.h"

/* The n-th candidate simplification of v (n = 0, 1, ...), most aggressive first: drop a map entry, drop a list element, replace a number by 0, by half, by a smaller power of two, bool to false, recurse into fields, entries and elements; false when n is past the last. */
bool hs_shrink_candidate(const struct hs_type *t, hs_val v, size_t n, hs_val *out);

#endif
