/*
 * oniond: the one door out of NØNOS. lib/onion, unchanged, builds 3-hop
 * circuits to Tor relays over TCP connections from netd (link.c), and
 * programs holding a capability to our endpoint get streams to host:port
 * through them (serve.c, user/lib/net.h). netd lets us reach nothing but
 * the ORPorts we list, and nobody else reaches netd (docs/net.md).
 *
 * Two threads: this one serves programs; the pump thread wakes on our
 * notification (netd moved a connection, the 50 ms timer, a program's
 * request) and drives lib/onion. Both call lib/onion only under
 * onion_lock. init's kill ends both; should the serving thread end alone
 * (a fault), the pump thread notices and ends too, as netd's does, so
 * init restarts us; programs' calls fail meanwhile.
 */
#include <stdlib.h>

#include "lib/crypto/port/nonos_random.h"
#include "user/lib/netd.h"
#include "user/oniond/oniond.h"

#define TIMER_TICKS	5	/* 50 ms: lib/onion's timers are seconds */
#define WATCH_EVERY	10	/* timer wake-ups between looks at the serving thread */
#define WATCH_MISSES	4

volatile int onion_lock;
struct onion_client client;
static uint8_t avoid[MAX_RELAYS];
static uint8_t pump_stack[65536] __attribute__((aligned(16)));

void
onion_take(void)
{
	lock_take_note(&onion_lock, SLOT_LOCK_NOTE);
}

void
onion_give(void)
{
	lock_give_note(&onion_lock, SLOT_LOCK_NOTE);
}

uint64_t
now_ms(void)
{
	return ticks() * 10;
}

/* libsodium calls abort on a broken invariant: end, and init restarts us. */
_Noreturn void
abort(void)
{
	printf("oniond: abort\n");
	thread_kill(SLOT_THREAD, KILL_PROCESS);
	thread_exit();
}

/* As netd's: 1 once the serving thread has been killed. */
static int
serving_gone(void)
{
	static unsigned misses;

	if (!serving_started || serving_busy ||
	    ipc_nbsend4(SLOT_SERVE, 0, 0, 0, 0, 0) != E_AGAIN) {
		misses = 0;
		return 0;
	}
	return ++misses >= WATCH_MISSES;
}

/* The client with no consensus yet, and its directory client. */
static int
start_client(void)
{
	if (dir_setup() != 0)
		return -1;
	/* Relays tests run on one address all share a /16. */
	onion_client_init(&client, onion_dir_consensus(&dir.dc), avoid,
	    &events, oniond_loopback_as == 0);
	client.dir_ev = onion_dir_events(&dir.dc);
	return 0;
}

/* Whether netd has an address yet (asked until it has: no dial before). */
static int
network_up(void)
{
	static int up;
	uint64_t w[3];

	if (!up && netd_status(SLOT_NETD, NET_ST_LINK, w) == 0 && (w[0] & NET_F_BOUND))
		up = 1;
	return up;
}

static void
pump_thread(uint64_t arg)
{
	unsigned wakeups = 0;

	(void)arg;
	timer_notify(SLOT_TIMER, TIMER_TICKS);
	for (;;) {
		int64_t bits = notify_wait(SLOT_EVENTS);

		if (bits < 0) {
			printf("oniond: wait failed: %s\n", err_name(bits));
			thread_exit();
		}
		if ((bits & BIT_TIMER) && ++wakeups % WATCH_EVERY == 0 &&
		    serving_gone()) {
			printf("oniond: the serving thread ended; ending too\n");
			thread_exit();
		}
		onion_take();
		if (network_up()) {
			onion_client_pump(&client, now_ms(), wall_clock());
			(void)dir_pump(now_ms());
			guard_adopt(wall_clock());
		}
		serve_wake();
		onion_give();
		guard_files(wall_clock());
		if (bits & BIT_TIMER)
			timer_notify(SLOT_TIMER, TIMER_TICKS);
	}
}

static int64_t
make_notifications(void)
{
	int64_t err;

	if ((err = notification_create(SLOT_MEMORY, SLOT_EVENTS)) < 0 ||
	    (err = notification_create(SLOT_MEMORY, SLOT_LOCK_NOTE)) < 0 ||
	    (err = cap_derive(SLOT_EVENTS, SLOT_TIMER, RIGHT_WRITE, BIT_TIMER)) < 0 ||
	    (err = cap_derive(SLOT_EVENTS, SLOT_KICK, RIGHT_WRITE, BIT_KICK)) < 0)
		return err;
	return 0;
}

int
main(uint64_t arg)
{
	int64_t err;

	(void)arg;
	if (nonos_random_seed() != 0) {
		printf("oniond: no entropy from the kernel; not starting\n");
		return 1;
	}
	/* Without authorities we stay, refusing streams, rather than be
	   restarted in a loop: the image cannot change until a new boot. */
	if (dir_load_authorities() != 0)
		serve_forever();
	if ((err = make_notifications()) < 0) {
		printf("oniond: cannot make its notification: %s\n", err_name(err));
		return 1;
	}
	if ((err = links_attach()) < 0) {
		printf("oniond: netd refused us: %s\n", netd_strerror(err));
		return 1;
	}
	/* Before any connection: the authorities' ORPorts and nothing else. */
	if ((err = links_allow(NULL)) < 0) {
		printf("oniond: netd refused the authorities' addresses: %s\n",
		    netd_strerror(err));
		return 1;
	}
	if (start_client() != 0)
		return 1;
	printf("oniond: %zu authorities; bootstrapping over BEGIN_DIR\n", dir.nauth);
	if ((err = thread_create(SLOT_MEMORY, SLOT_PUMP_THR, pump_thread,
	    pump_stack + sizeof(pump_stack) - 8, 0)) != E_OK) {
		printf("oniond: cannot start the pump thread: %s\n", err_name(err));
		return 1;
	}
	notify_signal(SLOT_KICK);
	serve_forever();
}
