/*
 * Local APIC set-up. The timer's input clock is unknown, so we count how
 * many LAPIC ticks (and TSC cycles) pass during 10 ms of the legacy PIT,
 * whose frequency is fixed at 1.193182 MHz, and program the periodic
 * timer from that.
 */
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/percpu.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/kernel.h"

#define REG_ID		0x020
#define REG_EOI		0x0b0
#define REG_SVR		0x0f0
#define REG_LVT_TIMER	0x320
#define REG_LVT_LINT1	0x360
#define REG_TIMER_INIT	0x380
#define REG_TIMER_CUR	0x390
#define REG_TIMER_DIV	0x3e0
#define REG_ICR_LOW	0x300
#define REG_ICR_HIGH	0x310
#define ICR_PENDING	(1u << 12)
#define ICR_ASSERT	(1u << 14)
#define ICR_INIT	(5u << 8)
#define ICR_STARTUP	(6u << 8)
#define TIMER_PERIODIC	(1u << 17)
#define LVT_MASKED	(1u << 16)
#define LVT_NMI		(4u << 8)	/* delivery mode NMI (vector ignored) */

#define PIT_HZ		1193182u
#define CALIBRATE_MS	10

volatile uint64_t timer_ticks;
uint64_t lapic_timer_hz;
uint64_t tsc_per_us;

static volatile uint32_t *lapic;

static uint32_t
rd(uint32_t reg)
{
	return lapic[reg / 4];
}

static void
wr(uint32_t reg, uint32_t v)
{
	lapic[reg / 4] = v;
}

void
lapic_eoi(void)
{
	wr(REG_EOI, 0);
}

uint32_t
lapic_timer_current(void)
{
	return rd(REG_TIMER_CUR);
}

uint32_t
lapic_id(void)
{
	return rd(REG_ID) >> 24;
}

/* Only the boot CPU counts time: every CPU's timer fires. */
void
lapic_timer_tick(void)
{
	if (this_cpu()->id == 0)
		timer_ticks++;
}

static void
icr_wait(void)
{
	for (int i = 0; i < 1000000 && (rd(REG_ICR_LOW) & ICR_PENDING); i++)
		pause();
}

static void
icr_send(uint32_t apic_id, uint32_t low)
{
	icr_wait();
	wr(REG_ICR_HIGH, apic_id << 24);
	wr(REG_ICR_LOW, low);
	icr_wait();
}

void
lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	icr_send(apic_id, ICR_ASSERT | vector);
}

void
lapic_send_init(uint32_t apic_id)
{
	icr_send(apic_id, ICR_ASSERT | ICR_INIT);
}

void
lapic_send_sipi(uint32_t apic_id, uint8_t page)
{
	icr_send(apic_id, ICR_ASSERT | ICR_STARTUP | page);
}

void
lapic_init_ap(void)
{
	wr(REG_SVR, 0x100 | VEC_SPURIOUS);
	/* An AP's LAPIC comes out of INIT with LINT1 masked; NMIs are wanted (trap.c). */
	wr(REG_LVT_LINT1, LVT_NMI);
	wr(REG_TIMER_DIV, 0x3);
	wr(REG_LVT_TIMER, VEC_TIMER | TIMER_PERIODIC);
	wr(REG_TIMER_INIT, (uint32_t)(lapic_timer_hz / TIMER_HZ));
}

/* Masks every line of the two legacy 8259 PICs: we use the APICs only. */
static void
pic_disable(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

/*
 * Runs PIT channel 2 once for CALIBRATE_MS and returns the LAPIC ticks
 * (divider 16) and TSC cycles that elapsed.
 */
static void
calibrate(uint64_t *lapic_ticks, uint64_t *tsc_cycles)
{
	uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
	uint64_t tsc0;
	uint8_t gate;

	gate = (uint8_t)((inb(0x61) & ~0x02) | 0x01);	/* speaker off, gate on */
	outb(0x61, gate);
	outb(0x43, 0xb0);		/* channel 2, lo/hi byte, mode 0 */
	outb(0x42, (uint8_t)count);
	outb(0x42, (uint8_t)(count >> 8));
	outb(0x61, gate & ~0x01);	/* restart the count */
	outb(0x61, gate);
	wr(REG_TIMER_DIV, 0x3);		/* divide by 16 */
	wr(REG_LVT_TIMER, LVT_MASKED);
	wr(REG_TIMER_INIT, 0xffffffffu);
	tsc0 = rdtsc();
	/* Bounded: a broken PIT gives a rough figure, not a hang. */
	for (uint64_t i = 0; i < 100000000 && !(inb(0x61) & 0x20); i++)
		pause();
	*tsc_cycles = rdtsc() - tsc0;
	*lapic_ticks = 0xffffffffu - rd(REG_TIMER_CUR);
	wr(REG_TIMER_INIT, 0);
}

void
lapic_init(void)
{
	uint64_t ticks, cycles;

	lapic = phys_to_virt(rdmsr(MSR_APIC_BASE) & 0xffffff000ULL);
	pic_disable();
	wr(REG_SVR, 0x100 | VEC_SPURIOUS);	/* software enable */
	wr(REG_LVT_LINT1, LVT_NMI);		/* the platform's NMI line, as on the APs */
	calibrate(&ticks, &cycles);
	if (ticks == 0)
		ticks = 1;
	lapic_timer_hz = ticks * (1000 / CALIBRATE_MS);
	tsc_per_us = cycles / (CALIBRATE_MS * 1000);
	if (tsc_per_us == 0)
		tsc_per_us = 1;
	wr(REG_TIMER_DIV, 0x3);
	wr(REG_LVT_TIMER, VEC_TIMER | TIMER_PERIODIC);
	wr(REG_TIMER_INIT, (uint32_t)(lapic_timer_hz / TIMER_HZ));
}
