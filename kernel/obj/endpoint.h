/*
 * Endpoints: synchronous IPC. A message is a tag and four words carried
 * in registers, plus at most one capability. A send meets a waiting
 * receiver or waits for one; a call also waits for the reply, and the
 * receiver gets a one-shot right to reply to that caller.
 */
#ifndef KERNEL_OBJ_ENDPOINT_H
#define KERNEL_OBJ_ENDPOINT_H

#include "kernel/obj/memory.h"
#include "kernel/obj/thread.h"

struct endpoint {
	struct kobj hdr;
	struct memory *mem;
	struct thread *sendq, *sendq_tail;
	struct thread *recvq, *recvq_tail;
};

struct endpoint *endpoint_create(struct memory *m);
/* Wakes every waiter with E_DEAD and frees the endpoint. */
void endpoint_destroy(struct endpoint *ep);
void endpoint_dequeue(struct endpoint *ep, struct thread *t);

/*
 * The IPC operations of the current thread. msg holds tag, m0..m3; the
 * results go into the thread's trapframe registers. Each returns the
 * value for rax.
 */
int64_t ipc_send(struct endpoint *ep, uint64_t badge, int grant,
    const uint64_t msg[5], int is_call, int block);
int64_t ipc_recv(struct endpoint *ep, uint64_t recv_slot, int block);
int64_t ipc_reply(const uint64_t msg[5]);
/*
 * The caller server owes a reply (if any) will get none: it wakes with
 * E_DEAD and both links are cleared. Links between threads are always
 * cleared on both sides together: caller->replier == server exactly when
 * server->reply_to == caller.
 */
void ipc_abandon_reply(struct thread *server);
/* Replies to the pending caller (if any), then receives on ep. */
int64_t ipc_reply_recv(const uint64_t msg[5], struct endpoint *ep, uint64_t recv_slot);

#endif
