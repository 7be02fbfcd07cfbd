/*
 * The NIC driver protocol: how netd attaches to a driver (user/virtionet,
 * user/e1000e). netd holds a client capability to the driver's endpoint and
 * sends each operation with SYS_CALL; the label of the message is the
 * operation, the reply's w0 is the result (>= 0) or a NETDEV_E* error.
 * Frames travel in two lib/pktring rings that netd creates and hands over.
 * docs/net.md describes it.
 */
#ifndef USER_LIB_NETDEV_H
#define USER_LIB_NETDEV_H

enum netdev_op {
	NETDEV_RXRING = 1,	/* TAG_CAP: the ring the driver puts received frames in */
	NETDEV_TXRING,		/* TAG_CAP: the ring netd puts frames to send in */
	NETDEV_NOTIFY,		/* TAG_CAP: notification the driver signals when it put
				   rx frames or freed tx slots; the reply carries (TAG_CAP)
				   the driver's own notification, signalled by netd after
				   it put tx frames or freed rx slots */
	NETDEV_INFO,		/* -> w0 MAC (byte 0 in bits 0..7), w1 link up, w2 MTU */
	NETDEV_SETMAC,		/* w0 MAC: the address to send with and receive for */
	NETDEV_STATS,		/* -> w0 rx frames, w1 tx frames, w2 rx dropped, w3 errors */
	NETDEV_START,		/* rings and notifications given: start moving frames */
	NETDEV_OPS
};

#define NETDEV_EINVAL	(-1)	/* malformed request, wrong cap, bad MAC */
#define NETDEV_ESTATE	(-2)	/* not in a state for this operation */
#define NETDEV_EIO	(-3)	/* the device failed */
#define NETDEV_EBADOP	(-4)	/* unknown operation */

#endif
