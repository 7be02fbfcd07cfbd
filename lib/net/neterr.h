/*
 * The errors of netd's TCP service, errno-style (negative; a result >= 0
 * is a value). lib/net/conn.c returns them; user/lib/netd.h hands them to
 * netd's clients, user/lib/net.h (oniond) to programs, and
 * netd_strerror names them.
 */
#ifndef LIB_NET_NETERR_H
#define LIB_NET_NETERR_H

#define NET_EINVAL		(-1)	/* malformed argument (port 0, length, address) */
#define NET_EBADF		(-2)	/* no such connection of this client */
#define NET_EAGAIN		(-3)	/* would block: wait for the notification, then retry */
#define NET_ENOMEM		(-4)	/* netd's connection table or memory is full */
#define NET_ECONNREFUSED	(-5)	/* the peer answered the SYN with a reset */
#define NET_ETIMEDOUT		(-6)	/* no answer before the deadline */
#define NET_ECONNRESET		(-7)	/* the peer reset an open connection */
#define NET_ENOTCONN		(-8)	/* not (yet) connected, or a listener */
#define NET_EADDRINUSE		(-9)	/* the port is taken */
#define NET_ENETDOWN		(-10)	/* no link or no address yet */
#define NET_EPIPE		(-11)	/* the connection has failed or is closing */
#define NET_ECONNABORTED	(-12)	/* the stack gave up on the connection */
#define NET_ENOBUF		(-13)	/* the client set no shared buffer */
#define NET_EBADOP		(-14)	/* unknown operation or malformed message */
#define NET_EPERM		(-15)	/* this capability may not do that */
#define NET_EIPC		(-16)	/* the call itself failed (netd gone) */
#define NET_EHOSTUNREACH	(-17)	/* the exit could not resolve or reach the host */
#define NET_ENOTREADY		(-18)	/* oniond has no usable directory yet */
#define NET_ERRORS		18

#endif
