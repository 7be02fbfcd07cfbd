/*
 * Run queues: per CPU, one FIFO of ready threads per priority and a bit
 * mask of the non-empty ones. Only data structure work, no switching or
 * interrupts, so the host build of the object model (tests/kfuzz) runs
 * this same code.
 */
#include "kernel/kernel.h"
#include "kernel/sched.h"

int
runq_push(struct thread *t)
{
	struct cpu *c = &cpus[t->cpu];
	int p = t->priority;

	t->state = T_READY;
	t->qnext = NULL;
	if (c->tail[p])
		c->tail[p]->qnext = t;
	else
		c->head[p] = t;
	c->tail[p] = t;
	c->nonempty |= 1u << p;
	if (p <= c->current->priority)
		return 0;
	c->need_resched = 1;
	return 1;
}

void
sched_remove(struct thread *t)
{
	struct cpu *c = &cpus[t->cpu];
	int p = t->priority;
	struct thread **pp = &c->head[p], *prev = NULL;

	while (*pp && *pp != t) {
		prev = *pp;
		pp = &(*pp)->qnext;
	}
	if (*pp == NULL)
		return;
	*pp = t->qnext;
	if (c->tail[p] == t)
		c->tail[p] = prev;
	if (c->head[p] == NULL)
		c->nonempty &= ~(1u << p);
	t->qnext = NULL;
}
