/* Kernel heap: zeroed allocations, zeroed again on free. */
#ifndef KERNEL_MM_KMALLOC_H
#define KERNEL_MM_KMALLOC_H

#include <stddef.h>

#include "lib/heap/heap.h"

void kmalloc_init(void);
/* Returns size zeroed bytes, or NULL. */
void *kmalloc(size_t size);
/* Frees p; a double or foreign free is a kernel bug (panic). */
void kfree(void *p);
/* Same as kfree but returns the heap's verdict instead of panicking (tests). */
enum heap_error kfree_checked(void *p);

extern struct heap kernel_heap;

#endif
