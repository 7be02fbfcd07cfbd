/*
 * The big kernel lock. Every entry into the kernel from user mode or from
 * an idle CPU takes it, and every exit to user mode gives it back, so
 * kernel code runs on one CPU at a time and needs no finer locking. A
 * context switch passes the lock from the old thread to the new one.
 */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

void bkl_lock(void);
void bkl_unlock(void);

#endif
