/*
 * The network for programs: streams through Tor (docs/net.md, "Programs
 * and the network"). A capability to oniond is the only network
 * capability a program can hold; oniond carries every stream over a
 * 3-hop circuit and the exit resolves every name, so nothing a program
 * does here sends a DNS query or a packet of its own.
 *
 * Streams are isolated as tor's IsolateSOCKSAuth isolates SOCKS users:
 * two programs (init's badges) never share a circuit, and one program
 * gets a separate circuit for each tag it chooses.
 *
 * Operations go with SYS_CALL on the capability; names and bytes travel
 * in a 64 KiB frame the program shares (NETS_SETBUF). Every operation
 * returns at once; NET_EAGAIN means "wait on the notification you gave
 * oniond (NETS_SETNOTE), then ask again", and the wrappers below do that
 * waiting. Errors are errno-style (lib/net/neterr.h, net_strerror).
 */
#ifndef USER_LIB_NET_H
#define USER_LIB_NET_H

#include <stdint.h>

#include "lib/net/neterr.h"

#define NETS_BUF	65536	/* bytes in the shared buffer: one 16-page frame */
#define NETS_NAME_MAX	255	/* a host name, as RELAY_BEGIN carries it */

enum nets_op {
	NETS_SETBUF = 1,	/* TAG_CAP: the shared frame; a new session */
	NETS_SETNOTE,		/* TAG_CAP: the notification oniond signals */
	NETS_OPEN,		/* (tag, port, name length) name in the buffer -> stream;
				   NET_EAGAIN while the guard is being taken back */
	NETS_READ,		/* (stream, n) -> bytes in the buffer; 0 at the end */
	NETS_WRITE,		/* (stream, n) bytes from the buffer -> bytes taken;
				   n = 0 reports the state (NET_EAGAIN until open) */
	NETS_CLOSE,		/* (stream) */
	NETS_RESOLVE,		/* (tag, 0, name length) -> stream whose READ gives
				   the IPv4 address (4 bytes, first octet first) */
	NETS_STATUS,		/* (item) -> three words of enum nets_item */
	NETS_STATEDIR,		/* TAG_CAP: the owner's directory for the guard
				   (tor/, docs/onion.md "Guards"); owner only */
	NETS_OPS
};

/* NETS_STATUS items. */
enum nets_item {
	NETS_ST_BOOT,		/* bootstrap percent, relays, relays with microdescriptors */
	NETS_ST_CIRCS,		/* circuits open, building, built since start */
	NETS_ST_STREAMS,	/* streams open, opened, failed */
	NETS_ST_BYTES,		/* bytes read by programs, written by programs, links open */
	NETS_ST_GUARD,		/* the guard's nickname, 24 bytes in the three words;
				   owner only (NET_EPERM), as it marks the user */
	NETS_ST_ITEMS
};

struct net_conn {
	uint64_t slot;		/* badged endpoint capability to oniond */
	uint64_t frame;		/* slot of the buffer's frame */
	uint64_t note;		/* slot of our notification */
	uint8_t *buf;		/* where the frame is mapped */
	uint64_t due;		/* tick of our wake-up timer's end */
};

/*
 * Makes the buffer (frame in slot frame, mapped at va) and a notification
 * (slot note), and hands both to oniond. 0 or an error.
 */
int64_t net_attach(struct net_conn *c, uint64_t slot, uint64_t frame,
    uint64_t note, uint64_t va);
/*
 * A stream to host:port through an exit, on a circuit of this program
 * and tag; waits until the exit has connected. The stream, or an error
 * (NET_EHOSTUNREACH: the exit could not resolve or reach the host).
 */
int64_t net_open(struct net_conn *c, const char *host, uint16_t port,
    uint32_t tag);
/* Up to n bytes as soon as there are any; 0 at the end of the stream. */
int64_t net_read(struct net_conn *c, int64_t s, void *buf, uint64_t n);
/* All n bytes (or an error): n. */
int64_t net_write(struct net_conn *c, int64_t s, const void *buf, uint64_t n);
int64_t net_close(struct net_conn *c, int64_t s);
/* The IPv4 address of name, resolved by an exit (RELAY_RESOLVE). */
int64_t net_resolve(struct net_conn *c, const char *name, uint32_t tag,
    uint32_t *ipv4);
int64_t net_status(struct net_conn *c, uint64_t item, uint64_t out[3]);
/*
 * Owner only (init's owner:oniond, the shell): hands oniond (slot: our
 * endpoint capability; no session needed) the directory
 * capability in slot dir (a copy: the caller may delete its own) for its guard
 * file. 0 or an error.
 */
int64_t net_statedir(uint64_t slot, uint64_t dir);
const char *net_strerror(int64_t err);

#endif
