/*
 * netd: the TCP/IP service. lwIP (Debian's, through lib/net) runs over
 * packet rings shared with the NIC driver in slot 18; clients holding a
 * capability to our endpoint get TCP connections (user/lib/netd.h), the
 * shell's status capability gets the link, address and counters.
 *
 * Two threads: this one serves clients (serve.c); the stack thread wakes
 * on our notification (the driver put frames or freed slots; the timer)
 * and runs lwIP's input and timers. Both call lwIP only under stack_lock.
 * init's kill ends only our first thread, the serving one: the stack
 * thread notices (see serving_gone) and ends too, so that init sees netd
 * end and restarts it.
 */
#include "lib/net/conn.h"
#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/timeouts.h"
#include "lib/fmt/fmt.h"
#include "user/netd/netd.h"

#define TIMER_TICKS	2	/* 20 ms: lwIP's fastest timer is 250 ms */
#define LINK_POLL	100	/* timer wake-ups between asking the driver */
#define WATCH_EVERY	25	/* timer wake-ups between looks at the serving thread */
#define WATCH_MISSES	4	/* looks that found it neither busy nor receiving */

volatile int stack_lock;
struct net_eth eth;
int have_driver;
uint8_t our_mac[6];
static uint8_t stack_stack[32768] __attribute__((aligned(16)));

void
stack_take(void)
{
	lock_take_note(&stack_lock, SLOT_LOCK_NOTE);
}

void
stack_give(void)
{
	lock_give_note(&stack_lock, SLOT_LOCK_NOTE);
}

static uint32_t
now_ms(void)
{
	return (uint32_t)(ticks() * 10);
}

static void
log_line(const char *m)
{
	printf("netd: %s\n", m);
}

static void
fatal(const char *m)
{
	printf("netd: lwIP assertion failed: %s; exiting (init restarts us)\n", m);
	thread_kill(SLOT_STACK_THR, 0);
	thread_kill(SLOT_THREAD, 0);
	thread_exit();
}

static const struct net_platform plat = { now_ms, log_line, fatal };

static void *
alloc(size_t n)
{
	return malloc(n);
}

static const struct net_conn_env conn_env = { alloc, free, client_wake };

static void
kick_driver(void *ctx)
{
	(void)ctx;
	notify_signal(SLOT_DRV_NOTE);
}

/* a (network order) as dotted decimal in out (16 bytes). */
static void
format_ip(char out[16], uint32_t a)
{
	const uint8_t *b = (const uint8_t *)&a;

	fmt_snprintf(out, 16, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
}

/* lwIP's status callback: the address changed (DHCP bound or lost it). */
static void
on_status(struct netif *nif)
{
	char ip[16], mask[16], gw[16];

	if (ip4_addr_isany_val(*netif_ip4_addr(nif))) {
		printf("netd: no address\n");
		return;
	}
	/* One printf, one console write: other processes' lines cannot split it. */
	format_ip(ip, ip4_addr_get_u32(netif_ip4_addr(nif)));
	format_ip(mask, ip4_addr_get_u32(netif_ip4_netmask(nif)));
	format_ip(gw, ip4_addr_get_u32(netif_ip4_gw(nif)));
	printf("netd: address %s mask %s gateway %s%s\n", ip, mask, gw,
	    dhcp_supplied_address(nif) ? " (DHCP lease)" : "");
}

/*
 * 1 when the serving thread has been killed. A live one is either busy
 * with a request or waiting to receive, and then takes a non-blocking
 * send (with badge 0, which it ignores) at once; a dead one does neither.
 * Several misses in a row are needed: it may be between the two.
 */
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

static void
stack_thread(uint64_t arg)
{
	unsigned wakeups = 0;
	int link = 0;

	(void)arg;
	timer_notify(SLOT_TIMER, TIMER_TICKS);
	for (;;) {
		int64_t bits = notify_wait(SLOT_EVENTS);
		int busy = 0;

		if (bits < 0) {
			printf("netd: wait failed: %s\n", err_name(bits));
			thread_exit();
		}
		if ((bits & BIT_TIMER) && ++wakeups % WATCH_EVERY == 0 && serving_gone()) {
			printf("netd: the serving thread ended; ending too\n");
			thread_exit();
		}
		if ((bits & BIT_TIMER) && have_driver && wakeups % LINK_POLL == 1) {
			int up = driver_poll();	/* an IPC call: not under the lock */

			if (up != link) {
				printf("netd: link %s\n", up ? "up" : "down");
				stack_take();
				net_eth_link(&eth, up);
				stack_give();
				link = up;
			}
		}
		stack_take();
		if (have_driver)
			busy = net_eth_poll(&eth) == PKT_SLOTS;
		sys_check_timeouts();
		net_conn_tick(now_ms());
		net_eth_flush(&eth);
		stack_give();
		if (busy)
			notify_signal(SLOT_DRV_GIVE);	/* more waiting: come back after clients */
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
	    (err = cap_derive(SLOT_EVENTS, SLOT_DRV_GIVE, RIGHT_WRITE | RIGHT_GRANT,
	    BIT_DRIVER)) < 0 ||
	    (err = cap_derive(SLOT_EVENTS, SLOT_TIMER, RIGHT_WRITE, BIT_TIMER)) < 0)
		return err;
	return 0;
}

int
main(uint64_t arg)
{
	uint8_t seed[NET_SEED_LEN];
	int64_t err;

	(void)arg;
	/* The MAC, LWIP_RAND and the RFC 6528 key come from the kernel's generator. */
	if ((err = random_bytes(seed, sizeof(seed))) < 0) {
		printf("netd: no seed from the kernel (%s); not starting\n", err_name(err));
		return 1;
	}
	net_port_init(&plat, seed);
	explicit_bzero(seed, sizeof(seed));
	net_random_mac(our_mac);
	printf("netd: MAC %02x:%02x:%02x:%02x:%02x:%02x (random, this boot only)\n",
	    our_mac[0], our_mac[1], our_mac[2], our_mac[3], our_mac[4], our_mac[5]);
	if ((err = make_notifications()) < 0) {
		printf("netd: cannot make its notification: %s\n", err_name(err));
		return 1;
	}
	if ((err = rings_make()) < 0) {
		printf("netd: cannot make the packet rings: %s\n", err_name(err));
		return 1;
	}
	lwip_init();
	net_conn_init(&conn_env);
	if ((err = driver_attach()) < 0)
		printf("netd: no NIC driver (%s): serving status only\n", err_name(err));
	have_driver = err == 0;
	eth.kick = kick_driver;
	if (net_eth_add(&eth, our_mac, (void *)(uintptr_t)RX_VA, (void *)(uintptr_t)TX_VA,
	    0, 0, 0) != 0) {
		printf("netd: cannot add the interface\n");
		return 1;
	}
	netif_set_status_callback(&eth.netif, on_status);
	if ((err = thread_create(SLOT_MEMORY, SLOT_STACK_THR, stack_thread,
	    stack_stack + sizeof(stack_stack) - 8, 0)) != E_OK) {
		printf("netd: cannot start the stack thread: %s\n", err_name(err));
		return 1;
	}
	serve_forever();
}
