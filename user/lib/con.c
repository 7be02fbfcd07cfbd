/*
 * The client side of the console protocol (con.h): attach with a
 * notification, read input a message at a time, write in chunks. After a
 * consoled restart the first call gets E_BADGE; we attach again and retry.
 */
#include "user/lib/con.h"
#include "user/lib/nonos.h"

static int64_t
attach(struct con *c)
{
	uint64_t w[2];
	struct msg r;
	int64_t err;

	cap_delete(c->give);
	if ((err = cap_derive(c->notify, c->give, RIGHT_WRITE | RIGHT_GRANT, 1)) != E_OK)
		return err;
	memcpy(w, c->name, CON_NAME);
	err = ipc_call(c->slot, CON_ATTACH | TAG_CAP | (c->give << 40), w[0], w[1], &r);
	cap_delete(c->give);
	if (err < 0)
		return err;
	return (int64_t)r.w[0];
}

int64_t
con_attach(struct con *c, uint64_t slot, uint64_t notify, uint64_t give, const char *name)
{
	int64_t err;
	size_t n = strnlen(name, CON_NAME);

	memset(c, 0, sizeof(*c));
	c->slot = slot;
	c->notify = notify;
	c->give = give;
	memcpy(c->name, name, n);
	if ((err = notification_create(SLOT_MEMORY, notify)) != E_OK)
		return err;
	return attach(c);
}

/* One call; attaches again once if consoled no longer knows us. */
static int64_t
call(struct con *c, uint64_t op, uint64_t n, const uint64_t w[3], struct msg *r)
{
	for (int tries = 0; tries < 2; tries++) {
		int64_t err = ipc_call4(c->slot, op, n, w[0], w[1], w[2], r);

		if (err < 0)
			return err;
		if ((int64_t)r->w[0] != E_BADGE || attach(c) != E_OK)
			return (int64_t)r->w[0];
	}
	return (int64_t)r->w[0];
}

int
con_getc(struct con *c)
{
	static const uint64_t none[3];
	struct msg r;
	int64_t n;

	while (c->next == c->have) {
		n = call(c, CON_READ, CON_CHUNK, none, &r);
		if (n > 0 && n <= CON_CHUNK) {
			memcpy(c->buf, &r.w[1], (size_t)n);
			c->have = (unsigned)n;
			c->next = 0;
			break;
		}
		/* Not the foreground, nothing typed, or consoled is away: wait. */
		if (n == E_AGAIN)
			notify_wait(c->notify);
		else {
			timer_notify(c->notify, 10);
			notify_wait(c->notify);
		}
	}
	return c->buf[c->next++];
}

int64_t
con_write(struct con *c, const void *buf, uint64_t n)
{
	const uint8_t *p = buf;
	uint64_t done = 0;
	struct msg r;

	while (done < n) {
		uint64_t w[3] = { 0, 0, 0 }, k = n - done < CON_CHUNK ? n - done : CON_CHUNK;
		int64_t err;

		memcpy(w, p + done, (size_t)k);
		if ((err = call(c, CON_WRITE, k, w, &r)) < 0)
			return err;
		done += k;
	}
	return (int64_t)n;
}
