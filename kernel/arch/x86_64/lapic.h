/* Local APIC: interrupt acknowledgement and the periodic timer. */
#ifndef KERNEL_ARCH_X86_64_LAPIC_H
#define KERNEL_ARCH_X86_64_LAPIC_H

#include <stdint.h>

#define LAPIC_DEFAULT_BASE 0xfee00000ULL
#define TIMER_HZ 100

/* Enables the LAPIC, calibrates its timer and the TSC against the PIT. */
void lapic_init(void);
/* Enables the LAPIC of an application processor with the BSP's calibration. */
void lapic_init_ap(void);
/* Sends a fixed interrupt with vector to the CPU with apic_id. */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* INIT and STARTUP (SIPI) for bringing up a CPU; page is the start address >> 12. */
void lapic_send_init(uint32_t apic_id);
void lapic_send_sipi(uint32_t apic_id, uint8_t page);
void lapic_eoi(void);
void lapic_timer_tick(void);
uint32_t lapic_id(void);
uint32_t lapic_timer_current(void);

/* Ticks since the timer started, and the calibrated frequencies. */
extern volatile uint64_t timer_ticks;
extern uint64_t lapic_timer_hz;

#endif
