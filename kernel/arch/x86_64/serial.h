/* COM1 serial port. */
#ifndef KERNEL_ARCH_X86_64_SERIAL_H
#define KERNEL_ARCH_X86_64_SERIAL_H

void serial_init(void);
void serial_putc(char c);
/* Returns the next received byte, or -1 when none is waiting. */
int serial_getc(void);

#endif
