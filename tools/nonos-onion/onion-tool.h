/*
 * nonos-onion: a SOCKS5 proxy on lib/onion. Shared declarations of the
 * tool's parts: sockets (net.c), directory bootstrap (dirfetch.c), the
 * SOCKS5 front end (socks.c) and the event loop (main.c).
 */
#ifndef TOOLS_NONOS_ONION_H
#define TOOLS_NONOS_ONION_H

#include <stdint.h>
#include <poll.h>
#include <stdio.h>

#include "lib/onion/client.h"
#include "lib/onion/dirclient.h"
#include "tools/common/cli.h"		/* warnx_, for the messages */

#define MAX_RELAYS	8192
#define MAX_CONNS	256

extern int verbose;
uint64_t now_ms(void);

/* net.c: blocking connect to 127.0.0.1-style addresses, then non-blocking. */
int	tcp_connect(uint32_t ip, uint16_t port, int timeout_ms);
int	tcp_listen(uint32_t ip, uint16_t port);
void	fd_transport(int *fd, struct onion_transport *tr);

/* dirfetch.c: the directory, fetched over BEGIN_DIR by lib/onion. */
struct dirstate {
	struct onion_authority	auth[ONION_MAX_AUTHORITIES];
	size_t			nauth;
	struct onion_dirclient	dc;
	struct onion_relay	*t0, *t1;	/* its two relay tables */
	char			*buf;		/* its response buffer */
	char			*cons_text;	/* --consensus FILE */
	size_t			cons_len;
};

int	load_authorities(struct dirstate *d, const char *path);
/*
 * Sets up the directory client for cl (before onion_client_init, which
 * takes onion_dir_consensus(&d->dc)). consensus_file, if not NULL, is
 * used instead of fetching the consensus. max_age: seconds past
 * valid-until still accepted.
 */
int	dir_setup(struct dirstate *d, struct onion_client *cl,
	    const char *consensus_file, int64_t max_age);
/* Logs what onion_dir_pump's result r (1 or < 0) means. */
void	dir_report(struct dirstate *d, int r);

/* socks.c */
struct conn;
void	socks_init(struct onion_client *cl, int listen_port);
int	socks_accept(int lfd);
void	socks_poll_fds(struct pollfd *pfd, int *n, int *map);
void	socks_io(int idx, short revents);
void	socks_tick(void);
void	socks_retry(void);
extern const struct onion_events socks_events;
extern int link_fds[ONION_MAX_LINKS];

#endif
