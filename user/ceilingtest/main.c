/*
 * ceilingtest: checks, as the root task (option init=ceilingtest), that
 * SYS_SPAWN gives a module nothing beyond the capability ceiling in the
 * signed boot manifest (boot/ceilings: hello may hold console:w and
 * endpoint:w, nothing else), whatever the spawning process holds and
 * asks for; that a refusal has no effect (the child's quota stays with
 * us); and that what the ceiling allows is given. Prints one line per
 * check, "ceilingtest: NAME ... ok" or "... FAIL (...)", then
 * "ceilingtest: N passed, M failed". tests/qemu/test_verified_boot.py
 * runs it.
 */
#include "user/lib/nonos.h"

#define SLOT_EP		16	/* an endpoint we receive on */
#define SLOT_NOTE	17	/* a notification */
#define SLOT_QUOTA	18	/* the child's memory quota */
#define SLOT_CHILD	19	/* the child's thread */
#define SLOT_EXIT	20	/* signalled when the child ends */
#define CHILD_QUOTA	(1 << 20)
#define PRIORITY	5

static int passed, failed;

static void
check(const char *name, int ok, int64_t got, int64_t want)
{
	if (ok) {
		passed++;
		printf("ceilingtest: %s ... ok\n", name);
	} else {
		failed++;
		printf("ceilingtest: %s ... FAIL (got %s, expected %s)\n", name,
		    err_name(got), err_name(want));
	}
}

static void
expect(const char *name, int64_t got, int64_t want)
{
	check(name, got == want, got, want);
}

/* Starts module with the given capabilities; the pid or an error. */
static int64_t
spawn(const char *module, uint64_t arg, const struct spawn_cap *caps, unsigned ncaps)
{
	struct spawn_args a;

	memset(&a, 0, sizeof(a));
	memcpy(a.module, module, strlen(module) + 1);
	a.memory = SLOT_QUOTA;
	a.thread_dst = SLOT_CHILD;
	a.arg = arg;
	a.exit_notify = SLOT_EXIT;
	a.priority = PRIORITY;
	a.ncaps = ncaps;
	for (unsigned i = 0; i < ncaps && i < SPAWN_MAX_CAPS; i++)
		a.caps[i] = caps[i];
	return spawn_process(SLOT_SPAWN, &a);
}

/* Waits for the child to end and makes its next quota. */
static void
reap(void)
{
	notify_wait(SLOT_EXIT);
	cap_delete(SLOT_CHILD);
	memory_split(SLOT_MEMORY, SLOT_QUOTA, CHILD_QUOTA);
}

/* A spawn the ceiling must refuse, with nothing moved or made. */
static void
refused(const char *name, const char *module, const struct spawn_cap *caps,
    unsigned ncaps)
{
	struct cap_info ci;
	int64_t r = spawn(module, 0, caps, ncaps);

	expect(name, r, E_CEILING);
	check("  ... and the quota was not moved",
	    cap_info(SLOT_QUOTA, &ci) == E_OK && ci.type == CAP_MEMORY, E_NOCAP, E_OK);
	check("  ... and no thread was made", cap_info(SLOT_CHILD, &ci) == E_NOCAP,
	    E_OK, E_NOCAP);
	/*
	 * Wrongly started: leave the child be (it may block on what it was
	 * given) and make the slots the next check needs.
	 */
	if (r > 0) {
		cap_delete(SLOT_CHILD);
		memory_split(SLOT_MEMORY, SLOT_QUOTA, CHILD_QUOTA);
	}
}

int
main(uint64_t arg)
{
	struct spawn_cap c[3];
	struct msg m;
	int64_t pid;

	(void)arg;
	printf("ceilingtest: hello's ceiling is console:w endpoint:w\n");
	if (endpoint_create(SLOT_MEMORY, SLOT_EP) != E_OK ||
	    notification_create(SLOT_MEMORY, SLOT_NOTE) != E_OK ||
	    notification_create(SLOT_MEMORY, SLOT_EXIT) != E_OK ||
	    memory_split(SLOT_MEMORY, SLOT_QUOTA, CHILD_QUOTA) != E_OK) {
		printf("ceilingtest: set-up failed\nceilingtest: 0 passed, 1 failed\n");
		return 1;
	}

	/* Within the ceiling: given, and the child uses it. */
	c[0] = (struct spawn_cap){ SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 };
	pid = spawn("hello", 1, c, 1);
	check("console:w is within hello's ceiling", pid > 0, pid, 1);
	if (pid > 0)
		reap();
	c[1] = (struct spawn_cap){ SLOT_EP, SLOT_FIRST_FREE, RIGHT_WRITE, 0 };
	pid = spawn("hello", 2, c, 2);
	check("console:w endpoint:w is within it", pid > 0, pid, 1);
	if (pid > 0) {
		/* hello sends before it ends: receive, then reap. */
		expect("  ... and hello used the endpoint", ipc_recv(SLOT_EP, 0, &m), E_OK);
		expect("  ... with its argument", (int64_t)m.w[0], 2);
		reap();
	}

	/* Beyond it: more rights of an allowed type, or another type. */
	c[0].rights = RIGHT_READ | RIGHT_WRITE;
	refused("console:rw is beyond console:w", "hello", c, 1);
	c[0].rights = RIGHT_WRITE | RIGHT_GRANT;
	refused("console:wg is beyond console:w", "hello", c, 1);
	c[0].rights = RIGHT_WRITE;
	c[1].rights = RIGHT_READ | RIGHT_WRITE;
	refused("endpoint:rw is beyond endpoint:w", "hello", c, 2);
	c[1] = (struct spawn_cap){ SLOT_NOTE, SLOT_FIRST_FREE, RIGHT_WRITE, 0 };
	refused("a notification: not in the ceiling", "hello", c, 2);
	c[1] = (struct spawn_cap){ SLOT_IOPORT, SLOT_FIRST_FREE, RIGHT_READ, 0 };
	refused("I/O ports: not in the ceiling", "hello", c, 2);
	c[1] = (struct spawn_cap){ SLOT_MACHINE, SLOT_FIRST_FREE, RIGHT_CONTROL, 0 };
	refused("the machine capability: not in the ceiling", "hello", c, 2);
	c[1] = (struct spawn_cap){ SLOT_SPAWN, SLOT_FIRST_FREE, RIGHT_WRITE, 0 };
	refused("the spawn capability: not in the ceiling", "hello", c, 2);
	/* The ceiling is checked on every capability, not only the first. */
	c[1] = (struct spawn_cap){ SLOT_EP, SLOT_FIRST_FREE, RIGHT_WRITE, 0 };
	c[2] = (struct spawn_cap){ SLOT_IRQ, SLOT_FIRST_FREE + 1, RIGHT_WRITE, 0 };
	refused("IRQ control as the third capability", "hello", c, 3);
	/* Holding a capability of a type at all is beyond "nothing". */
	c[1] = (struct spawn_cap){ SLOT_NOTE, SLOT_FIRST_FREE, 0, 0 };
	refused("a notification with no rights: still not in the ceiling", "hello", c, 2);

	printf("ceilingtest: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
