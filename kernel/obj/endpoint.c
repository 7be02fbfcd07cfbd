/*
 * Synchronous IPC (see endpoint.h). Messages move register to register:
 * a blocked sender's message waits in its thread object, a blocked
 * receiver's result is written straight into its saved registers. A call
 * that finds a receiver waiting switches to it directly, without a trip
 * through the run queue: this is the fast path.
 */
#include "kernel/ceiling.h"
#include "kernel/kernel.h"
#include "kernel/obj/cnode.h"
#include "kernel/obj/endpoint.h"
#include "kernel/proc.h"
#include "kernel/sched.h"

struct endpoint *
endpoint_create(struct memory *m)
{
	struct endpoint *ep = memory_alloc(m, sizeof(*ep));

	if (ep == NULL)
		return NULL;
	ep->hdr.type = CAP_ENDPOINT;
	ep->hdr.id = kobj_new_id();
	ep->mem = m;
	return ep;
}

static void
enqueue(struct thread **head, struct thread **tail, struct thread *t)
{
	t->qnext = NULL;
	if (*tail)
		(*tail)->qnext = t;
	else
		*head = t;
	*tail = t;
}

static struct thread *
dequeue_head(struct thread **head, struct thread **tail)
{
	struct thread *t = *head;

	if (t) {
		*head = t->qnext;
		if (*head == NULL)
			*tail = NULL;
		t->qnext = NULL;
	}
	return t;
}

static void
remove_from(struct thread **head, struct thread **tail, struct thread *t)
{
	struct thread **pp = head, *prev = NULL;

	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (*pp == NULL)
		return;
	*pp = t->qnext;
	if (*tail == t)
		*tail = prev;
	t->qnext = NULL;
}

void
endpoint_dequeue(struct endpoint *ep, struct thread *t)
{
	remove_from(&ep->sendq, &ep->sendq_tail, t);
	remove_from(&ep->recvq, &ep->recvq_tail, t);
}

static void
wake_dead(struct thread *t)
{
	t->waiting_on = NULL;
	t->ipc_result = E_DEAD;
	t->tf->rax = (uint64_t)E_DEAD;
	sched_ready(t);
}

void
endpoint_destroy(struct endpoint *ep)
{
	struct thread *t;

	while ((t = dequeue_head(&ep->sendq, &ep->sendq_tail)) != NULL)
		wake_dead(t);
	while ((t = dequeue_head(&ep->recvq, &ep->recvq_tail)) != NULL)
		wake_dead(t);
	memory_free(ep->mem, ep, sizeof(*ep));
}

/*
 * Derives the capability the sender offered (if any) into the receiver's
 * chosen slot, with no more rights than the receiving module's signed
 * ceiling allows for its type: a ceiling holds on every path into a
 * process, not only spawn. It is dropped, and the receiver told so, when
 * the sender's endpoint capability lacks GRANT, the offered slot holds
 * nothing the sender may grant, the receiver chose the null slot or a
 * full one, or the ceiling allows none of it. Returns the tag the
 * receiver sees.
 */
static uint64_t
transfer_cap(struct thread *from, int grant, uint64_t tag, struct thread *to)
{
	struct cap *src, *dst;

	if (!(tag & TAG_CAP))
		return tag & ~TAG_SLOTS_MASK;
	tag &= ~(TAG_CAP | TAG_SLOTS_MASK);
	if (!grant ||
	    cnode_lookup(from->proc->cn, TAG_CAP_SLOT(from->msg[0]), CAP_NULL,
	    RIGHT_GRANT, &src) != E_OK ||
	    to->recv_slot == SLOT_NULL ||
	    (dst = cnode_slot(to->proc->cn, to->recv_slot)) == NULL ||
	    dst->obj != NULL || ceiling_derive(to->proc->name, src, dst) != E_OK)
		return tag | TAG_CAP_DROPPED;
	return tag | TAG_CAP;
}

/* Delivers from's message into to's registers. */
static void
deliver(struct thread *from, uint64_t badge, int grant, struct thread *to)
{
	struct trapframe *tf = to->tf;

	tf->rax = E_OK;
	tf->rdi = badge;
	tf->rsi = transfer_cap(from, grant, from->msg[0], to);
	tf->rdx = from->msg[1];
	tf->r10 = from->msg[2];
	tf->r8 = from->msg[3];
	tf->r9 = from->msg[4];
	to->ipc_result = E_OK;
}

static void
set_msg(struct thread *t, const uint64_t msg[5])
{
	for (int i = 0; i < 5; i++)
		t->msg[i] = msg[i];
}

int64_t
ipc_send(struct endpoint *ep, uint64_t badge, int grant, const uint64_t msg[5],
    int is_call, int block)
{
	struct thread *self = sched_current(), *r;

	set_msg(self, msg);
	if ((r = dequeue_head(&ep->recvq, &ep->recvq_tail)) != NULL) {
		r->waiting_on = NULL;
		deliver(self, badge, grant, r);
		if (!is_call) {
			sched_ready(r);
			return E_OK;
		}
		r->reply_to = self;
		self->replier = r;
		self->state = T_BLOCKED_REPLY;
		sched_switch_to(r);
		return self->ipc_result;
	}
	if (!block)
		return E_AGAIN;
	self->badge = badge;
	self->send_grant = grant;
	self->is_call = is_call;
	self->waiting_on = ep;
	self->state = T_BLOCKED_SEND;
	enqueue(&ep->sendq, &ep->sendq_tail, self);
	schedule();
	return self->ipc_result;
}

void
ipc_abandon_reply(struct thread *server)
{
	struct thread *caller = server->reply_to;

	if (caller == NULL)
		return;
	KASSERT(caller->replier == server);
	caller->replier = NULL;
	caller->ipc_result = E_DEAD;
	caller->tf->rax = (uint64_t)E_DEAD;
	server->reply_to = NULL;
	sched_ready(caller);
}

/*
 * Receives on ep. When the receiver blocks and handoff is a thread it just
 * replied to, the CPU goes straight to that thread (the reply fast path).
 */
static int64_t
recv_then(struct endpoint *ep, uint64_t recv_slot, int block, struct thread *handoff)
{
	struct thread *self = sched_current(), *s;

	/*
	 * One pending reply at a time: a receive before replying gives up
	 * the caller we owe (it gets E_DEAD) rather than leave it pointing
	 * at us while we answer someone else.
	 */
	ipc_abandon_reply(self);
	self->recv_slot = recv_slot;
	if ((s = dequeue_head(&ep->sendq, &ep->sendq_tail)) != NULL) {
		s->waiting_on = NULL;
		deliver(s, s->badge, s->send_grant, self);
		if (s->is_call) {
			self->reply_to = s;
			s->replier = self;
			s->state = T_BLOCKED_REPLY;
		} else {
			s->ipc_result = E_OK;
			s->tf->rax = E_OK;
			sched_ready(s);
		}
		if (handoff)
			sched_ready(handoff);
		return E_OK;
	}
	if (!block) {
		if (handoff)
			sched_ready(handoff);
		return E_AGAIN;
	}
	self->waiting_on = ep;
	self->state = T_BLOCKED_RECV;
	enqueue(&ep->recvq, &ep->recvq_tail, self);
	if (handoff)
		sched_switch_to(handoff);
	else
		schedule();
	return self->ipc_result;
}

int64_t
ipc_recv(struct endpoint *ep, uint64_t recv_slot, int block)
{
	return recv_then(ep, recv_slot, block, NULL);
}

/* Delivers the reply to our caller; returns the caller, or NULL if none. */
static struct thread *
reply_to_caller(const uint64_t msg[5])
{
	struct thread *self = sched_current(), *c = self->reply_to;

	if (c == NULL)
		return NULL;
	self->reply_to = NULL;
	c->replier = NULL;
	set_msg(self, msg);
	/* A reply carries a capability only when the caller could receive one. */
	deliver(self, 0, 1, c);
	return c;
}

int64_t
ipc_reply(const uint64_t msg[5])
{
	struct thread *c = reply_to_caller(msg);

	if (c == NULL)
		return E_INVAL;		/* nobody to reply to */
	sched_ready(c);
	return E_OK;
}

int64_t
ipc_reply_recv(const uint64_t msg[5], struct endpoint *ep, uint64_t recv_slot)
{
	return recv_then(ep, recv_slot, 1, reply_to_caller(msg));
}
