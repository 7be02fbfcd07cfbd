/* TLB shootdown: making every CPU forget a mapping that was removed. */
#ifndef KERNEL_ARCH_X86_64_TLB_H
#define KERNEL_ARCH_X86_64_TLB_H

/*
 * Flushes every other online CPU's TLB and waits until each has done so.
 * Called with the big kernel lock held, after page-table entries were
 * removed.
 */
void tlb_shootdown(void);
/* Handles a pending request on this CPU (from the IPI or while spinning). */
void tlb_service(void);

#endif
