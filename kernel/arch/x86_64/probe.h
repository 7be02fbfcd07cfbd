/* Fault-tolerant memory probes (probe.S). Each returns 0, or -1 on a fault. */
#ifndef KERNEL_ARCH_X86_64_PROBE_H
#define KERNEL_ARCH_X86_64_PROBE_H

#include <stdint.h>

int probe_read64(const void *addr, uint64_t *out);
int probe_write8(void *addr, uint8_t value);
int probe_exec(void *addr);

extern uint64_t probe_exec_target;

#endif
