/* Local APIC: interrupt acknowledgement and the periodic timer. */
#ifndef KERNEL_ARCH_X86_64_LAPIC_H
#define KERNEL_ARCH_X86_64_LAPIC_H

#include <stdint.h>

#define LAPIC_DEFAULT_BASE 0xfee00000ULL
#define TIMER_HZ 100

/* Enables the LAPIC, calibrates its timer and the TSC against the PIT. */
void lapic_init(void);
void lapic_eoi(void);
void lapic_timer_tick(void);
uint32_t lapic_id(void);

/* Ticks since the timer started, and the calibrated frequencies. */
extern volatile uint64_t timer_ticks;
extern uint64_t lapic_timer_hz;

#endif
