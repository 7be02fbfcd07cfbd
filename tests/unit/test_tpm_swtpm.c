/*
 * lib/tpm against a real TPM 2.0: Debian's swtpm (libtpms), with Debian's
 * tpm2-tools (the TCG software stack) as the independent oracle. Our
 * commands go to swtpm's command socket byte for byte, as the kernel's
 * CRB transport sends them; tpm2-tools then reads and changes the same
 * index through its own marshalling, and each side must see what the
 * other did:
 *
 * - Startup, and Startup again (TPM_RC_INITIALIZE);
 * - an absent index, defining the counter, its public area, the read of
 *   a counter never incremented, increments, defining it twice;
 * - tpm2_nvread agrees with our value, our read sees tpm2_nvincrement;
 * - an ordinary index put at our handle by tpm2-tools is refused;
 * - a counter deleted and defined again starts above the old value, the
 *   property the rollback counter rests on.
 *
 * swtpm and tpm2-tools are installed by scripts/setup: their absence is
 * a failure, not a skip.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/tpm/tpm.h"

struct fixture {
	char dir[64];
	int port;		/* command port; the control port is port + 1 */
	pid_t pid;
	int fd;			/* our connection, or -1 */
};

static struct fixture fx;

/* Two adjacent free loopback ports, found by binding them. */
static int
free_ports(void)
{
	for (int tries = 0; tries < 50; tries++) {
		int p = 20000 + (int)((getpid() * 7919u + tries * 104729u) % 30000u);
		int ok = 1;

		for (int i = 0; i < 2 && ok; i++) {
			struct sockaddr_in a = { .sin_family = AF_INET,
			    .sin_port = htons((uint16_t)(p + i)),
			    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			int s = socket(AF_INET, SOCK_STREAM, 0);

			ok = s >= 0 && bind(s, (struct sockaddr *)&a, sizeof a) == 0;
			if (s >= 0)
				close(s);
		}
		if (ok)
			return p;
	}
	return -1;
}

static int
dial(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	for (int i = 0; i < 100; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0)
			return s;
		if (s >= 0)
			close(s);
		usleep(50000);
	}
	return -1;
}

static int
setup(void **state)
{
	char srv[80], ctl[80], st[96];

	snprintf(fx.dir, sizeof fx.dir, "/tmp/nonos-swtpm-XXXXXX");
	if (mkdtemp(fx.dir) == NULL || (fx.port = free_ports()) < 0)
		return -1;
	snprintf(srv, sizeof srv, "type=tcp,port=%d,bindaddr=127.0.0.1", fx.port);
	snprintf(ctl, sizeof ctl, "type=tcp,port=%d,bindaddr=127.0.0.1", fx.port + 1);
	snprintf(st, sizeof st, "dir=%s", fx.dir);
	if ((fx.pid = fork()) == 0) {
		/* not-need-init: no power-on over the control channel; Startup is ours. */
		execlp("swtpm", "swtpm", "socket", "--tpm2", "--server", srv, "--ctrl", ctl,
		    "--tpmstate", st, "--flags", "not-need-init", (char *)NULL);
		_exit(127);
	}
	if (fx.pid < 0)
		return -1;
	fx.fd = dial(fx.port);
	if (fx.fd < 0)
		printf("swtpm did not start (is it installed? scripts/setup installs it)\n");
	return fx.fd < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];
	int status;

	if (fx.fd >= 0)
		close(fx.fd);
	kill(fx.pid, SIGTERM);
	waitpid(fx.pid, &status, 0);
	snprintf(cmd, sizeof cmd, "rm -rf %s", fx.dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One command, one whole response: the length read or -1. */
static ssize_t
transact(const uint8_t *cmd, size_t n, uint8_t *rsp, size_t max)
{
	size_t got = 0, want = TPM_RSP_MIN;

	if (fx.fd < 0 && (fx.fd = dial(fx.port)) < 0)
		return -1;
	if (write(fx.fd, cmd, n) != (ssize_t)n)
		return -1;
	while (got < want) {
		ssize_t r = read(fx.fd, rsp + got, max - got);

		if (r <= 0)
			return -1;
		got += (size_t)r;
		if (got >= TPM_RSP_MIN) {
			want = (size_t)rsp[2] << 24 | rsp[3] << 16 | rsp[4] << 8 | rsp[5];
			if (want > max || want < TPM_RSP_MIN)
				return -1;
		}
	}
	return (ssize_t)got;
}

/* Sends cmd and returns the response code; the response is left in rsp, *len. */
static uint32_t
run(const uint8_t *cmd, size_t n, uint8_t *rsp, size_t *len)
{
	ssize_t r = transact(cmd, n, rsp, 4096);
	uint32_t rc;

	assert_true(r > 0);
	*len = (size_t)r;
	assert_null(tpm_rsp_header(rsp, *len, &rc));
	return rc;
}

static uint64_t
read_counter(void)
{
	uint8_t cmd[TPM_CMD_MAX], rsp[4096];
	size_t len;
	uint64_t v = 0;

	assert_int_equal(run(cmd, tpm_cmd_nv_read_counter(cmd, TPM_COUNTER_INDEX), rsp, &len),
	    TPM_RC_SUCCESS);
	assert_null(tpm_rsp_nv_read_counter(rsp, len, &v));
	return v;
}

static void
increment(void)
{
	uint8_t cmd[TPM_CMD_MAX], rsp[4096];
	size_t len;

	assert_int_equal(run(cmd, tpm_cmd_nv_increment(cmd, TPM_COUNTER_INDEX), rsp, &len),
	    TPM_RC_SUCCESS);
	assert_null(tpm_rsp_no_output(rsp, len));
}

static void
define(void)
{
	uint8_t cmd[TPM_CMD_MAX], rsp[4096];
	size_t len;

	assert_int_equal(run(cmd, tpm_cmd_nv_define_counter(cmd, TPM_COUNTER_INDEX), rsp,
	    &len), TPM_RC_SUCCESS);
	assert_null(tpm_rsp_no_output(rsp, len));
}

static uint32_t
read_public(struct tpm_nv_public *pub)
{
	uint8_t cmd[TPM_CMD_MAX], rsp[4096];
	size_t len;
	uint32_t rc = run(cmd, tpm_cmd_nv_read_public(cmd, TPM_COUNTER_INDEX), rsp, &len);

	if (rc == TPM_RC_SUCCESS)
		assert_null(tpm_rsp_nv_read_public(rsp, len, pub));
	return rc;
}

/* Runs a tpm2-tools command line against our swtpm; its first output line in out. */
static int
tool(const char *args, char *out, size_t max)
{
	char cmd[512];
	FILE *p;
	int rc;

	/* swtpm serves one connection at a time: ours gives way. */
	if (fx.fd >= 0) {
		close(fx.fd);
		fx.fd = -1;
	}
	snprintf(cmd, sizeof cmd, "TPM2TOOLS_TCTI=swtpm:host=127.0.0.1,port=%d %s 2>&1",
	    fx.port, args);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	out[0] = '\0';
	if (fgets(out, (int)max, p) == NULL)
		out[0] = '\0';
	while (fgetc(p) != EOF)
		;
	rc = pclose(p);
	return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void
test_startup(void **state)
{
	uint8_t cmd[TPM_CMD_MAX], rsp[4096];
	size_t len;

	assert_int_equal(run(cmd, tpm_cmd_startup(cmd), rsp, &len), TPM_RC_SUCCESS);
	assert_int_equal(len, TPM_RSP_MIN);
	assert_int_equal(run(cmd, tpm_cmd_startup(cmd), rsp, &len), TPM_RC_INITIALIZE);
}

static void
test_define_and_count(void **state)
{
	uint8_t cmd[TPM_CMD_MAX], rsp[4096];
	struct tpm_nv_public pub;
	size_t len;
	uint64_t v;

	assert_int_equal(read_public(&pub), TPM_RC_HANDLE_1);
	define();
	assert_int_equal(read_public(&pub), TPM_RC_SUCCESS);
	assert_null(tpm_counter_ok(&pub, TPM_COUNTER_INDEX));
	assert_int_equal(pub.attrs, TPM_COUNTER_ATTRS);	/* not yet written */
	assert_int_equal(run(cmd, tpm_cmd_nv_read_counter(cmd, TPM_COUNTER_INDEX), rsp,
	    &len), TPM_RC_NV_UNINITIALIZED);
	increment();
	assert_int_equal(read_public(&pub), TPM_RC_SUCCESS);
	assert_true(pub.attrs & TPMA_NV_WRITTEN);
	v = read_counter();
	assert_true(v >= 1);
	for (int i = 0; i < 5; i++)
		increment();
	assert_int_equal(read_counter(), v + 5);
	assert_int_equal(run(cmd, tpm_cmd_nv_define_counter(cmd, TPM_COUNTER_INDEX), rsp,
	    &len), TPM_RC_NV_DEFINED);
}

static void
test_tools_agree(void **state)
{
	char out[256], cmd[160], path[96];
	uint8_t b[16];
	uint64_t v = read_counter(), theirs = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "%s/nvread.out", fx.dir);
	snprintf(cmd, sizeof cmd, "tpm2_nvread -C o -s 8 -o %s 0x01004e4e", path);
	assert_int_equal(tool(cmd, out, sizeof out), 0);
	assert_non_null(f = fopen(path, "rb"));
	n = fread(b, 1, sizeof b, f);
	fclose(f);
	assert_int_equal(n, 8);
	for (int i = 0; i < 8; i++)
		theirs = theirs << 8 | b[i];
	assert_int_equal(theirs, v);
	assert_int_equal(tool("tpm2_nvincrement -C o 0x01004e4e", out, sizeof out), 0);
	assert_int_equal(read_counter(), v + 1);
}

static void
test_not_a_counter(void **state)
{
	char out[256];
	struct tpm_nv_public pub;
	const char *err;

	assert_int_equal(tool("tpm2_nvundefine -C o 0x01004e4e", out, sizeof out), 0);
	assert_int_equal(tool("tpm2_nvdefine -C o -a 'ownerread|ownerwrite' -s 8 0x01004e4e",
	    out, sizeof out), 0);
	assert_int_equal(read_public(&pub), TPM_RC_SUCCESS);
	err = tpm_counter_ok(&pub, TPM_COUNTER_INDEX);
	assert_non_null(err);
	assert_string_equal(err, "the TPM index is not a counter");
	assert_int_equal(tool("tpm2_nvundefine -C o 0x01004e4e", out, sizeof out), 0);
}

static void
test_redefined_never_lower(void **state)
{
	char out[256];
	uint64_t before, after;
	struct tpm_nv_public pub;

	if (read_public(&pub) == TPM_RC_HANDLE_1) {
		define();
		increment();
	}
	for (int i = 0; i < 10; i++)
		increment();
	before = read_counter();
	assert_int_equal(tool("tpm2_nvundefine -C o 0x01004e4e", out, sizeof out), 0);
	define();
	increment();
	after = read_counter();
	printf("counter %llu, deleted and defined again: %llu\n",
	    (unsigned long long)before, (unsigned long long)after);
	assert_true(after > before);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_startup),
		cmocka_unit_test(test_define_and_count),
		cmocka_unit_test(test_tools_agree),
		cmocka_unit_test(test_not_a_counter),
		cmocka_unit_test(test_redefined_never_lower),
	};

	return cmocka_run_group_tests_name("tpm vs swtpm", tests, setup, teardown);
}
