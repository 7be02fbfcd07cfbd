/* Copying to and from user memory; never trusts a pointer or a length. */
#ifndef KERNEL_USERCOPY_H
#define KERNEL_USERCOPY_H

#include <stddef.h>
#include <stdint.h>

void usercopy_init(void);
/* Each returns E_OK, or E_FAULT when any byte of the user range is invalid. */
int copy_from_user(void *dst, uint64_t usrc, size_t n);
int copy_to_user(uint64_t udst, const void *src, size_t n);
/* 1 when [addr, addr+n) lies inside user space (n may be 0). */
int user_range_ok(uint64_t addr, uint64_t n);

#endif
