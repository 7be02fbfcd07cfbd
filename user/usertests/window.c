/*
 * IPC windows (SYS_WINDOW, SYS_WINDOW_COPY): a caller lends the server of
 * its next call part of its memory. A copy of usertests serves as the
 * server, in its own address space; each case checks what the kernel let
 * it copy and that nothing outside the window, or after the call, or into
 * a page the caller no longer maps writable, was touched.
 */
#include "user/usertests/common.h"

#define SLOT_EP		40
#define SLOT_Q		42
#define SLOT_CHILD	45
#define SLOT_FR		46
#define FRAME_VA	0x0000340000000000ULL	/* a frame mapped for one case at a time */
#define CANARY		0xa5

/* The server's requests (message labels) and its source bytes. */
enum {
	W_TO = 1,	/* w0 off, w1 n: copies src+7 (n bytes) then src+1000 (50) */
	W_FROM,		/* w0 off, w1 n: copies n bytes of the window into dst */
	W_BAD,		/* w0: which malformed copy to try */
	W_LATE,		/* replies, then tries to copy with no caller waiting */
	W_REPORT,	/* -> what the last late copy got */
	W_EXIT,
};

static uint8_t src[12288], dst[12288];
static _Alignas(4096) uint8_t buf[3 * 4096];

static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)(i * 13 + (i >> 8) + 1);
}

/* One malformed copy of W_BAD's kind k -> what the kernel said. */
static int64_t
bad_copy(uint64_t k)
{
	struct window_iov v[WINDOW_IOV_MAX + 1];

	for (int i = 0; i <= WINDOW_IOV_MAX; i++) {
		v[i].va = (uint64_t)(uintptr_t)src;
		v[i].len = 1;
	}
	switch (k) {
	case 0: return window_copy(WINDOW_TO_CALLER, 0, v, 0);
	case 1: return window_copy(WINDOW_TO_CALLER, 0, v, WINDOW_IOV_MAX + 1);
	case 2:
		v[0].va = 0xffff800000000000ULL;	/* the kernel's direct map */
		return window_copy(WINDOW_TO_CALLER, 0, v, 1);
	case 3:
		v[0].len = WINDOW_COPY_MAX;
		return window_copy(WINDOW_TO_CALLER, 0, v, 2);
	case 4: return window_copy(WINDOW_TO_CALLER, 0,
	    (const struct window_iov *)0xffff800000001000ULL, 1);
	case 5: return window_copy(7, 0, v, 1);
	default: return window_copy(WINDOW_FROM_CALLER, 0, v, 1);
	}
}

/* The server: a spawned copy of usertests with the endpoint in FIRST_FREE. */
int
window_server(void)
{
	struct window_iov v[2];
	int64_t late = 1, r;
	struct msg m;

	for (uint64_t i = 0; i < sizeof(src); i++)
		src[i] = pattern(i);
	for (;;) {
		uint64_t sum = 0;

		if (ipc_recv(SLOT_FIRST_FREE, 0, &m) < 0)
			return 1;
		switch (TAG_LABEL(m.tag)) {
		case W_TO:
			v[0].va = (uint64_t)(uintptr_t)(src + 7);
			v[0].len = m.w[1];
			v[1].va = (uint64_t)(uintptr_t)(src + 1000);
			v[1].len = 50;
			r = window_copy(WINDOW_TO_CALLER, m.w[0], v, 2);
			break;
		case W_FROM:
			memset(dst, 0, sizeof(dst));
			v[0].va = (uint64_t)(uintptr_t)dst;
			v[0].len = m.w[1];
			r = window_copy(WINDOW_FROM_CALLER, m.w[0], v, 1);
			for (uint64_t i = 0; i < m.w[1] && i < sizeof(dst); i++)
				sum = sum * 31 + dst[i];
			break;
		case W_BAD:
			r = bad_copy(m.w[0]);
			break;
		case W_LATE:
			ipc_reply(0, 0, 0);
			v[0].va = (uint64_t)(uintptr_t)src;
			v[0].len = 1;
			late = window_copy(WINDOW_TO_CALLER, 0, v, 1);
			continue;
		case W_REPORT:
			r = late;
			break;
		default:
			ipc_reply(0, 0, 0);
			return 0;
		}
		ipc_reply(0, (uint64_t)r, sum);
	}
}

/* Asks the server for op; its result (and *sum, the W_FROM checksum). */
static int64_t
ask(uint64_t op, uint64_t a, uint64_t b, uint64_t *sum)
{
	struct msg r;

	if (ipc_call4(SLOT_EP, op, a, b, 0, 0, &r) < 0)
		return -1000;
	if (sum != NULL)
		*sum = r.w[1];
	return (int64_t)r.w[0];
}

/* 1 when every byte of buf outside [from, to) is still the canary. */
static int
canaries_ok(uint64_t from, uint64_t to)
{
	for (uint64_t i = 0; i < sizeof(buf); i++) {
		if ((i < from || i >= to) && buf[i] != CANARY)
			return 0;
	}
	return 1;
}

static void
fill(void)
{
	memset(buf, CANARY, sizeof(buf));
}

static void
lend(const char *what, const volatile void *p, uint64_t len, uint64_t rights)
{
	expect(what, ipc_window((uint64_t)(uintptr_t)p, len, rights), E_OK);
}

static void
window_bounds(void)
{
	int ok = 1;

	expect("rights beyond READ and WRITE", ipc_window((uint64_t)(uintptr_t)buf, 10,
	    RIGHT_GRANT | RIGHT_WRITE), E_INVAL);
	expect("a window in the kernel half", ipc_window(0xffff800000000000ULL, 4096,
	    RIGHT_WRITE), E_FAULT);
	expect("a window that wraps", ipc_window((uint64_t)(uintptr_t)buf, UINT64_MAX,
	    RIGHT_WRITE), E_FAULT);
	expect("no window lent: refused", ask(W_TO, 0, 10, NULL), E_RIGHTS);

	/* Across a page boundary, at an offset, two pieces end to end. */
	fill();
	lend("lend 4000 bytes", buf + 100, 4000, RIGHT_WRITE);
	expect("the server copies 3050 bytes", ask(W_TO, 10, 3000, NULL), 3050);
	for (uint64_t i = 0; i < 3000; i++)
		ok &= buf[110 + i] == pattern(7 + i);
	for (uint64_t i = 0; i < 50; i++)
		ok &= buf[3110 + i] == pattern(1000 + i);
	expect_true("the bytes landed where asked", ok);
	expect_true("nothing else changed", canaries_ok(110, 3160));

	fill();
	lend("lend 100 bytes", buf + 100, 100, RIGHT_WRITE);
	expect("past the window's end: refused", ask(W_TO, 0, 60, NULL), E_RANGE);
	expect_true("and nothing written", canaries_ok(0, 0));
	lend("lend 100 bytes again", buf + 100, 100, RIGHT_WRITE);
	expect("an offset past the end", ask(W_TO, 101, 0, NULL), E_RANGE);

	/* The window is for one call only. */
	lend("lend for one call", buf, 4096, RIGHT_WRITE);
	expect("that call may copy", ask(W_TO, 0, 10, NULL), 60);
	expect("the next may not", ask(W_TO, 0, 10, NULL), E_RIGHTS);
	lend("lend, then the server replies first", buf, 4096, RIGHT_WRITE);
	fill();
	expect("the reply", ask(W_LATE, 0, 0, NULL), 0);
	expect("a copy after the reply: nobody to copy to", ask(W_REPORT, 0, 0, NULL),
	    E_INVAL);
	expect_true("and nothing written", canaries_ok(0, 0));
}

static void
window_rights(void)
{
	uint64_t sum = 0, want = 0;

	fill();
	for (uint64_t i = 0; i < 5000; i++) {
		buf[300 + i] = pattern(i + 3);
		want = want * 31 + pattern(i + 3);
	}
	lend("lend read-only", buf + 300, 5000, RIGHT_READ);
	expect("writing a read-only window: refused", ask(W_TO, 0, 10, NULL), E_RIGHTS);
	lend("lend read-only again", buf + 300, 5000, RIGHT_READ);
	expect("reading it", ask(W_FROM, 0, 5000, &sum), 5000);
	expect_true("the server read what we lent", sum == want);
	lend("lend write-only", buf + 300, 5000, RIGHT_WRITE);
	expect("reading a write-only window: refused", ask(W_FROM, 0, 10, NULL), E_RIGHTS);

	for (uint64_t k = 0; k <= 6; k++) {
		static const int64_t want_bad[] = {
			E_INVAL, E_INVAL, E_FAULT, E_INVAL, E_FAULT, E_INVAL, E_RIGHTS,
		};

		fill();
		lend("lend for a malformed copy", buf, 4096, RIGHT_WRITE);
		expect("a malformed copy is refused", ask(W_BAD, k, 0, NULL), want_bad[k]);
		expect_true("and writes nothing", canaries_ok(0, 0));
	}
}

/* Pages the caller does not map writable are never written. */
static void
window_pages(void)
{
	volatile uint8_t *p = (volatile uint8_t *)FRAME_VA;
	int zero = 1;

	expect("a frame of two pages", frame_create(SLOT_MEMORY, SLOT_FR, 2), E_OK);
	expect("mapped read-only", map(SLOT_FR, FRAME_VA, RIGHT_READ), E_OK);
	lend("lend a read-only page for writing", p, 4096, RIGHT_WRITE);
	expect("the copy faults", ask(W_TO, 0, 100, NULL), E_FAULT);
	for (int i = 0; i < 8192; i++)
		zero &= p[i] == 0;
	expect_true("the page is untouched", zero);
	expect("unmap", unmap(SLOT_FR, FRAME_VA), E_OK);

	lend("lend an unmapped page", p, 4096, RIGHT_WRITE);
	expect("the copy faults", ask(W_TO, 0, 100, NULL), E_FAULT);

	expect("mapped writable", map(SLOT_FR, FRAME_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	lend("lend it", p, 8192, RIGHT_WRITE);
	expect("unmapped after lending", unmap(SLOT_FR, FRAME_VA), E_OK);
	expect("the copy faults", ask(W_TO, 0, 100, NULL), E_FAULT);
	expect("mapped again", map(SLOT_FR, FRAME_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	zero = 1;
	for (int i = 0; i < 8192; i++)
		zero &= p[i] == 0;
	expect_true("the frame was never written", zero);

	/* One page mapped, the next not: the copy across both writes neither. */
	expect("unmap", unmap(SLOT_FR, FRAME_VA), E_OK);
	cap_delete(SLOT_FR);
	expect("a one-page frame", frame_create(SLOT_MEMORY, SLOT_FR, 1), E_OK);
	expect("mapped writable", map(SLOT_FR, FRAME_VA, RIGHT_READ | RIGHT_WRITE), E_OK);
	lend("lend it and the page after it", p, 8192, RIGHT_WRITE);
	expect("a copy into both faults", ask(W_TO, 4000, 200, NULL), E_FAULT);
	zero = 1;
	for (int i = 0; i < 4096; i++)
		zero &= p[i] == 0;
	expect_true("the mapped page is untouched", zero);
	lend("lend it again", p, 4096, RIGHT_WRITE);
	expect("a copy inside the page works", ask(W_TO, 4000, 46, NULL), 96);
	expect_true("and lands", p[4000] == pattern(7) && p[4095] == pattern(1049));
	expect("unmap", unmap(SLOT_FR, FRAME_VA), E_OK);
	cap_delete(SLOT_FR);
}

void
test_windows(void)
{
	struct spawn_cap caps[1] = {
		{ SLOT_EP, SLOT_FIRST_FREE, RIGHT_READ | RIGHT_WRITE, 0 },
	};
	uint64_t before[2];

	/* The page tables for FRAME_VA stay once made: make them before counting. */
	expect("a frame", frame_create(SLOT_MEMORY, SLOT_FR, 1), E_OK);
	expect("mapped once", map(SLOT_FR, FRAME_VA, RIGHT_READ), E_OK);
	expect("unmapped", unmap(SLOT_FR, FRAME_VA), E_OK);
	cap_delete(SLOT_FR);
	expect("quota before", memory_info(SLOT_MEMORY, before), E_OK);
	expect("endpoint", endpoint_create(SLOT_MEMORY, SLOT_EP), E_OK);
	expect("server quota", memory_split(SLOT_MEMORY, SLOT_Q, 1 << 20), E_OK);
	expect_true("a serving copy of usertests", spawn("usertests", SLOT_Q, SLOT_CHILD,
	    WINDOW_SERVER_ARG, 5, caps, 1) > 1);
	window_bounds();
	window_rights();
	window_pages();
	expect("the server ends", ask(W_EXIT, 0, 0, NULL), 0);
	cap_delete(SLOT_CHILD);
	cap_delete(SLOT_EP);
	expect_true("everything came back",
	    (uint64_t)quota_settles(SLOT_MEMORY, before[1]) <= before[1]);
}
