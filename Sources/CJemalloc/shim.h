#ifndef GATEWAY_CJEMALLOC_SHIM_H
#define GATEWAY_CJEMALLOC_SHIM_H

#include <stddef.h>

// Linking libjemalloc replaces malloc and free for the whole gateway process. Only its control
// interface is declared here: <jemalloc/jemalloc.h> re-declares malloc and friends, which would
// clash with the C library's declarations Swift already imports.
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

#endif
