/* The kernel monitor: a small command line on the serial console. */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

__attribute__((noreturn)) void monitor_run(void);

#endif
