/*
 * Sockets for nonos-onion: TCP connect with a timeout and listen, and an
 * onion_transport over a non-blocking socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "tools/nonos-onion/onion-tool.h"

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

int
tcp_connect(uint32_t ip, uint16_t port, int timeout_ms)
{
	struct sockaddr_in a;
	struct pollfd p;
	socklen_t sl = sizeof(int);
	int fd, err = 0, one = 1;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(ip);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (set_nonblock(fd) < 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		if (errno != EINPROGRESS)
			goto fail;
		p.fd = fd;
		p.events = POLLOUT;
		if (poll(&p, 1, timeout_ms) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl) < 0 ||
		    err != 0)
			goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

int
tcp_listen(uint32_t ip, uint16_t port)
{
	struct sockaddr_in a;
	int fd, one = 1;

	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(ip);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(fd, 128) < 0 || set_nonblock(fd) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
fd_send(void *ctx, const void *buf, size_t len)
{
	ssize_t n = send(*(int *)ctx, buf, len, MSG_NOSIGNAL);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : ONION_EIO;
	return (int)n;
}

/*
 * Linux delays an ACK up to 40 ms when it has nothing to send back; a
 * relay whose socket waits for that ACK before sending its next small
 * segment (Nagle) then stalls a directory answer 40 ms a time. Asking
 * for quick ACKs again after each read (the flag does not stick) keeps
 * responses flowing.
 */
static int
fd_recv(void *ctx, void *buf, size_t len)
{
	ssize_t n = recv(*(int *)ctx, buf, len, 0);
	int one = 1;

	if (n > 0)
		(void)setsockopt(*(int *)ctx, IPPROTO_TCP, TCP_QUICKACK, &one,
		    sizeof one);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : ONION_EIO;
	return n == 0 ? ONION_ECLOSED : (int)n;
}

void
fd_transport(int *fd, struct onion_transport *tr)
{
	tr->ctx = fd;
	tr->send = fd_send;
	tr->recv = fd_recv;
}
