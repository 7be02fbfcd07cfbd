/*
 * TCP connections for netd's clients, over lwIP's raw API: a table of
 * connections, each owned by one client (a number the caller chooses:
 * netd uses the client's badge), with non-blocking operations that
 * return NET_EAGAIN instead of waiting. When something a client may be
 * waiting for happens (connected, data, space to send, a peer closed or
 * failed, a connection to accept) the wake callback names the client.
 *
 * Received bytes are copied into the connection's own buffer of TCP_WND
 * bytes, and the window is opened only as the client reads them, so a
 * slow reader slows its sender and holds no lwIP buffers.
 */
#ifndef LIB_NET_CONN_H
#define LIB_NET_CONN_H

#include <stddef.h>
#include <stdint.h>

#include "lib/net/neterr.h"

#define NET_CONN_MAX		32
#define NET_CONNECT_TIMEOUT	20000	/* ms, when the client gives 0 */
#define NET_BACKLOG_MAX		8

struct net_conn_env {
	void *(*alloc)(size_t n);		/* NULL when there is no memory */
	void (*free)(void *p);
	void (*wake)(uint32_t owner);
};

struct net_conn_stats {
	uint64_t opened, accepted, refused, timed_out, reset, active;
};

void net_conn_init(const struct net_conn_env *env);
/*
 * Starts a connection to ip:port (ip in network byte order, as lwIP
 * keeps it); a handle. It completes later: send and recv return
 * NET_EAGAIN until it does, or its error. timeout_ms 0: the default.
 */
int net_tcp_connect(uint32_t owner, uint32_t ip, uint16_t port, uint32_t timeout_ms);
/* A listener on port (any local address) -> handle. */
int net_tcp_listen(uint32_t owner, uint16_t port, uint32_t backlog);
/* A connection the listener h received -> handle, its peer in *ip, *port. */
int net_tcp_accept(uint32_t owner, int h, uint32_t *ip, uint16_t *port);
/* Queues up to n bytes -> bytes queued (> 0), or an error. */
long net_tcp_send(uint32_t owner, int h, const void *buf, size_t n);
/* Up to n received bytes -> bytes, 0 once the peer closed and all was read. */
long net_tcp_recv(uint32_t owner, int h, void *buf, size_t n);
/* Closes (the bytes queued are still sent) and frees the handle. */
int net_tcp_close(uint32_t owner, int h);
/* Closes every connection of owner (the client went away). */
void net_conn_drop_owner(uint32_t owner);
/* Ends connections whose connect deadline has passed; call periodically. */
void net_conn_tick(uint32_t now_ms);
const struct net_conn_stats *net_conn_stats(void);

#endif
