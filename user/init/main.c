/*
 * init: the root task. It reads the service manifest, makes one endpoint
 * per service, starts each service with exactly the capabilities its
 * line lists (SYS_SPAWN), and restarts a service whose last thread ended
 * after a back-off that doubles each time, up to its restart limit,
 * logging why. A second thread serves the control endpoint (ps, kill,
 * power off, reboot) that the manifest grants to the shell.
 */
#include "user/init/init.h"
#include "user/lib/initctl.h"
#include "user/lib/rfs.h"

/* Each fs:S holder gets a root badge of its own: service i's is i + 1. */
_Static_assert(MAX_SERVICES <= RFS_ROOTS, "ramfs has a root badge for every service");

#define SLOT_CONTROL	16		/* our control endpoint */
#define SLOT_EVENTS	17		/* exits (bit i) and the timer (bit 31) */
#define SLOT_TIMER	18		/* SLOT_EVENTS with the timer's badge */
#define SLOT_CTL_THREAD	19
#define SLOT_EP0	20		/* service i's endpoint: SLOT_EP0 + i */
#define SLOT_EXIT0	40		/* service i's exit badge: SLOT_EXIT0 + i */
#define SLOT_THREAD0	60		/* service i's thread: SLOT_THREAD0 + i */
#define SLOT_TMP0	80		/* capabilities being handed over */
#define SLOT_QUOTA	100
#define TIMER_BIT	(1ULL << 31)
#define BACKOFF_FIRST	10		/* ticks before the first restart */
#define BACKOFF_MAX	800
#define PRIORITY	10

static struct service svc[MAX_SERVICES];
static int nsvc;
static uint64_t share_cap_kib;	/* from our argument (main): caps shares; 0 none */
static volatile int lock_word;
static uint8_t ctl_stack[16384] __attribute__((aligned(16)));

/*
 * The first PCI function with the grant's vendor and device ids that no
 * driver holds yet, as a capability in tmp; E_RANGE when there is none.
 */
static int64_t
pci_grant(const char *who, const struct grant_spec *g, uint64_t tmp)
{
	struct pci_info info;
	int64_t err;

	for (uint64_t k = 0; pci_info(SLOT_PCI, k, &info) == E_OK; k++) {
		if (info.vendor != g->arg || (info.device != (g->arg2 & 0xffff) &&
		    info.device != g->arg2 >> 16))
			continue;
		if ((err = pci_create(SLOT_PCI, tmp, info.bdf)) != E_BUSY)
			return err;
	}
	printf("init: %s: no free PCI device %04llx:%04llx; not started\n", who,
	    (unsigned long long)g->arg, (unsigned long long)(g->arg2 & 0xffff));
	return E_RANGE;
}

/* Makes the capability for one manifest grant in slot tmp; its rights for the child. */
static int64_t
make_grant(int i, const struct grant_spec *g, uint64_t tmp, unsigned *rights)
{
	switch (g->kind) {
	case G_CONSOLE:		/* read: the kernel log too; term: control sequences */
		*rights = RIGHT_WRITE | (unsigned)g->arg;
		return cap_derive(SLOT_CONSOLE, tmp, *rights, 0);
	case G_CLIENT:		/* the badge tells the service who calls */
		*rights = RIGHT_WRITE | RIGHT_GRANT;
		return cap_derive(SLOT_EP0 + g->arg, tmp, *rights, (uint64_t)i + 1);
	case G_DOOR:		/* the service's way out: it trusts this badge alone */
		*rights = RIGHT_WRITE | RIGHT_GRANT;
		return cap_derive(SLOT_EP0 + g->arg, tmp, *rights,
		    INITCTL_BADGE_DOOR | ((uint64_t)i + 1));
	case G_OWNER:		/* a client whose state the service keeps */
		*rights = RIGHT_WRITE | RIGHT_GRANT;
		return cap_derive(SLOT_EP0 + g->arg, tmp, *rights,
		    INITCTL_BADGE_OWNER | ((uint64_t)i + 1));
	case G_STATUS:		/* nothing to pass along: no grant right */
		*rights = RIGHT_WRITE;
		return cap_derive(SLOT_EP0 + g->arg, tmp, *rights,
		    INITCTL_BADGE_STATUS | ((uint64_t)i + 1));
	case G_SERVE:
		*rights = RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT;
		return cap_derive(SLOT_EP0 + g->arg, tmp, *rights, 0);
	case G_FS:		/* the root directory, a grant of our own (rfs.h) */
		*rights = RIGHT_WRITE | RIGHT_GRANT;
		return cap_derive(SLOT_EP0 + g->arg, tmp, *rights, (uint64_t)i + 1);
	case G_CONTROL:
		*rights = RIGHT_WRITE;
		return cap_derive(SLOT_CONTROL, tmp, RIGHT_WRITE, (uint64_t)i + 1);
	case G_IOPORT:
		*rights = RIGHT_READ | RIGHT_WRITE;
		return ioport_create(SLOT_IOPORT, tmp, g->arg, g->arg2);
	case G_IRQ:
		*rights = RIGHT_WRITE;
		return irq_create(SLOT_IRQ, tmp, g->arg);
	case G_COUNTER:		/* for the one program that persists vaults */
		*rights = RIGHT_READ | RIGHT_WRITE;
		return cap_derive(SLOT_COUNTER, tmp, *rights, 0);
	case G_PCI:		/* config, BARs, MSI and DMA: all a driver needs */
		*rights = RIGHT_READ | RIGHT_WRITE | RIGHT_CONTROL;
		return pci_grant(svc[i].name, g, tmp);
	}
	return E_INVAL;
}

/*
 * A service sized by share (the manifest's "50%") gets that part of what
 * our quota has free now, as tmpfs takes half of RAM by default; never
 * less than 64 KiB, and no more than the cap our argument may set (main;
 * tests that fill the file system use it).
 */
static int64_t
size_share(struct service *s)
{
	uint64_t info[2], kib;
	int64_t err;

	if ((err = memory_info(SLOT_MEMORY, info)) < 0)
		return err;
	kib = (info[0] - info[1]) / 1024 / 100 * s->share;
	if (share_cap_kib != 0 && kib > share_cap_kib)
		kib = share_cap_kib;
	s->kib = kib < 64 ? 64 : kib;
	return E_OK;
}

/*
 * Starts service i; returns the error if it cannot, logged unless the
 * service is a driver whose device is absent (pci_grant said so).
 */
static int64_t
start(int i)
{
	struct service *s = &svc[i];
	struct spawn_args a;
	int64_t pid, err = E_OK;
	int nodevice = 0;

	memset(&a, 0, sizeof(a));
	memcpy(a.module, s->name, strlen(s->name) + 1);
	a.memory = SLOT_QUOTA;
	a.thread_dst = SLOT_THREAD0 + (uint64_t)i;
	a.exit_notify = SLOT_EXIT0 + (uint64_t)i;
	a.priority = PRIORITY;
	a.ncaps = (unsigned)s->ngrants;
	for (int k = 0; k < s->ngrants && err == E_OK; k++) {
		a.caps[k].src = SLOT_TMP0 + (unsigned)k;
		a.caps[k].dst = s->grants[k].slot;
		err = make_grant(i, &s->grants[k], SLOT_TMP0 + (uint64_t)k, &a.caps[k].rights);
		nodevice = err == E_RANGE && s->grants[k].kind == G_PCI;
	}
	if (err == E_OK && s->share != 0)
		err = size_share(s);
	if (err == E_OK)
		err = memory_split(SLOT_MEMORY, SLOT_QUOTA, s->kib * 1024);
	pid = err == E_OK ? spawn_process(SLOT_SPAWN, &a) : err;
	/* Our copies go: the child holds its own, and a dead child's go with it. */
	for (int k = 0; k < s->ngrants; k++)
		cap_delete(SLOT_TMP0 + (uint64_t)k);
	cap_delete(SLOT_QUOTA);
	if (pid < 0) {
		s->state = nodevice ? SVC_NODEVICE : SVC_FAILED;
		if (!nodevice)
			printf("init: cannot start %s: %s\n", s->name, err_name(pid));
		return pid;
	}
	s->pid = pid;
	s->state = SVC_RUNNING;
	s->killed = 0;
	printf("init: started %s (pid %lld, %llu KiB, %d capabilities)\n", s->name,
	    (long long)pid, (unsigned long long)s->kib, s->ngrants);
	return pid;
}

/* Service i's last thread ended: schedule a restart, or give up. */
static void
ended(int i, uint64_t now)
{
	struct service *s = &svc[i];
	uint64_t delay = BACKOFF_FIRST;

	cap_delete(SLOT_THREAD0 + (uint64_t)i);
	if (s->restarts >= s->max_restarts) {
		s->state = SVC_FAILED;
		printf("init: %s (pid %lld) ended%s; restarted %u times already, giving up\n",
		    s->name, (long long)s->pid, s->killed ? " (killed on request)" :
		    " unexpectedly (crashed or exited)", s->restarts);
		return;
	}
	for (unsigned k = 0; k < s->restarts && delay < BACKOFF_MAX; k++)
		delay *= 2;
	if (delay > BACKOFF_MAX)
		delay = BACKOFF_MAX;
	s->state = SVC_WAITING;
	s->due = now + delay;
	printf("init: %s (pid %lld) ended%s; restart %u of %u in %llu ticks\n", s->name,
	    (long long)s->pid, s->killed ? " (killed on request)" :
	    " unexpectedly (crashed or exited)", s->restarts + 1, s->max_restarts,
	    (unsigned long long)delay);
	timer_notify(SLOT_TIMER, delay);
}

static int
find_packed(uint64_t w0, uint64_t w1)
{
	char name[INITCTL_NAME + 1];

	memcpy(name, &w0, 8);
	memcpy(name + 8, &w1, 8);
	name[INITCTL_NAME] = 0;
	for (int i = 0; i < nsvc; i++) {
		if (strcmp(svc[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* One control request; the reply words go into r. */
static void
control(const struct msg *m, uint64_t r[4])
{
	int i;

	memset(r, 0, 4 * sizeof(uint64_t));
	r[0] = (uint64_t)E_INVAL;
	switch (TAG_LABEL(m->tag)) {
	case INITCTL_PS:
		if (m->w[0] >= (uint64_t)nsvc)
			break;
		i = (int)m->w[0];
		memcpy(r, svc[i].name, NAME_LEN);
		r[2] = (uint64_t)svc[i].pid << 32 | svc[i].restarts;
		r[3] = (uint64_t)svc[i].state;
		break;
	case INITCTL_KILL:
		if ((i = find_packed(m->w[0], m->w[1])) < 0)
			break;
		if (svc[i].state != SVC_RUNNING) {
			r[0] = (uint64_t)E_DEAD;
			break;
		}
		svc[i].killed = 1;
		printf("init: killing %s (pid %lld) on request\n", svc[i].name,
		    (long long)svc[i].pid);
		r[0] = (uint64_t)thread_kill(SLOT_THREAD0 + (uint64_t)i, KILL_PROCESS);
		break;
	case INITCTL_POWEROFF:
	case INITCTL_REBOOT:
		printf("init: %s requested\n", TAG_LABEL(m->tag) == INITCTL_POWEROFF ?
		    "power off" : "reboot");
		r[0] = (uint64_t)machine_control(SLOT_MACHINE,
		    TAG_LABEL(m->tag) == INITCTL_POWEROFF ? MACHINE_POWEROFF : MACHINE_REBOOT);
		printf("init: the machine call failed: %s\n", err_name((int64_t)r[0]));
		break;
	default:
		break;
	}
}

static void
control_thread(uint64_t arg)
{
	struct msg m;
	uint64_t r[4];
	int64_t err;

	(void)arg;
	err = ipc_recv(SLOT_CONTROL, 0, &m);
	for (;;) {
		if (err < 0) {
			printf("init: control endpoint: %s\n", err_name(err));
			thread_exit();
		}
		lock_take(&lock_word);
		control(&m, r);
		lock_give(&lock_word);
		err = ipc_reply_recv4(SLOT_CONTROL, 0, r[0], r[1], r[2], r[3], &m);
	}
}

static int
setup(void)
{
	int64_t err;

	if ((err = endpoint_create(SLOT_MEMORY, SLOT_CONTROL)) != E_OK ||
	    (err = notification_create(SLOT_MEMORY, SLOT_EVENTS)) != E_OK ||
	    (err = cap_derive(SLOT_EVENTS, SLOT_TIMER, RIGHT_WRITE, TIMER_BIT)) != E_OK) {
		printf("init: cannot make its own objects: %s\n", err_name(err));
		return -1;
	}
	for (int i = 0; i < nsvc; i++) {
		if ((err = endpoint_create(SLOT_MEMORY, SLOT_EP0 + (uint64_t)i)) != E_OK ||
		    (err = cap_derive(SLOT_EVENTS, SLOT_EXIT0 + (uint64_t)i, RIGHT_WRITE,
		    1ULL << i)) != E_OK) {
			printf("init: cannot make objects for %s: %s\n", svc[i].name,
			    err_name(err));
			return -1;
		}
	}
	/* Entered as if called: rsp + 8 is 16-byte aligned (the ABI's promise). */
	if ((err = thread_create(SLOT_MEMORY, SLOT_CTL_THREAD, control_thread,
	    ctl_stack + sizeof(ctl_stack) - 8, 0)) != E_OK) {
		printf("init: cannot start the control thread: %s\n", err_name(err));
		return -1;
	}
	return 0;
}

int
main(uint64_t arg)
{
	/* Picked by our argument's low byte; 0 (or unknown) is the user's. */
	static const char *const manifests[] = {
		manifest, manifest_test, manifest_bench, manifest_onion, manifest_console
	};

	/*
	 * Our argument (kernel option initarg=): its low byte picks the
	 * manifest; the bits above it, when set, cap every share at that
	 * many MiB (tests that fill ramfs).
	 */
	share_cap_kib = (arg >> 8) * 1024;
	arg &= 0xff;
	if (arg >= sizeof(manifests) / sizeof(manifests[0]))
		arg = 0;
	if ((nsvc = manifest_parse(manifests[arg], svc)) < 0 || setup() < 0) {
		printf("init: stopped\n");
		return 1;
	}
	printf("init: %d services in the manifest\n", nsvc);
	lock_take(&lock_word);
	for (int i = 0; i < nsvc; i++)
		(void)start(i);		/* a service that cannot start stays down */
	lock_give(&lock_word);
	for (;;) {
		int64_t bits = notify_wait(SLOT_EVENTS);
		uint64_t now = ticks();

		if (bits < 0) {
			printf("init: event wait failed: %s\n", err_name(bits));
			return 1;
		}
		lock_take(&lock_word);
		for (int i = 0; i < nsvc; i++) {
			if ((uint64_t)bits & (1ULL << i))
				ended(i, now);
		}
		for (int i = 0; i < nsvc; i++) {
			if (svc[i].state != SVC_WAITING)
				continue;
			if (svc[i].due > now) {
				timer_notify(SLOT_TIMER, svc[i].due - now);
				continue;
			}
			svc[i].restarts++;
			if (start(i) < 0)
				ended(i, now);
		}
		lock_give(&lock_word);
	}
}
