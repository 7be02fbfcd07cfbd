/* In-kernel tests, run at boot with the option `ktest` or by the monitor. */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

/* Runs every test; prints one line per test and "ktest: N passed, M failed". */
void ktest_run_all(void);

#endif
