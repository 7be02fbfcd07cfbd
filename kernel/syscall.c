/*
 * System call dispatch. Every handler first decodes and checks all of its
 * arguments (slots, rights, user pointers), then acts; a failed check
 * changes nothing. Handlers return the value for rax. The table of calls,
 * rights and errors is docs/syscalls.md.
 */
#include "kernel/arch/x86_64/lapic.h"
#include "kernel/arch/x86_64/trap.h"
#include "kernel/kernel.h"
#include "kernel/lock.h"
#include "kernel/obj/audit.h"
#include "kernel/obj/cnode.h"
#include "kernel/obj/device.h"
#include "kernel/obj/endpoint.h"
#include "kernel/obj/frame.h"
#include "kernel/obj/notification.h"
#include "kernel/obj/pci.h"
#include "kernel/obj/thread.h"
#include "kernel/proc.h"
#include "kernel/sched.h"
#include "kernel/ceiling.h"
#include "kernel/clock.h"
#include "kernel/counter.h"
#include "kernel/fbcon.h"
#include "kernel/machine.h"
#include "kernel/random.h"
#include "kernel/seal.h"
#include "kernel/timer.h"
#include "kernel/window.h"
#include "kernel/arch/x86_64/cpu.h"
#include "kernel/usercopy.h"
#include "lib/abi/syscall.h"
#include "lib/cap/token.h"
#include "lib/libc/string.h"

#define CONSOLE_WRITE_MAX 4096

typedef int64_t (*syscall_fn)(struct trapframe *tf);

static struct cnode *
my_cnode(void)
{
	return sched_current()->proc->cn;
}

/* Looks up a slot of the caller's capability space. */
static int
lookup(uint64_t slot, uint32_t type, uint32_t need, struct cap **out)
{
	return cnode_lookup(my_cnode(), slot, type, need, out);
}

/* An empty slot of the caller's space other than the null slot. */
static int
empty_slot(uint64_t slot, struct cap **out)
{
	struct cap *c = cnode_slot(my_cnode(), slot);

	if (c == NULL || slot == SLOT_NULL)
		return E_RANGE;
	if (c->obj != NULL)
		return E_BUSY;
	*out = c;
	return E_OK;
}

static int64_t
sys_null(struct trapframe *tf)
{
	(void)tf;
	return E_OK;
}

static int64_t
sys_console_write(struct trapframe *tf)
{
	char buf[256];
	uint64_t len = tf->rdx, done = 0;
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_CONSOLE, RIGHT_WRITE, &c)) != E_OK)
		return err;
	if (len > CONSOLE_WRITE_MAX)
		return E_INVAL;
	if (!user_range_ok(tf->rsi, len))
		return E_FAULT;
	/*
	 * A byte of every page first, so that a failed call prints nothing;
	 * the big kernel lock keeps the mappings until the loop below ends.
	 */
	for (uint64_t a = tf->rsi; a < tf->rsi + len; a = (a | (PAGE_SIZE - 1)) + 1)
		if (copy_from_user(buf, a, 1) != E_OK)
			return E_FAULT;
	while (done < len) {
		uint64_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);

		if (copy_from_user(buf, tf->rsi + done, n) != E_OK)
			return E_FAULT;
		/* Control characters drive the terminal: only with CONTROL. */
		for (uint64_t i = 0; i < n; i++) {
			if (c->rights & RIGHT_CONTROL)
				console_putc(buf[i]);
			else
				console_putc_plain(buf[i]);
		}
		done += n;
	}
	return (int64_t)len;
}

static int64_t
sys_cap_info(struct trapframe *tf)
{
	struct cap_info info;
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_NULL, 0, &c)) != E_OK)
		return err;
	memset(&info, 0, sizeof(info));
	info.type = c->obj->type;
	info.rights = c->rights;
	info.badge = c->badge;
	info.object_id = c->obj->id;
	if (c->obj->type == CAP_FRAME)
		info.size = (uint64_t)((struct frame *)c->obj)->pages * PAGE_SIZE;
	return copy_to_user(tf->rsi, &info, sizeof(info));
}

static int64_t
sys_cap_derive(struct trapframe *tf)
{
	struct cap *src, *dst;
	int err;

	if ((err = lookup(tf->rdi, CAP_NULL, 0, &src)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if (tf->rdx > RIGHTS_ALL)
		return E_INVAL;
	return cap_derive(src, dst, (uint32_t)tf->rdx, tf->r10);
}

static int64_t
sys_cap_move(struct trapframe *tf)
{
	struct cap *src, *dst;
	int err;

	if ((err = lookup(tf->rdi, CAP_NULL, 0, &src)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	return cap_move(src, dst);
}

static int64_t
sys_cap_delete(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_NULL, 0, &c)) != E_OK)
		return err;
	cap_delete(c, &kobj_ops);
	return E_OK;
}

static int64_t
sys_cap_revoke(struct trapframe *tf)
{
	struct cap *c;
	uint64_t n;
	int err;

	if ((err = lookup(tf->rdi, CAP_NULL, 0, &c)) != E_OK)
		return err;
	n = cap_revoke(c, &kobj_ops);
	seal_reap(timer_ticks);		/* records whose anchor just went */
	return (int64_t)n;
}

static int64_t
sys_cap_seal(struct trapframe *tf)
{
	uint8_t token[CAP_TOKEN_LEN];
	uint64_t now = timer_ticks, lifetime = tf->rdx, expiry = 0;
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_NULL, RIGHT_GRANT, &c)) != E_OK)
		return err;
	if (tf->rsi > RIGHTS_ALL || lifetime > (1ULL << 40))
		return E_INVAL;
	if (lifetime)
		expiry = now + lifetime;
	/* Check the output first, so a bad pointer leaves no seal behind. */
	memset(token, 0, sizeof(token));
	if ((err = copy_to_user(tf->r10, token, sizeof(token))) != E_OK)
		return err;
	if ((err = seal_make(c, (uint32_t)tf->rsi, expiry, now, token,
	    sched_current()->proc->mem)) != E_OK)
		return err;
	return copy_to_user(tf->r10, token, sizeof(token));
}

static int64_t
sys_cap_unseal(struct trapframe *tf)
{
	uint8_t token[CAP_TOKEN_LEN];
	struct cap *dst, *anchor;
	int err;

	if ((err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if ((err = copy_from_user(token, tf->rdi, sizeof(token))) != E_OK)
		return err;
	if ((err = cap_unseal_anchor(&seal_table, token, timer_ticks, &anchor)) != E_OK)
		return err;
	/* A token is one more way into a process: its ceiling holds here too. */
	return ceiling_derive(sched_current()->proc->name, anchor, dst);
}

/* Shared by the three object-creating calls: checks, then makes the object. */
static int64_t
create_object(struct trapframe *tf, struct kobj *(*make)(struct memory *))
{
	struct cap *mem, *dst;
	struct kobj *obj;
	int err;

	if ((err = lookup(tf->rdi, CAP_MEMORY, RIGHT_WRITE, &mem)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if ((obj = make((struct memory *)mem->obj)) == NULL)
		return E_NOMEM;
	return cap_install(dst, obj, RIGHTS_ALL);
}

static struct kobj *
make_endpoint(struct memory *m)
{
	struct endpoint *ep = endpoint_create(m);

	return ep ? &ep->hdr : NULL;
}

static struct kobj *
make_notification(struct memory *m)
{
	struct notification *n = notification_create(m);

	return n ? &n->hdr : NULL;
}

static int64_t
sys_endpoint_create(struct trapframe *tf)
{
	return create_object(tf, make_endpoint);
}

static int64_t
sys_notification_create(struct trapframe *tf)
{
	return create_object(tf, make_notification);
}

static int64_t
sys_frame_create(struct trapframe *tf)
{
	struct cap *mem, *dst;
	struct frame *f;
	int err;

	if (tf->rdx == 0 || tf->rdx > FRAME_MAX_PAGES)
		return E_INVAL;
	if ((err = lookup(tf->rdi, CAP_MEMORY, RIGHT_WRITE, &mem)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if ((f = frame_create((struct memory *)mem->obj, (uint32_t)tf->rdx)) == NULL)
		return E_NOMEM;
	return cap_install(dst, &f->hdr, RIGHTS_ALL);
}

static int64_t
sys_map(struct trapframe *tf)
{
	uint64_t rights = tf->rdx;
	struct cap *c;
	int err;

	if (rights & ~(uint64_t)(RIGHT_READ | RIGHT_WRITE | RIGHT_EXEC))
		return E_INVAL;
	if ((rights & RIGHT_WRITE) && (rights & RIGHT_EXEC))
		return E_INVAL;		/* W^X */
	if ((err = lookup(tf->rdi, CAP_FRAME, (uint32_t)rights | RIGHT_READ, &c)) != E_OK)
		return err;
	return frame_map((struct frame *)c->obj, sched_current()->proc->vs, tf->rsi,
	    (uint32_t)rights);
}

static int64_t
sys_map_anon(struct trapframe *tf)
{
	uint64_t va = tf->rsi, pages = tf->rdx, rights = tf->r10;
	struct cap *mem;
	int err;

	if (rights & ~(uint64_t)(RIGHT_READ | RIGHT_WRITE | RIGHT_EXEC))
		return E_INVAL;
	if ((rights & RIGHT_WRITE) && (rights & RIGHT_EXEC))
		return E_INVAL;		/* W^X */
	if (pages == 0 || pages > MAP_ANON_MAX)
		return E_INVAL;
	if ((va & (PAGE_SIZE - 1)) || va >= USER_TOP || pages > (USER_TOP - va) / PAGE_SIZE)
		return E_RANGE;
	if ((err = lookup(tf->rdi, CAP_MEMORY, RIGHT_WRITE, &mem)) != E_OK)
		return err;
	return frame_map_anon((struct memory *)mem->obj, sched_current()->proc->vs, va,
	    pages, (uint32_t)(rights | RIGHT_READ));
}

static int64_t
sys_unmap(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_FRAME, 0, &c)) != E_OK)
		return err;
	return frame_unmap((struct frame *)c->obj, sched_current()->proc->vs, tf->rsi);
}

static int64_t
sys_thread_create(struct trapframe *tf)
{
	struct thread *self = sched_current(), *t;
	struct cap *mem, *dst;
	int err;

	if ((err = lookup(tf->rdi, CAP_MEMORY, RIGHT_WRITE, &mem)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if (tf->rdx >= USER_TOP || tf->r10 > USER_TOP)
		return E_RANGE;
	t = thread_create(self->proc, (struct memory *)mem->obj, tf->rdx, tf->r10,
	    tf->r8, self->priority);
	if (t == NULL)
		return E_NOMEM;
	return cap_install(dst, &t->hdr, RIGHTS_ALL);
}

static int64_t
sys_thread_exit(struct trapframe *tf)
{
	(void)tf;
	thread_kill(sched_current());
	return E_OK;		/* not reached */
}

static int64_t
sys_thread_kill(struct trapframe *tf)
{
	struct cap *c;
	struct thread *t;
	int err;

	if (tf->rsi & ~(uint64_t)KILL_PROCESS)
		return E_INVAL;
	if ((err = lookup(tf->rdi, CAP_THREAD, RIGHT_CONTROL, &c)) != E_OK)
		return err;
	t = (struct thread *)c->obj;
	if (t->state == T_DEAD)
		return E_OK;		/* dead already; its process may be gone */
	if (tf->rsi & KILL_PROCESS)
		thread_kill_process(t->proc);
	else
		thread_kill(t);
	return E_OK;
}

static int64_t
sys_yield(struct trapframe *tf)
{
	(void)tf;
	schedule();
	return E_OK;
}

static void
msg_from(const struct trapframe *tf, uint64_t msg[5], int first_is_ep)
{
	if (first_is_ep) {
		msg[0] = tf->rsi;
		msg[1] = tf->rdx;
		msg[2] = tf->r10;
		msg[3] = tf->r8;
		msg[4] = tf->r9;
	} else {
		msg[0] = tf->rdi;
		msg[1] = tf->rsi;
		msg[2] = tf->rdx;
		msg[3] = tf->r10;
		msg[4] = tf->r8;
	}
}

static int64_t
do_send(struct trapframe *tf, int is_call, int block)
{
	uint64_t msg[5];
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_ENDPOINT, RIGHT_WRITE, &c)) != E_OK)
		return err;
	msg_from(tf, msg, 1);
	if (is_call)
		sched_current()->recv_slot = TAG_RECV_SLOT(msg[0]);
	return ipc_send((struct endpoint *)c->obj, c->badge,
	    (c->rights & RIGHT_GRANT) != 0, msg, is_call, block);
}

static int64_t
sys_send(struct trapframe *tf)
{
	return do_send(tf, 0, 1);
}

static int64_t
sys_nbsend(struct trapframe *tf)
{
	return do_send(tf, 0, 0);
}

static int64_t
sys_call(struct trapframe *tf)
{
	sched_current()->calls++;	/* numbers the call for its window (window.h) */
	return do_send(tf, 1, 1);
}

static int64_t
do_recv(struct trapframe *tf, uint64_t recv_slot, int block)
{
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_ENDPOINT, RIGHT_READ, &c)) != E_OK)
		return err;
	return ipc_recv((struct endpoint *)c->obj, recv_slot, block);
}

static int64_t
sys_recv(struct trapframe *tf)
{
	return do_recv(tf, tf->rsi, 1);
}

static int64_t
sys_nbrecv(struct trapframe *tf)
{
	return do_recv(tf, tf->rsi, 0);
}

static int64_t
sys_reply(struct trapframe *tf)
{
	uint64_t msg[5];

	msg_from(tf, msg, 0);
	return ipc_reply(msg);
}

static int64_t
sys_reply_recv(struct trapframe *tf)
{
	uint64_t msg[5];
	struct cap *c;
	int err;

	/* Check the endpoint before replying, so a bad one changes nothing. */
	if ((err = lookup(tf->rdi, CAP_ENDPOINT, RIGHT_READ, &c)) != E_OK)
		return err;
	msg_from(tf, msg, 1);
	return ipc_reply_recv(msg, (struct endpoint *)c->obj, TAG_RECV_SLOT(msg[0]));
}

static int64_t
sys_window(struct trapframe *tf)
{
	if (tf->rdx > UINT32_MAX)
		return E_INVAL;
	return window_set(sched_current(), tf->rdi, tf->rsi, (uint32_t)tf->rdx);
}

static int64_t
sys_window_copy(struct trapframe *tf)
{
	return window_copy(sched_current(), tf->rdi, tf->rsi, tf->rdx, tf->r10);
}

static int64_t
sys_signal(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_NOTIFICATION, RIGHT_WRITE, &c)) != E_OK)
		return err;
	notification_signal((struct notification *)c->obj, c->badge ? c->badge : 1);
	return E_OK;
}

static int64_t
do_wait(struct trapframe *tf, int block)
{
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_NOTIFICATION, RIGHT_READ, &c)) != E_OK)
		return err;
	return notification_wait((struct notification *)c->obj, block);
}

static int64_t
sys_wait(struct trapframe *tf)
{
	return do_wait(tf, 1);
}

static int64_t
sys_poll(struct trapframe *tf)
{
	return do_wait(tf, 0);
}

static int64_t
sys_ticks(struct trapframe *tf)
{
	(void)tf;
	return (int64_t)timer_ticks;
}

/* Needs no capability: random bytes give no authority over anything. */
static int64_t
sys_random(struct trapframe *tf)
{
	uint8_t buf[RANDOM_MAX];
	int err;

	if (tf->rsi > RANDOM_MAX)
		return E_INVAL;
	random_get(buf, tf->rsi);
	err = copy_to_user(tf->rdi, buf, tf->rsi);
	explicit_bzero(buf, sizeof(buf));
	return err;
}

/*
 * Needs no capability: the time is no secret (a Tor client checks the
 * consensus against it), and whole seconds say less than SYS_TICKS.
 */
static int64_t
sys_clock(struct trapframe *tf)
{
	struct clock_info ci = { 0 };

	ci.seconds = clock_now(&ci.flags);
	return copy_to_user(tf->rdi, &ci, sizeof(ci));
}

/* Reading needs RIGHT_READ, advancing RIGHT_WRITE (counter.h has the rest). */
static int64_t
sys_counter(struct trapframe *tf)
{
	struct cap *c;
	uint32_t need;
	int err;

	if (tf->rsi == COUNTER_READ)
		need = RIGHT_READ;
	else if (tf->rsi == COUNTER_ADVANCE)
		need = RIGHT_WRITE;
	else
		return E_INVAL;
	if ((err = lookup(tf->rdi, CAP_COUNTER, need, &c)) != E_OK)
		return err;
	return tf->rsi == COUNTER_READ ? counter_get() : counter_advance(tf->rdx);
}

static int64_t
sys_memory_info(struct trapframe *tf)
{
	uint64_t out[2];
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_MEMORY, 0, &c)) != E_OK)
		return err;
	out[0] = ((struct memory *)c->obj)->limit;
	out[1] = ((struct memory *)c->obj)->used;
	return copy_to_user(tf->rsi, out, sizeof(out));
}

static int64_t
sys_memory_split(struct trapframe *tf)
{
	struct cap *c, *dst;
	struct memory *m;
	int err;

	if ((err = lookup(tf->rdi, CAP_MEMORY, RIGHT_WRITE, &c)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if (tf->rdx == 0)
		return E_INVAL;
	if ((m = memory_split((struct memory *)c->obj, tf->rdx)) == NULL)
		return E_NOMEM;
	return cap_install(dst, &m->hdr, RIGHTS_ALL);
}

static int64_t
sys_ioport_create(struct trapframe *tf)
{
	struct cap *c, *dst;
	struct ioport *parent, *io;
	int err;

	if ((err = lookup(tf->rdi, CAP_IOPORT, RIGHT_CONTROL, &c)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	parent = (struct ioport *)c->obj;
	if (tf->r10 == 0 || tf->rdx < parent->first || tf->r10 > parent->count ||
	    tf->rdx - parent->first > parent->count - tf->r10)
		return E_RANGE;
	io = ioport_create(sched_current()->proc->mem, (uint32_t)tf->rdx,
	    (uint32_t)tf->r10);
	if (io == NULL)
		return E_NOMEM;
	/* A sub-range never carries more than the capability it came from. */
	return cap_install(dst, &io->hdr, c->rights & (RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT));
}

/* Checks that [port, port+width) lies in the capability's range. */
static int
port_ok(const struct ioport *io, uint64_t port, uint64_t width)
{
	if (width != 1 && width != 2 && width != 4)
		return E_INVAL;
	if (port < io->first || port - io->first > io->count - width || io->count < width)
		return E_RANGE;
	return E_OK;
}

static int64_t
sys_ioport_in(struct trapframe *tf)
{
	struct cap *c;
	uint16_t port = (uint16_t)tf->rsi;
	int err;

	if ((err = lookup(tf->rdi, CAP_IOPORT, RIGHT_READ, &c)) != E_OK ||
	    (err = port_ok((struct ioport *)c->obj, tf->rsi, tf->rdx)) != E_OK)
		return err;
	if (tf->rdx == 1)
		return inb(port);
	if (tf->rdx == 2)
		return inw(port);
	return inl(port);
}

static int64_t
sys_ioport_out(struct trapframe *tf)
{
	struct cap *c;
	uint16_t port = (uint16_t)tf->rsi;
	int err;

	if ((err = lookup(tf->rdi, CAP_IOPORT, RIGHT_WRITE, &c)) != E_OK ||
	    (err = port_ok((struct ioport *)c->obj, tf->rsi, tf->rdx)) != E_OK)
		return err;
	if (tf->rdx == 1)
		outb(port, (uint8_t)tf->r10);
	else if (tf->rdx == 2)
		outw(port, (uint16_t)tf->r10);
	else
		outl(port, (uint32_t)tf->r10);
	return E_OK;
}

static int64_t
sys_irq_create(struct trapframe *tf)
{
	struct cap *c, *dst;
	struct irq *q;
	int err;

	if ((err = lookup(tf->rdi, CAP_IRQ, RIGHT_CONTROL, &c)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if (((struct irq *)c->obj)->line != IRQ_CONTROL)
		return E_TYPE;
	if (tf->rdx >= IRQ_LINES)
		return E_RANGE;
	if ((q = irq_create(sched_current()->proc->mem, (uint32_t)tf->rdx)) == NULL)
		return E_NOMEM;
	return cap_install(dst, &q->hdr, c->rights & (RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT));
}

static int64_t
sys_irq_bind(struct trapframe *tf)
{
	struct cap *q, *n;
	int err;

	if ((err = lookup(tf->rdi, CAP_IRQ, RIGHT_WRITE, &q)) != E_OK ||
	    (err = lookup(tf->rsi, CAP_NOTIFICATION, RIGHT_WRITE, &n)) != E_OK)
		return err;
	return irq_bind((struct irq *)q->obj, (struct notification *)n->obj, n->badge);
}

static int64_t
sys_irq_ack(struct trapframe *tf)
{
	struct cap *q;
	int err;

	if ((err = lookup(tf->rdi, CAP_IRQ, RIGHT_WRITE, &q)) != E_OK)
		return err;
	irq_ack((struct irq *)q->obj);
	return E_OK;
}

static int64_t
sys_timer_notify(struct trapframe *tf)
{
	struct cap *n;
	int err;

	if ((err = lookup(tf->rdi, CAP_NOTIFICATION, RIGHT_WRITE, &n)) != E_OK)
		return err;
	if (tf->rsi == 0 || tf->rsi > (1ULL << 40))
		return E_INVAL;
	return timer_notify((struct notification *)n->obj, n->badge, timer_ticks + tf->rsi,
	    sched_current()->proc->mem);
}

/* Checks one requested capability for a new process; fills *src. */
static int
check_spawn_cap(const char *module, const struct spawn_cap *sc, struct cap **src)
{
	int err;

	if ((err = lookup(sc->src, CAP_NULL, 0, src)) != E_OK)
		return err;
	if (sc->rights > RIGHTS_ALL)
		return E_INVAL;
	if (sc->dst >= CNODE_SLOTS || (sc->dst < SLOT_FIRST_FREE && sc->dst != SLOT_CONSOLE))
		return E_RANGE;
	if (!ceiling_allows(module, (*src)->obj->type, (*src)->rights & sc->rights))
		return E_CEILING;
	return E_OK;
}

static int64_t
sys_spawn(struct trapframe *tf)
{
	struct spawn_args a;
	struct cap *sp, *mem, *tdst, *src[SPAWN_MAX_CAPS], *notify = NULL;
	const struct bootinfo_module *mod = NULL;
	struct process *p;
	struct thread *self = sched_current();
	int err;

	if ((err = lookup(tf->rdi, CAP_SPAWN, RIGHT_WRITE, &sp)) != E_OK)
		return err;
	if ((err = copy_from_user(&a, tf->rsi, sizeof(a))) != E_OK)
		return err;
	if (strnlen(a.module, sizeof(a.module)) == sizeof(a.module) ||
	    a.ncaps > SPAWN_MAX_CAPS || a.priority > (unsigned)self->priority)
		return E_INVAL;
	for (uint32_t i = 0; i < boot_info->module_count; i++) {
		if (strcmp(boot_info->modules[i].name, a.module) == 0)
			mod = &boot_info->modules[i];
	}
	if (mod == NULL)
		return E_INVAL;
	if ((err = lookup(a.memory, CAP_MEMORY, RIGHT_WRITE, &mem)) != E_OK ||
	    (err = empty_slot(a.thread_dst, &tdst)) != E_OK)
		return err;
	for (uint32_t i = 0; i < a.ncaps; i++) {
		if ((err = check_spawn_cap(a.module, &a.caps[i], &src[i])) != E_OK)
			return err;
		/* The quota moves to the child: nothing can be derived from it after. */
		if (src[i] == mem)
			return E_BUSY;
		for (uint32_t j = 0; j < i; j++) {
			if (a.caps[j].dst == a.caps[i].dst)
				return E_BUSY;
		}
	}
	if (a.exit_notify != 0 &&
	    (err = lookup(a.exit_notify, CAP_NOTIFICATION, RIGHT_WRITE, &notify)) != E_OK)
		return err;
	/* Every check passed: build the process. Nothing below can fail but that. */
	p = proc_create(mod, (struct memory *)mem->obj, (int)a.priority, a.arg, &err);
	if (p == NULL)
		return err;
	if (notify)
		KASSERT(cap_derive(notify, &p->exit_cap, RIGHT_WRITE, 0) == E_OK);
	KASSERT(cap_move(mem, &p->cn->slots[SLOT_MEMORY]) == E_OK);
	for (uint32_t i = 0; i < a.ncaps; i++) {
		KASSERT(cap_derive(src[i], &p->cn->slots[a.caps[i].dst],
		    a.caps[i].rights, 0) == E_OK);
	}
	KASSERT(cap_derive(&p->cn->slots[SLOT_THREAD], tdst, RIGHTS_ALL, 0) == E_OK);
	return p->pid;
}

static int64_t
sys_machine(struct trapframe *tf)
{
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_MACHINE, RIGHT_CONTROL, &c)) != E_OK)
		return err;
	if (tf->rsi != MACHINE_POWEROFF && tf->rsi != MACHINE_REBOOT)
		return E_INVAL;
	machine_end(tf->rsi);
}

static int64_t
sys_console_log(struct trapframe *tf)
{
	char buf[512];
	uint64_t len = tf->rdx, n;
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_CONSOLE, RIGHT_READ, &c)) != E_OK)
		return err;
	if (!user_range_ok(tf->rsi, len))
		return E_FAULT;
	n = console_log_copy(NULL, len, 0);
	/* Oldest piece first; each piece ends (n - off - k) bytes before the newest. */
	for (uint64_t off = 0; off < n; ) {
		uint64_t k = n - off < sizeof(buf) ? n - off : sizeof(buf);

		console_log_copy(buf, k, n - off - k);
		if ((err = copy_to_user(tf->rsi + off, buf, k)) != E_OK)
			return err;
		off += k;
	}
	return (int64_t)n;
}

static int64_t
sys_console_scroll(struct trapframe *tf)
{
	struct cap *c;
	int64_t lines = (int64_t)tf->rsi;
	int err;

	if ((err = lookup(tf->rdi, CAP_CONSOLE, RIGHT_WRITE, &c)) != E_OK)
		return err;
	if (lines > 100000 || lines < -100000)
		return E_INVAL;
	fbcon_scroll((int)lines);
	return E_OK;
}

static int64_t
sys_audit(struct trapframe *tf)
{
	(void)tf;
	if (!cmdline_has("audit"))
		return E_NOSYS;
	return (int64_t)kobj_audit();
}

/* A function capability (not the control object) with rights need. */
static int
lookup_fn(uint64_t slot, uint32_t need, struct pcifn **out)
{
	struct cap *c;
	int err;

	if ((err = lookup(slot, CAP_PCI, need, &c)) != E_OK)
		return err;
	if (((struct pcifn *)c->obj)->dev == NULL)
		return E_TYPE;
	*out = (struct pcifn *)c->obj;
	return E_OK;
}

static int64_t
sys_pci_info(struct trapframe *tf)
{
	struct pci_info info;
	struct pcifn *fn;
	struct cap *c;
	int err;

	if ((err = lookup(tf->rdi, CAP_PCI, RIGHT_READ, &c)) != E_OK)
		return err;
	fn = (struct pcifn *)c->obj;
	if (fn->dev)
		pcifn_info(fn->dev, &info);
	else if (tf->rsi < (uint64_t)pci_count)
		pcifn_info(&pci_devs[tf->rsi], &info);
	else
		return E_RANGE;
	return copy_to_user(tf->rdx, &info, sizeof(info));
}

static int64_t
sys_pci_create(struct trapframe *tf)
{
	struct cap *c, *dst;
	struct pci_dev *d;
	struct pcifn *fn;
	int err;

	if ((err = lookup(tf->rdi, CAP_PCI, RIGHT_CONTROL, &c)) != E_OK ||
	    (err = empty_slot(tf->rsi, &dst)) != E_OK)
		return err;
	if (((struct pcifn *)c->obj)->dev != NULL)
		return E_TYPE;
	if (tf->rdx > 0xffff || (d = pci_find((uint16_t)tf->rdx)) == NULL)
		return E_RANGE;
	if (d->owner != NULL)
		return E_BUSY;		/* one driver per device */
	if ((fn = pcifn_create(sched_current()->proc->mem, d)) == NULL)
		return E_NOMEM;
	return cap_install(dst, &fn->hdr, c->rights &
	    (RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT | RIGHT_CONTROL));
}

/* Config offsets: width 1, 2 or 4, aligned to it, inside the 4 KiB of the function. */
static int
config_ok(uint64_t off, uint64_t width)
{
	if (width != 1 && width != 2 && width != 4)
		return E_INVAL;
	if (off >= 4096)
		return E_RANGE;
	if (off & (width - 1))
		return E_INVAL;
	return E_OK;
}

static int64_t
sys_pci_config_read(struct trapframe *tf)
{
	struct pcifn *fn;
	int err;

	if ((err = lookup_fn(tf->rdi, RIGHT_READ, &fn)) != E_OK ||
	    (err = config_ok(tf->rsi, tf->rdx)) != E_OK)
		return err;
	return pci_read(fn->dev, (uint32_t)tf->rsi, (uint32_t)tf->rdx);
}

static int64_t
sys_pci_config_write(struct trapframe *tf)
{
	struct pcifn *fn;
	int err;

	if ((err = lookup_fn(tf->rdi, RIGHT_WRITE, &fn)) != E_OK ||
	    (err = config_ok(tf->rsi, tf->rdx)) != E_OK)
		return err;
	if (tf->r10 > 0xffffffffULL)
		return E_INVAL;
	return pcifn_config_write(fn, (uint32_t)tf->rsi, (uint32_t)tf->rdx,
	    (uint32_t)tf->r10);
}

static int64_t
sys_pci_bar(struct trapframe *tf)
{
	struct cap *mem, *dst;
	struct pcifn *fn;
	struct frame *f;
	int err;

	if ((err = lookup_fn(tf->rdi, RIGHT_CONTROL, &fn)) != E_OK ||
	    (err = lookup(tf->rsi, CAP_MEMORY, RIGHT_WRITE, &mem)) != E_OK ||
	    (err = empty_slot(tf->rdx, &dst)) != E_OK)
		return err;
	if (tf->r10 >= PCI_BARS)
		return E_INVAL;
	if ((err = pcifn_bar(fn, (struct memory *)mem->obj, (uint32_t)tf->r10, &f)) != E_OK)
		return err;
	return cap_install(dst, &f->hdr, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT);
}

static int64_t
sys_pci_msi(struct trapframe *tf)
{
	struct pcifn *fn;
	struct cap *n;
	int err;

	if ((err = lookup_fn(tf->rdi, RIGHT_CONTROL, &fn)) != E_OK ||
	    (err = lookup(tf->rdx, CAP_NOTIFICATION, RIGHT_WRITE, &n)) != E_OK)
		return err;
	if (tf->rsi > 0xffff)
		return E_RANGE;
	return pcifn_msi(fn, (uint32_t)tf->rsi, (struct notification *)n->obj, n->badge);
}

static int64_t
sys_dma_create(struct trapframe *tf)
{
	struct cap *mem, *dst;
	struct pcifn *fn;
	struct frame *f;
	int err;

	if ((err = lookup_fn(tf->rdi, RIGHT_CONTROL, &fn)) != E_OK ||
	    (err = lookup(tf->rsi, CAP_MEMORY, RIGHT_WRITE, &mem)) != E_OK ||
	    (err = empty_slot(tf->rdx, &dst)) != E_OK)
		return err;
	if (tf->r10 == 0 || tf->r10 > FRAME_MAX_PAGES)
		return E_INVAL;
	if ((err = pcifn_dma(fn, (struct memory *)mem->obj, (uint32_t)tf->r10, &f)) != E_OK)
		return err;
	if ((err = cap_install(dst, &f->hdr, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT)) != E_OK) {
		frame_destroy(f);
		return err;
	}
	return (int64_t)f->pa;
}

static const syscall_fn syscalls[SYS_COUNT] = {
	[SYS_NULL] = sys_null,
	[SYS_CONSOLE_WRITE] = sys_console_write,
	[SYS_CAP_INFO] = sys_cap_info,
	[SYS_CAP_DERIVE] = sys_cap_derive,
	[SYS_CAP_MOVE] = sys_cap_move,
	[SYS_CAP_DELETE] = sys_cap_delete,
	[SYS_CAP_REVOKE] = sys_cap_revoke,
	[SYS_CAP_SEAL] = sys_cap_seal,
	[SYS_CAP_UNSEAL] = sys_cap_unseal,
	[SYS_ENDPOINT_CREATE] = sys_endpoint_create,
	[SYS_NOTIFICATION_CREATE] = sys_notification_create,
	[SYS_FRAME_CREATE] = sys_frame_create,
	[SYS_MAP] = sys_map,
	[SYS_UNMAP] = sys_unmap,
	[SYS_THREAD_CREATE] = sys_thread_create,
	[SYS_THREAD_EXIT] = sys_thread_exit,
	[SYS_THREAD_KILL] = sys_thread_kill,
	[SYS_YIELD] = sys_yield,
	[SYS_SEND] = sys_send,
	[SYS_NBSEND] = sys_nbsend,
	[SYS_RECV] = sys_recv,
	[SYS_NBRECV] = sys_nbrecv,
	[SYS_CALL] = sys_call,
	[SYS_REPLY] = sys_reply,
	[SYS_REPLY_RECV] = sys_reply_recv,
	[SYS_SIGNAL] = sys_signal,
	[SYS_WAIT] = sys_wait,
	[SYS_POLL] = sys_poll,
	[SYS_TICKS] = sys_ticks,
	[SYS_RANDOM] = sys_random,
	[SYS_CLOCK] = sys_clock,
	[SYS_COUNTER] = sys_counter,
	[SYS_MEMORY_INFO] = sys_memory_info,
	[SYS_MEMORY_SPLIT] = sys_memory_split,
	[SYS_IOPORT_CREATE] = sys_ioport_create,
	[SYS_IOPORT_IN] = sys_ioport_in,
	[SYS_IOPORT_OUT] = sys_ioport_out,
	[SYS_IRQ_CREATE] = sys_irq_create,
	[SYS_IRQ_BIND] = sys_irq_bind,
	[SYS_IRQ_ACK] = sys_irq_ack,
	[SYS_TIMER_NOTIFY] = sys_timer_notify,
	[SYS_SPAWN] = sys_spawn,
	[SYS_MACHINE] = sys_machine,
	[SYS_CONSOLE_LOG] = sys_console_log,
	[SYS_CONSOLE_SCROLL] = sys_console_scroll,
	[SYS_MAP_ANON] = sys_map_anon,
	[SYS_AUDIT] = sys_audit,
	[SYS_PCI_INFO] = sys_pci_info,
	[SYS_PCI_CREATE] = sys_pci_create,
	[SYS_PCI_CONFIG_READ] = sys_pci_config_read,
	[SYS_PCI_CONFIG_WRITE] = sys_pci_config_write,
	[SYS_PCI_BAR] = sys_pci_bar,
	[SYS_PCI_MSI] = sys_pci_msi,
	[SYS_DMA_CREATE] = sys_dma_create,
	[SYS_WINDOW] = sys_window,
	[SYS_WINDOW_COPY] = sys_window_copy,
};

void syscall_dispatch(struct trapframe *tf);

void
syscall_dispatch(struct trapframe *tf)
{
	uint64_t nr = tf->rax;

	bkl_lock();
	sched_leave_if_dead();
	if (nr >= SYS_COUNT || syscalls[nr] == NULL)
		tf->rax = (uint64_t)E_NOSYS;
	else
		tf->rax = (uint64_t)syscalls[nr](tf);
	sched_check_preempt();
	bkl_unlock();
}
