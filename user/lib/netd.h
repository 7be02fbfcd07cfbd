/*
 * netd's client protocol (docs/net.md, "netd"): TCP connections for
 * programs that hold a capability to netd, operations sent with SYS_CALL,
 * bulk bytes in a 64 KiB frame the client shares, errno-style errors
 * (lib/net/neterr.h). Every operation is non-blocking: NET_EAGAIN means
 * "wait on the notification you gave netd, then ask again"; the wrappers
 * below do that waiting.
 *
 * A capability badged NET_BADGE_STATUS (init's "status:netd") may only
 * ask NET_STATUS: the shell can show the link and counters without being
 * able to open a connection. A capability badged NET_BADGE_DOOR (init's
 * "door:netd", oniond's) connects only to the addresses it last listed
 * with NET_ALLOW; the default manifest gives no other capability that
 * can connect (docs/net.md, "Fail closed").
 */
#ifndef USER_LIB_NETD_H
#define USER_LIB_NETD_H

#include <stdint.h>

#include "lib/net/neterr.h"
#include "user/lib/initctl.h"

#define NET_BUF			65536	/* bytes in the shared buffer: one 16-page frame */
#define NET_BADGE_STATUS	INITCTL_BADGE_STATUS	/* badge bit: status only */
#define NET_BADGE_DOOR		INITCTL_BADGE_DOOR	/* badge bit: oniond, the door */
#define NET_ALLOW_MAX		512	/* entries in the allowed set */

enum net_op {
	NET_SETBUF = 1,	/* TAG_CAP: the shared frame; starts a new session (the
			   connections of an earlier one are closed) */
	NET_SETNOTE,	/* TAG_CAP: a notification netd signals when one of our
			   connections may have moved */
	NET_CONNECT,	/* (IPv4 a.b.c.d as a<<24|b<<16|c<<8|d, port, timeout ms) -> handle */
	NET_LISTEN,	/* (port, backlog) -> handle */
	NET_ACCEPT,	/* (listener) -> handle, w1 peer address, w2 peer port */
	NET_SEND,	/* (handle, n <= NET_BUF) bytes from the buffer -> bytes queued */
	NET_RECV,	/* (handle, n <= NET_BUF) -> bytes, in the buffer; 0: the peer closed */
	NET_CLOSE,	/* (handle) */
	NET_STATUS,	/* (item) -> three words of enum net_status_item */
	NET_ALLOW,	/* door only: (n <= NET_ALLOW_MAX) the only address:ports the
			   door may connect to, n entries of struct net_allow in
			   the buffer; replaces the earlier set */
	NET_OPS
};

/* NET_STATUS items: the reply's w1, w2, w3. */
enum net_status_item {
	NET_ST_LINK,	/* flags (NET_F_*), MAC (byte 0 in bits 0..7), MTU */
	NET_ST_ADDR,	/* address, mask, gateway (a<<24|... as NET_CONNECT) */
	NET_ST_LEASE,	/* DHCP state (lwIP's), lease seconds, seconds since bound */
	NET_ST_RX,	/* frames, bytes, frames dropped (no buffer) */
	NET_ST_TX,	/* frames, bytes, frames dropped (ring full) */
	NET_ST_TCP,	/* connections open, opened, accepted */
	NET_ST_ERR,	/* refused, timed out, reset */
	NET_ST_DRIVER,	/* malformed ring slots or indices, driver's rx dropped, errors */
	NET_ST_DOOR,	/* addresses allowed, connections refused (not allowed, or
			   not the door), connections the door opened */
	NET_ST_ITEMS
};

#define NET_F_DRIVER	1	/* attached to a NIC driver */
#define NET_F_LINK	2	/* the link is up */
#define NET_F_BOUND	4	/* DHCP gave us an address */

/* One allowed destination (NET_ALLOW). */
struct net_allow {
	uint32_t ip;		/* a<<24|b<<16|c<<8|d */
	uint16_t port;
	uint16_t zero;
};

struct netd_client {
	uint64_t slot;		/* badged endpoint capability to netd */
	uint64_t frame;		/* slot of the buffer's frame */
	uint64_t note;		/* slot of our notification */
	uint8_t *buf;		/* where the frame is mapped */
};

/*
 * Makes the buffer (frame in slot frame, mapped at va) and a notification
 * (slot note), and hands both to netd. 0 or an error.
 */
int64_t netd_attach(struct netd_client *c, uint64_t slot, uint64_t frame, uint64_t note,
    uint64_t va);
/* These wait (on the notification) until the operation completes or fails. */
int64_t netd_connect(struct netd_client *c, uint32_t ip, uint16_t port, uint32_t timeout_ms);
int64_t netd_listen(struct netd_client *c, uint16_t port, uint32_t backlog);
int64_t netd_accept(struct netd_client *c, int64_t h, uint32_t *ip, uint16_t *port);
/* Sends all n bytes (or fails): n, or an error. */
int64_t netd_send(struct netd_client *c, int64_t h, const void *buf, uint64_t n);
/* Up to n bytes as soon as there are any; 0 once the peer closed. */
int64_t netd_recv(struct netd_client *c, int64_t h, void *buf, uint64_t n);
int64_t netd_close(struct netd_client *c, int64_t h);
/* One status item (any netd capability); out[3] as enum net_status_item says. */
int64_t netd_status(uint64_t slot, uint64_t item, uint64_t out[3]);
const char *netd_strerror(int64_t err);

#endif
