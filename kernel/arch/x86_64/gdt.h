/* Segment selectors, the GDT and the TSS. */
#ifndef KERNEL_ARCH_X86_64_GDT_H
#define KERNEL_ARCH_X86_64_GDT_H

#include <stdint.h>

#define GDT_KERNEL_CS	0x08
#define GDT_KERNEL_DS	0x10
#define GDT_USER_DS	(0x18 | 3)
#define GDT_USER_CS	(0x20 | 3)
#define GDT_TSS		0x28

/* Interrupt stack table slots (1-based, as in the IDT gate). */
#define IST_DOUBLE_FAULT	1
#define IST_NMI			2
#define IST_MACHINE_CHECK	3

/* Loads the GDT and TSS of CPU number cpu (0 .. MAX_CPUS-1). */
void gdt_init(unsigned cpu);
void gdt_set_kernel_stack(uint64_t top);

#endif
