/*
 * The attacks of the isolation review (issue 11), each as the attacker
 * ran it from an unprivileged program, each a group that failed on the
 * kernel before the fix: capabilities to a process's cnode and vspace
 * outliving it (over IPC, through SYS_SPAWN, as sealed tokens), a second
 * receive before a reply, quota objects that cost nothing and chains of
 * them, capabilities past a module's ceiling over IPC and by token, a
 * frame writable here and executable there, and a capability delivered
 * into the null slot.
 */
#include "user/usertests/common.h"

#define SLOT_EP		40
#define SLOT_EXIT	41
#define SLOT_Q		42
#define SLOT_GOT_CN	43
#define SLOT_GOT_VS	44
#define SLOT_CHILD	45
#define SLOT_X		46
#define SLOT_Y		47
#define SLOT_SRV	48
#define SLOT_CLI_A	49
#define SLOT_CLI_B	50
#define SLOT_FANOUT	60	/* the fan-out of child quotas uses 60..255 */

#define GIVER_ARG	0x6976e125	/* gives its cnode and vspace away, then exits */
#define HOLDER_ARG	0x401de125	/* holds its spawner's cnode; answers one call */
#define CEILING_ARG	997		/* hello: asks for what its ceiling forbids */
#define WX_VA		0x0000320000000000ULL
#define COM1		0x3f8

/* --- Capabilities that outlive their process ----------------------------- */

/* Sends an 80-byte token as three messages of four words. */
static void
send_token(uint64_t ep, const uint8_t token[80])
{
	uint64_t w[12];

	memset(w, 0, sizeof(w));
	memcpy(w, token, 80);
	for (int i = 0; i < 3; i++)
		syscall6(SYS_SEND, ep, 0, w[4 * i], w[4 * i + 1], w[4 * i + 2], w[4 * i + 3]);
}

static void
recv_token(uint64_t ep, uint8_t token[96])
{
	struct msg m;

	for (int i = 0; i < 3; i++) {
		memset(&m, 0, sizeof(m));
		ipc_recv(ep, 0, &m);
		memcpy(token + 32 * i, m.w, 32);
	}
}

/*
 * The giver: sends its spawner its own cnode and vspace capabilities and
 * tokens sealing both, starts a holder given its cnode too, and exits.
 * Slots: FIRST_FREE the spawner's endpoint, +1 a spawn capability.
 */
static int
giver(void)
{
	struct spawn_cap caps[2] = {
		{ SLOT_FIRST_FREE, SLOT_FIRST_FREE, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0 },
		{ SLOT_CNODE, SLOT_FIRST_FREE + 1, RIGHT_READ, 0 },
	};
	uint8_t cn_token[80], vs_token[80];
	int64_t err;

	if ((err = cap_seal(SLOT_CNODE, RIGHTS_ALL, 0, cn_token)) != E_OK ||
	    (err = cap_seal(SLOT_VSPACE, RIGHTS_ALL, 0, vs_token)) != E_OK) {
		printf("usertests:   giver: seal: %s\n", err_name(err));
		return 1;
	}
	ipc_send(SLOT_FIRST_FREE, TAG_CAP | ((uint64_t)SLOT_CNODE << 40), 0, 0);
	ipc_send(SLOT_FIRST_FREE, TAG_CAP | ((uint64_t)SLOT_VSPACE << 40), 0, 0);
	send_token(SLOT_FIRST_FREE, cn_token);
	send_token(SLOT_FIRST_FREE, vs_token);
	if ((err = memory_split(SLOT_MEMORY, SLOT_FIRST_FREE + 2, 1 << 20)) != E_OK ||
	    (err = spawn_full(SLOT_FIRST_FREE + 1, "usertests", SLOT_FIRST_FREE + 2,
	    SLOT_FIRST_FREE + 3, 0, HOLDER_ARG, 5, caps, 2)) < 0) {
		printf("usertests:   giver: holder: %s\n", err_name(err));
		return 1;
	}
	return 0;	/* our last thread ends: the process goes */
}

/* The holder: answers one call with what its copy of the giver's cnode is now. */
static int
holder(void)
{
	struct cap_info ci;
	struct msg m;

	ipc_recv(SLOT_FIRST_FREE, 0, &m);
	ipc_reply(0, (uint64_t)cap_info(SLOT_FIRST_FREE + 1, &ci), 0);
	return 0;
}

int
isolation_child(uint64_t arg)
{
	if (arg == GIVER_ARG)
		return giver();
	if (arg == HOLDER_ARG)
		return holder();
	return -1;
}

void
test_lifetimes(void)
{
	struct spawn_cap caps[3] = {
		{ SLOT_EP, SLOT_FIRST_FREE, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0 },
		{ SLOT_SPAWN, SLOT_FIRST_FREE + 1, RIGHT_WRITE, 0 },
		{ SLOT_CONSOLE, SLOT_CONSOLE, RIGHT_WRITE, 0 },
	};
	uint8_t cn_token[96], vs_token[96];
	uint64_t before[2];
	struct cap_info ci;
	struct msg m;

	sleep_ticks(3);
	expect("quota before", memory_info(SLOT_MEMORY, before), E_OK);
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_EP), E_OK);
	expect("exit notification", notification_create(SLOT_MEMORY, SLOT_EXIT), E_OK);
	expect("child quota", memory_split(SLOT_MEMORY, SLOT_Q, 4 << 20), E_OK);
	expect_true("the giver starts", spawn_full(SLOT_SPAWN, "usertests", SLOT_Q,
	    SLOT_CHILD, SLOT_EXIT, GIVER_ARG, 5, caps, 3) > 1);
	expect("its cnode over IPC", ipc_recv(SLOT_EP, SLOT_GOT_CN, &m), E_OK);
	expect_true("it came", (m.tag & TAG_CAP) && cap_info(SLOT_GOT_CN, &ci) == E_OK &&
	    ci.type == CAP_CNODE);
	expect("its vspace over IPC", ipc_recv(SLOT_EP, SLOT_GOT_VS, &m), E_OK);
	expect_true("it came", (m.tag & TAG_CAP) && cap_info(SLOT_GOT_VS, &ci) == E_OK &&
	    ci.type == CAP_VSPACE);
	recv_token(SLOT_EP, cn_token);
	recv_token(SLOT_EP, vs_token);
	expect("the giver exits", notify_wait(SLOT_EXIT), 1);
	/* Its cnode and vspace are gone: so is every capability to them. */
	expect("the cnode capability we were sent", cap_info(SLOT_GOT_CN, &ci), E_NOCAP);
	expect("the vspace capability we were sent", cap_info(SLOT_GOT_VS, &ci), E_NOCAP);
	expect("mapping through it", map(SLOT_GOT_CN, WX_VA, RIGHT_READ | RIGHT_WRITE), E_NOCAP);
	expect("its sealed cnode", cap_unseal(cn_token, SLOT_X), E_REVOKED);
	expect("its sealed vspace", cap_unseal(vs_token, SLOT_Y), E_REVOKED);
	memset(&m, 0, sizeof(m));
	expect("ask the holder", ipc_call(SLOT_EP, 0, 0, 0, &m), E_OK);
	expect("the holder's copy, given in SYS_SPAWN", (int64_t)m.w[0], E_NOCAP);
	cap_delete(SLOT_X);
	cap_delete(SLOT_Y);
	cap_delete(SLOT_GOT_CN);
	cap_delete(SLOT_GOT_VS);
	cap_delete(SLOT_CHILD);
	cap_delete(SLOT_EXIT);
	cap_delete(SLOT_EP);
	expect_true("nothing leaked",
	    (uint64_t)quota_settles(SLOT_MEMORY, before[1]) <= before[1]);
}

/* --- A second receive before the reply ------------------------------------ */

static uint8_t srv_stack[4096] __attribute__((aligned(16)));
static uint8_t cli_a_stack[4096] __attribute__((aligned(16)));
static uint8_t cli_b_stack[4096] __attribute__((aligned(16)));
static volatile int64_t cli_a_result, cli_b_result;
static volatile int cli_a_done, cli_b_done;

/* Takes two calls without replying to the first, then answers the second. */
static void
server(uint64_t a)
{
	struct msg m;

	(void)a;
	ipc_recv(SLOT_SRV, 0, &m);
	ipc_recv(SLOT_SRV, 0, &m);
	ipc_reply(0, m.w[0] + 100, 0);
	thread_exit();
}

static void
client_a(uint64_t a)
{
	struct msg m;

	(void)a;
	cli_a_result = ipc_call(SLOT_SRV, 0, 1, 0, &m);
	cli_a_done = 1;
	thread_exit();
}

static void
client_b(uint64_t a)
{
	struct msg m;

	(void)a;
	cli_b_result = ipc_call(SLOT_SRV, 0, 2, 0, &m);
	if (cli_b_result == E_OK)
		cli_b_result = (int64_t)m.w[0];
	cli_b_done = 1;
	thread_exit();
}

static int
wait_flag(volatile int *flag)
{
	for (int i = 0; i < 50 && !*flag; i++)
		sleep_ticks(1);
	return *flag;
}

/*
 * The first caller must not be left pointing at a server that has moved
 * on: it gets E_DEAD at once. (Before the fix it waited for ever, and
 * killing it after the server was freed wrote into freed memory.)
 */
void
test_reply_order(void)
{
	cli_a_done = cli_b_done = 0;
	cli_a_result = cli_b_result = 0;
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_SRV), E_OK);
	expect("server", thread_create(SLOT_MEMORY, SLOT_X, server,
	    srv_stack + sizeof(srv_stack), 0), E_OK);
	sleep_ticks(2);
	expect("first caller", thread_create(SLOT_MEMORY, SLOT_CLI_A, client_a,
	    cli_a_stack + sizeof(cli_a_stack), 0), E_OK);
	sleep_ticks(2);
	expect("second caller", thread_create(SLOT_MEMORY, SLOT_CLI_B, client_b,
	    cli_b_stack + sizeof(cli_b_stack), 0), E_OK);
	expect_true("the second call is answered", wait_flag(&cli_b_done));
	expect("its answer", cli_b_result, 102);
	expect_true("the first caller is let go", wait_flag(&cli_a_done));
	expect("with E_DEAD", cli_a_result, E_DEAD);
	/* The attack's last step: the server is gone, then the caller is killed. */
	cap_delete(SLOT_X);
	sleep_ticks(2);
	expect("killing the first caller", thread_kill(SLOT_CLI_A, 0), E_OK);
	cap_delete(SLOT_CLI_A);
	cap_delete(SLOT_CLI_B);
	cap_delete(SLOT_SRV);
}

/* --- Quota objects are charged --------------------------------------------- */

/*
 * Each child quota costs its parent an object as well as its bytes, so a
 * small quota makes few children; a chain of thousands of quotas goes
 * home in one delete without the kernel recursing once per link.
 */
void
test_quota_objects(void)
{
	uint64_t before[2], info[2];
	int children = 0, links = 0;

	sleep_ticks(3);
	expect("quota before", memory_info(SLOT_MEMORY, before), E_OK);
	expect("a 4 KiB quota", memory_split(SLOT_MEMORY, SLOT_Q, 4096), E_OK);
	for (uint64_t s = SLOT_FANOUT; s < 256; s++) {
		if (memory_split(SLOT_Q, s, 1) != E_OK)
			break;
		children++;
	}
	expect_true("one-byte children are not free (fewer than 128 of 4096 bytes)",
	    children > 0 && children < 128);
	for (uint64_t s = SLOT_FANOUT; s < 256; s++)
		cap_delete(s);
	expect("its children went home", memory_info(SLOT_Q, info), E_OK);
	expect("nothing left in use", (int64_t)info[1], 0);
	cap_delete(SLOT_Q);

	expect("a 256 KiB quota", memory_split(SLOT_MEMORY, SLOT_Q, 256 << 10), E_OK);
	for (int i = 0; i < 100000; i++) {
		if (memory_info(SLOT_Q, info) != E_OK || info[0] - info[1] < 128)
			break;
		if (memory_split(SLOT_Q, SLOT_X, info[0] - info[1] - 64) != E_OK)
			break;
		cap_delete(SLOT_Q);	/* stays: its child is charged to it */
		cap_move(SLOT_X, SLOT_Q);
		links++;
	}
	expect_true("a chain of over a thousand quotas", links > 1000);
	cap_delete(SLOT_Q);		/* the whole chain goes home */
	expect_true("and all of it came back",
	    (uint64_t)quota_settles(SLOT_MEMORY, before[1]) <= before[1]);
}

/* --- Ceilings on every path ------------------------------------------------- */

/*
 * hello's ceiling allows no I/O ports: SYS_SPAWN refuses them, and so
 * must a reply carrying one and a token sealing one.
 */
void
test_ceiling_paths(void)
{
	struct spawn_cap caps[1] = { { SLOT_EP, SLOT_FIRST_FREE, RIGHT_WRITE, 0 } };
	uint8_t token[80];
	uint64_t w[12];
	struct msg m;
	int64_t pid;

	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_EP), E_OK);
	expect("COM1's ports", syscall6(SYS_IOPORT_CREATE, SLOT_IOPORT, SLOT_X, COM1, 8, 0, 0),
	    E_OK);
	expect("sealed", cap_seal(SLOT_X, RIGHTS_ALL, 0, token), E_OK);
	memset(w, 0, sizeof(w));
	memcpy(w, token, sizeof(token));
	expect("child quota", memory_split(SLOT_MEMORY, SLOT_Q, 1 << 20), E_OK);
	pid = spawn("hello", SLOT_Q, SLOT_CHILD, CEILING_ARG, 5, caps, 1);
	expect_true("hello starts", pid > 1);
	expect("its greeting", ipc_recv(SLOT_EP, 0, &m), E_OK);
	expect("it asks for a capability", ipc_recv(SLOT_EP, 0, &m), E_OK);
	/* Call 1 gets the capability; calls 2 to 4 the token, 32 bytes each. */
	ipc_reply_recv(SLOT_EP, TAG_CAP | ((uint64_t)SLOT_X << 40), 0, 0, &m);
	for (int i = 0; i < 2; i++)
		syscall_ipc(SYS_REPLY_RECV, SLOT_EP, 0, w[4 * i], w[4 * i + 1], w[4 * i + 2],
		    w[4 * i + 3], &m);
	syscall6(SYS_REPLY, 0, w[8], w[9], w[10], w[11], 0);
	expect("its report", ipc_recv(SLOT_EP, 0, &m), E_OK);
	expect_true("the capability in the reply was dropped",
	    (m.w[0] & TAG_CAP_DROPPED) && !(m.w[0] & TAG_CAP));
	expect("unsealing the token", (int64_t)m.w[1], E_CEILING);
	expect("COM1 through the reply's slot", (int64_t)m.w[2], E_NOCAP);
	expect("COM1 through the token's slot", (int64_t)m.w[3], E_NOCAP);
	cap_delete(SLOT_CHILD);
	cap_delete(SLOT_X);
	cap_delete(SLOT_EP);
}

/* --- W^X per frame ---------------------------------------------------------- */

void
test_wx_per_frame(void)
{
	uint64_t va = WX_VA;

	expect("frame", frame_create(SLOT_MEMORY, SLOT_X, 1), E_OK);
	expect("writable here", map(SLOT_X, va, RIGHT_READ | RIGHT_WRITE), E_OK);
	expect("executable there", map(SLOT_X, va + USER_PAGE, RIGHT_READ | RIGHT_EXEC), E_INVAL);
	expect("read-only there", map(SLOT_X, va + USER_PAGE, RIGHT_READ), E_OK);
	expect("unmap the writable one", unmap(SLOT_X, va), E_OK);
	expect("now executable", map(SLOT_X, va + 2 * USER_PAGE, RIGHT_READ | RIGHT_EXEC), E_OK);
	expect("writable again", map(SLOT_X, va, RIGHT_READ | RIGHT_WRITE), E_INVAL);
	expect("a derived copy changes nothing", cap_derive(SLOT_X, SLOT_Y, RIGHTS_ALL, 0), E_OK);
	expect("writable through it", map(SLOT_Y, va, RIGHT_READ | RIGHT_WRITE), E_INVAL);
	cap_delete(SLOT_Y);
	cap_delete(SLOT_X);		/* unmaps everywhere */
}

/* --- Nothing is delivered into the null slot ------------------------------- */

static volatile uint64_t null_tag;
static volatile int null_done;

static void
null_receiver(uint64_t a)
{
	struct msg m;

	(void)a;
	ipc_recv(SLOT_SRV, SLOT_NULL, &m);
	null_tag = m.tag;
	null_done = 1;
	thread_exit();
}

void
test_null_slot(void)
{
	struct cap_info ci;

	null_done = 0;
	null_tag = 0;
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_SRV), E_OK);
	expect("receiver", thread_create(SLOT_MEMORY, SLOT_X, null_receiver,
	    srv_stack + sizeof(srv_stack), 0), E_OK);
	sleep_ticks(2);
	expect("send a capability", ipc_send(SLOT_SRV, TAG_CAP | ((uint64_t)SLOT_SRV << 40),
	    0, 0), E_OK);
	expect_true("received", wait_flag(&null_done));
	expect_true("dropped, not delivered", (null_tag & TAG_CAP_DROPPED) && !(null_tag & TAG_CAP));
	expect("slot 0 stays empty", cap_info(SLOT_NULL, &ci), E_NOCAP);
	cap_delete(SLOT_X);
	cap_delete(SLOT_SRV);
}

/* --- No fixed kernel tables: seals and timers are charged ----------------- */

#define MANY	300	/* more than the old tables held (256 each) */

/*
 * Each pending timer and each live seal costs its maker's quota, and all
 * of it comes back when the notification or the sealed capability goes.
 * There is no table for one process to fill for everyone.
 */
void
test_charged_tables(void)
{
	uint64_t before[2], during[2];
	uint8_t token[80];
	int timers = 0, seals = 0;

	sleep_ticks(3);
	expect("quota before", memory_info(SLOT_MEMORY, before), E_OK);
	expect("notification", notification_create(SLOT_MEMORY, SLOT_X), E_OK);
	for (int i = 0; i < MANY; i++)
		timers += syscall6(SYS_TIMER_NOTIFY, SLOT_X, 1ULL << 30, 0, 0, 0, 0) == E_OK;
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_Y), E_OK);
	for (int i = 0; i < MANY; i++)
		seals += cap_seal(SLOT_Y, RIGHT_WRITE, 0, token) == E_OK;
	expect("every timer was set", timers, MANY);
	expect("every seal was made", seals, MANY);
	expect("quota during", memory_info(SLOT_MEMORY, during), E_OK);
	expect_true("they were charged to us", during[1] >= before[1] + MANY * 2 * 40);
	expect("the last token still works", cap_unseal(token, SLOT_CLI_A), E_OK);
	cap_delete(SLOT_CLI_A);
	expect("revoking the endpoint ends its seals", cap_revoke(SLOT_Y), MANY);
	cap_delete(SLOT_Y);
	cap_delete(SLOT_X);		/* its timers go with it */
	expect_true("and all of it came back",
	    (uint64_t)quota_settles(SLOT_MEMORY, before[1]) <= before[1]);
}
