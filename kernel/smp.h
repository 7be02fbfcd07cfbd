/* Bringing up the other CPUs listed in the ACPI MADT. */
#ifndef KERNEL_SMP_H
#define KERNEL_SMP_H

/* Starts every application processor; returns how many CPUs are online. */
int smp_start(void);

#endif
