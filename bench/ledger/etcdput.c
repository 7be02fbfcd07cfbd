/*
 * bench/ledger's etcd peer load: T threads, each with one keep-alive
 * HTTP/1.1 connection to an etcd member's JSON gateway (POST
 * /v3/kv/put), put N values of SIZE bytes in all, one in flight per
 * thread, as `nonos-ledger --node ... load` keeps one transfer in
 * flight per thread. Prints the committed rate and the put latency
 * (median, p99) in the format bench/ledger/cluster.py reads.
 *
 * usage: etcd-put HOST:PORT[,HOST:PORT...] COUNT THREADS SIZE
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define MAX_ENDPOINTS	8

static char endpoints[MAX_ENDPOINTS][64];
static int nendpoints;
static unsigned long count, threads, size;
static double *lat;
static unsigned long done, failed;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
base64(const unsigned char *in, size_t n, char *out)
{
	static const char t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = t[in[i] >> 2];
		out[o++] = t[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
		out[o++] = t[((in[i + 1] & 15) << 2) | (in[i + 2] >> 6)];
		out[o++] = t[in[i + 2] & 63];
	}
	if (i < n) {
		out[o++] = t[in[i] >> 2];
		if (i + 1 < n) {
			out[o++] = t[((in[i] & 3) << 4) | (in[i + 1] >> 4)];
			out[o++] = t[(in[i + 1] & 15) << 2];
		} else {
			out[o++] = t[(in[i] & 3) << 4];
			out[o++] = '=';
		}
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int
dial(const char *ep)
{
	struct addrinfo hints, *res;
	char host[64];
	const char *colon = strrchr(ep, ':');
	int fd, one = 1;

	if (colon == NULL || (size_t)(colon - ep) >= sizeof host)
		return -1;
	memcpy(host, ep, (size_t)(colon - ep));
	host[colon - ep] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

/* One put and its whole answer; 0 on "200 OK". */
static int
put(int fd, const char *req, size_t len)
{
	char buf[8192], *end, *cl;
	size_t have = 0, body;
	ssize_t n;

	if (send(fd, req, len, MSG_NOSIGNAL) != (ssize_t)len)
		return -1;
	for (;;) {
		if (have == sizeof buf - 1)
			return -1;
		if ((n = recv(fd, buf + have, sizeof buf - 1 - have, 0)) <= 0)
			return -1;
		have += (size_t)n;
		buf[have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
	}
	if ((cl = strstr(buf, "Content-Length: ")) == NULL)
		return -1;
	body = strtoul(cl + 16, NULL, 10);
	while (have < (size_t)(end + 4 - buf) + body) {
		if ((n = recv(fd, buf, sizeof buf, 0)) <= 0)
			return -1;
		have += (size_t)n;
	}
	return strncmp(buf, "HTTP/1.1 200", 12) == 0 ? 0 : -1;
}

static void *
work(void *arg)
{
	unsigned long t = (unsigned long)arg;
	const char *ep = endpoints[t % (unsigned long)nendpoints];
	unsigned char val[4096];
	char key[64], k64[96], v64[5600], body[6000], req[6400];
	int fd = dial(ep), blen, rlen;
	double t0;

	for (unsigned long i = t; i < count && fd >= 0; i += threads) {
		snprintf(key, sizeof key, "bench-%lu", i);
		base64((unsigned char *)key, strlen(key), k64);
		for (unsigned long b = 0; b < size; b++)
			val[b] = (unsigned char)(i * 31 + b);
		base64(val, size, v64);
		blen = snprintf(body, sizeof body, "{\"key\":\"%s\",\"value\":\"%s\"}",
		    k64, v64);
		rlen = snprintf(req, sizeof req, "POST /v3/kv/put HTTP/1.1\r\n"
		    "Host: %s\r\nContent-Type: application/json\r\n"
		    "Content-Length: %d\r\n\r\n%s", ep, blen, body);
		t0 = now_ms();
		if (put(fd, req, (size_t)rlen) < 0) {
			pthread_mutex_lock(&lock);
			failed++;
			pthread_mutex_unlock(&lock);
			close(fd);
			fd = dial(ep);
			continue;
		}
		pthread_mutex_lock(&lock);
		lat[done++] = now_ms() - t0;
		pthread_mutex_unlock(&lock);
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	pthread_t *tid;
	char *list, *tok, *save = NULL;
	double start, secs;

	if (argc != 5) {
		fprintf(stderr, "usage: etcd-put HOST:PORT[,...] COUNT THREADS SIZE\n");
		return 2;
	}
	list = argv[1];
	for (tok = strtok_r(list, ",", &save); tok && nendpoints < MAX_ENDPOINTS;
	    tok = strtok_r(NULL, ",", &save))
		snprintf(endpoints[nendpoints++], sizeof endpoints[0], "%s", tok);
	count = strtoul(argv[2], NULL, 10);
	threads = strtoul(argv[3], NULL, 10);
	size = strtoul(argv[4], NULL, 10);
	if (nendpoints == 0 || count == 0 || threads == 0 || threads > 1024 ||
	    size == 0 || size > 4096) {
		fprintf(stderr, "etcd-put: bad arguments\n");
		return 2;
	}
	lat = calloc(count, sizeof *lat);
	tid = calloc(threads, sizeof *tid);
	if (lat == NULL || tid == NULL)
		return 1;
	start = now_ms();
	for (unsigned long t = 0; t < threads; t++)
		if (pthread_create(&tid[t], NULL, work, (void *)t) != 0)
			return 1;
	for (unsigned long t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	secs = (now_ms() - start) / 1e3;
	qsort(lat, done, sizeof *lat, cmp);
	printf("etcd: %lu acknowledged, %lu refused or unanswered in %.2f s: "
	    "%.0f tx/s; commit latency median %.2f ms p99 %.2f ms\n", done,
	    failed, secs, done / secs, done ? lat[done / 2] : 0,
	    done ? lat[done * 99 / 100] : 0);
	return done == count ? 0 : 1;
}
