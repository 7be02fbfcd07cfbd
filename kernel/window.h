/*
 * IPC windows: a caller lends the server of its next call a range of its
 * own memory, and the server copies into it or out of it through the
 * kernel. A read() of a large file then costs one copy, from the server's
 * memory straight into the caller's buffer (as QNX's MsgWrite or L4's
 * string items), instead of two through a shared buffer.
 *
 * Lifetime: window_set records the window in the calling thread for the
 * number of its next call (every SYS_CALL counts one), so the window
 * serves that call alone: once it returns, with a reply, an error or the
 * server's death, nobody owes it a reply, and the caller's next call has
 * another number. A window is used only by the thread that owes its
 * caller the reply, only while it owes it, only within its bounds and
 * only with its rights.
 */
#ifndef KERNEL_WINDOW_H
#define KERNEL_WINDOW_H

#include <stdint.h>

#include "kernel/obj/thread.h"

/* E_OK, E_FAULT (not wholly in user space) or E_INVAL (rights other than READ, WRITE). */
int window_set(struct thread *t, uint64_t va, uint64_t len, uint32_t rights);
/*
 * Copies between server's caller's window, from off, and n pieces (an
 * array of struct window_iov at user address iov) of server's memory ->
 * bytes copied, or an error; docs/syscalls.md lists them.
 */
int64_t window_copy(struct thread *server, uint64_t dir, uint64_t off, uint64_t iov,
    uint64_t n);

#endif
