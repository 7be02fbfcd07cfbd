/*
 * The Linux peer's half of bench/net: the script of user/netbench
 * (phases described there) with sockets; the host times every phase.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BULK	(64u << 20)
#define CONNS	200

static char buf[65536];

static int
fail(const char *what)
{
	printf("linuxbench: error: %s\n", what);
	fflush(stdout);
	return 1;
}

static int
dial(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	inet_pton(AF_INET, "10.0.2.2", &a.sin_addr);
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

static int
listener(int port, int backlog)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, backlog) != 0)
		return -1;
	return s;
}

int
main(void)
{
	unsigned sent = 0;
	int s, l, l2;
	ssize_t n;

	printf("linuxbench: start\n");
	fflush(stdout);
	if ((s = dial(17209)) < 0)
		return fail("connect to the sink");
	for (; sent < BULK; sent += (unsigned)n) {
		if ((n = write(s, buf, sizeof(buf))) <= 0)
			return fail("send");
	}
	close(s);
	for (int i = 0; i < CONNS; i++) {
		if ((s = dial(17210)) < 0)
			return fail("connect");
		close(s);
	}
	if ((l = listener(5001, 1)) < 0 || (l2 = listener(5002, 8)) < 0)
		return fail("listen");
	printf("linuxbench: listening\n");
	fflush(stdout);
	if ((s = accept(l, NULL, NULL)) < 0)
		return fail("accept");
	while ((n = read(s, buf, sizeof(buf))) > 0)
		;
	close(s);
	for (int i = 0; i < CONNS; i++) {
		if ((s = accept(l2, NULL, NULL)) < 0)
			return fail("accept");
		if (write(s, "x", 1) != 1)
			return fail("send");
		close(s);
	}
	printf("linuxbench: done\n");
	fflush(stdout);
	return 0;
}
