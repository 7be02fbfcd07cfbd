/*
 * lib/crypto/blake3 against Debian's b3sum (the upstream Rust crate) on
 * random inputs of many lengths, around every block and chunk boundary,
 * in all three modes, with extended output, seeking and split updates.
 * The seed is fixed; set BLAKE3_SEED to try others.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/crypto/blake3.h"
#include "lib/fmt/hex.h"

#define MAX_LEN		(3 * 1024 * 1024 + 4321)
#define MAX_FILES	600
#define CONTEXT		"NONOS 2024-01-01 blake3 differential test context"
#define XOF_FILES	16
#define XOF_LEN		5000

enum mode { HASH, KEYED, DERIVE };

struct fixture {
	char dir[64];
	uint8_t *data;		/* every file is a prefix of this */
	size_t lens[MAX_FILES];
	size_t nfiles;
	uint8_t key[BLAKE3_KEY_LEN];
	uint64_t seed;
	int have_b3sum;
};

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
add_len(struct fixture *fx, size_t len)
{
	if (len > MAX_LEN || fx->nfiles == MAX_FILES)
		return;
	for (size_t i = 0; i < fx->nfiles; i++)
		if (fx->lens[i] == len)
			return;
	fx->lens[fx->nfiles++] = len;
}

static void
add_around(struct fixture *fx, size_t len)
{
	if (len > 0)
		add_len(fx, len - 1);
	add_len(fx, len);
	add_len(fx, len + 1);
}

/*
 * Block (64) and chunk (1024) boundaries +-1 up to ~70000 bytes, whole
 * subtrees of 2^k chunks +-1 up to a few MiB, and random lengths.
 */
static void
choose_lengths(struct fixture *fx)
{
	for (size_t k = 0; k <= 80; k++)
		add_around(fx, k * 64);
	for (size_t c = 1; c <= 70; c++)
		add_around(fx, c * 1024);
	for (size_t c = 128; c <= 2048; c *= 2)
		add_around(fx, c * 1024);
	add_len(fx, 5 * 1024 * 1024 / 2 + 1);
	add_len(fx, MAX_LEN);
	for (int i = 0; i < 60; i++)
		add_len(fx, (size_t)(rnd(&fx->seed) % 70000));
}

static int
write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	int ok;

	if (f == NULL)
		return -1;
	ok = fwrite(p, 1, len, f) == len;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	const char *s = getenv("BLAKE3_SEED");
	char path[128];
	FILE *p;

	if (fx == NULL)
		return -1;
	fx->seed = s != NULL ? strtoull(s, NULL, 0) : 0x2545f4914f6cdd1dull;
	if (fx->seed == 0)
		fx->seed = 1;
	printf("blake3 vs b3sum: seed %#llx\n", (unsigned long long)fx->seed);
	p = popen("b3sum --version 2>/dev/null", "r");
	fx->have_b3sum = p != NULL && fgetc(p) != EOF;
	if (p != NULL)
		pclose(p);
	if (!fx->have_b3sum)
		printf("blake3 vs b3sum: no b3sum in PATH, skipping\n");
	if ((fx->data = malloc(MAX_LEN)) == NULL)
		return -1;
	for (size_t i = 0; i < MAX_LEN; i++)
		fx->data[i] = (uint8_t)(rnd(&fx->seed) >> 56);
	for (size_t i = 0; i < sizeof fx->key; i++)
		fx->key[i] = (uint8_t)(rnd(&fx->seed) >> 56);
	choose_lengths(fx);
	printf("blake3 vs b3sum: %zu inputs of 0..%zu bytes\n", fx->nfiles,
	    (size_t)MAX_LEN);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/nonos-blake3-XXXXXX");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	snprintf(path, sizeof path, "%s/key", fx->dir);
	if (write_file(path, fx->key, sizeof fx->key) != 0)
		return -1;
	for (size_t i = 0; i < fx->nfiles; i++) {
		snprintf(path, sizeof path, "%s/%zu", fx->dir, i);
		if (write_file(path, fx->data, fx->lens[i]) != 0)
			return -1;
	}
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;
	char path[128];

	for (size_t i = 0; i < fx->nfiles; i++) {
		snprintf(path, sizeof path, "%s/%zu", fx->dir, i);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/key", fx->dir);
	unlink(path);
	rmdir(fx->dir);
	free(fx->data);
	free(fx);
	return 0;
}

/*
 * Runs b3sum once over files idx[0..n) and stores outlen bytes per file
 * in want. One process for all files keeps the test fast.
 */
static void
b3sum(const struct fixture *fx, enum mode m, const size_t *idx, size_t n,
    size_t outlen, uint8_t *want)
{
	size_t cap = 256 + n * 12, used, got = 0, linecap = 0;
	char *cmd = malloc(cap), *line = NULL;
	ssize_t linelen;
	FILE *p;
	int status;

	assert_non_null(cmd);
	used = (size_t)snprintf(cmd, cap, "cd %s && b3sum --no-names -l %zu%s",
	    fx->dir, outlen, m == KEYED ? " --keyed" :
	    m == DERIVE ? " --derive-key '" CONTEXT "'" : "");
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(cmd + used, cap - used, " %zu", idx[i]);
	if (m == KEYED)
		snprintf(cmd + used, cap - used, " < key");
	if ((p = popen(cmd, "r")) == NULL)
		fail_msg("popen: %s", cmd);
	while ((linelen = getline(&line, &linecap, p)) > 0) {
		if (line[linelen - 1] == '\n')
			linelen--;
		if (got == n || hex_decode(want + got * outlen,
		    outlen, line, (size_t)linelen) != 0)
			fail_msg("unexpected b3sum output line %zu: %.80s",
			    got, line);
		got++;
	}
	status = pclose(p);
	free(line);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("b3sum failed (status %#x): %.200s", status, cmd);
	if (got != n)
		fail_msg("b3sum gave %zu lines for %zu files", got, n);
	free(cmd);
}

static void
init_mode(const struct fixture *fx, struct blake3 *h, enum mode m)
{
	if (m == HASH)
		blake3_init(h);
	else if (m == KEYED)
		blake3_init_keyed(h, fx->key);
	else
		blake3_init_derive_key(h, CONTEXT);
}

static void
report(const char *what, size_t len, enum mode m, size_t outlen,
    const uint8_t *want, const uint8_t *got, size_t n)
{
	size_t i;

	for (i = 0; i < n && want[i] == got[i]; i++)
		continue;
	fail_msg("%s: input length %zu, mode %s, %zu output bytes: first "
	    "difference at byte %zu (b3sum %02x, ours %02x)", what, len,
	    m == HASH ? "hash" : m == KEYED ? "keyed" : "derive-key", outlen,
	    i, want[i], got[i]);
}

/* One-shot and randomly split updates must both give b3sum's output. */
static void
compare_mode(void **state, enum mode m, size_t outlen)
{
	struct fixture *fx = *state;
	size_t idx[MAX_FILES], len, n, maxpiece, off;
	uint8_t *want, *got = malloc(outlen);
	struct blake3 h;

	if (!fx->have_b3sum)
		skip();
	want = malloc(fx->nfiles * outlen);
	assert_non_null(want);
	assert_non_null(got);
	for (size_t i = 0; i < fx->nfiles; i++)
		idx[i] = i;
	b3sum(fx, m, idx, fx->nfiles, outlen, want);
	for (size_t i = 0; i < fx->nfiles; i++) {
		len = fx->lens[i];
		init_mode(fx, &h, m);
		blake3_update(&h, fx->data, len);
		blake3_final(&h, got, outlen);
		if (memcmp(got, want + i * outlen, outlen) != 0)
			report("one-shot", len, m, outlen, want + i * outlen,
			    got, outlen);
		if (m == HASH) {
			blake3(fx->data, len, got);
			if (memcmp(got, want + i * outlen, BLAKE3_OUT_LEN) != 0)
				report("blake3()", len, m, BLAKE3_OUT_LEN,
				    want + i * outlen, got, BLAKE3_OUT_LEN);
		}
		/* Pieces small for short inputs, up to ~3 chunks for long. */
		init_mode(fx, &h, m);
		maxpiece = len < 4096 ? 70 : 3100;
		for (off = 0; off < len; off += n) {
			n = (size_t)(rnd(&fx->seed) % (maxpiece + 1));
			if (n > len - off)
				n = len - off;
			blake3_update(&h, fx->data + off, n);
		}
		blake3_final(&h, got, outlen);
		if (memcmp(got, want + i * outlen, outlen) != 0)
			report("split updates", len, m, outlen,
			    want + i * outlen, got, outlen);
	}
	free(want);
	free(got);
}

static void
test_hash(void **state)
{
	compare_mode(state, HASH, BLAKE3_OUT_LEN);
}

static void
test_keyed(void **state)
{
	compare_mode(state, KEYED, 131);
}

static void
test_derive_key(void **state)
{
	compare_mode(state, DERIVE, 200);
}

/*
 * b3sum here has no --seek: a long output from it is compared with our
 * full output and with windows of it taken at random offsets.
 */
static void
test_xof_and_seek(void **state)
{
	struct fixture *fx = *state;
	size_t idx[XOF_FILES], off, n;
	uint8_t *want, got[XOF_LEN];
	struct blake3 h;
	enum mode m;

	if (!fx->have_b3sum)
		skip();
	want = malloc(XOF_FILES * XOF_LEN);
	assert_non_null(want);
	for (size_t i = 0; i < XOF_FILES; i++)
		idx[i] = (size_t)(rnd(&fx->seed) % fx->nfiles);
	for (m = HASH; m <= DERIVE; m++) {
		b3sum(fx, m, idx, XOF_FILES, XOF_LEN, want);
		for (size_t i = 0; i < XOF_FILES; i++) {
			const uint8_t *w = want + i * XOF_LEN;
			size_t len = fx->lens[idx[i]];

			init_mode(fx, &h, m);
			blake3_update(&h, fx->data, len);
			blake3_final(&h, got, XOF_LEN);
			if (memcmp(got, w, XOF_LEN) != 0)
				report("xof", len, m, XOF_LEN, w, got, XOF_LEN);
			for (int j = 0; j < 20; j++) {
				off = (size_t)(rnd(&fx->seed) % XOF_LEN);
				n = (size_t)(rnd(&fx->seed) % (XOF_LEN - off + 1));
				blake3_final_seek(&h, off, got, n);
				if (memcmp(got, w + off, n) != 0)
					report("seek", len, m, n, w + off, got,
					    n);
			}
		}
	}
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash),
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_derive_key),
		cmocka_unit_test(test_xof_and_seek),
	};
	return cmocka_run_group_tests_name("blake3 vs b3sum", tests, setup,
	    teardown);
}
