/*
 * libFuzzer target for the boot manifest and signature parsers: any
 * input must be accepted or refused with a reason; an accepted manifest
 * must keep every promise manifest_parse makes (limits, sorted valid
 * names, rights within RIGHTS_ALL) and must be the one canonical spelling
 * of its contents: writing the parsed manifest back gives the input.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/manifest/manifest.h"
#include "lib/sign/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out[MANIFEST_MAX_BYTES + 1024];
static size_t n;

static void
put(const char *fmt, const char *s, unsigned long long v)
{
	int r = s ? snprintf(out + n, sizeof(out) - n, fmt, s, v) :
	    snprintf(out + n, sizeof(out) - n, fmt, v);

	if (r < 0 || (size_t)r >= sizeof(out) - n)
		abort();
	n += (size_t)r;
}

static void
put_hash(const uint8_t h[MANIFEST_HASH_LEN])
{
	for (int i = 0; i < MANIFEST_HASH_LEN; i++)
		put("%02llx", NULL, h[i]);
}

static void
put_file(const struct manifest_file *f)
{
	if (f->size == 0 || f->size > MANIFEST_MAX_FILE)
		abort();
	put(" %llu ", NULL, f->size);
	put_hash(f->blake3);
	put(" %llu", NULL, f->version);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct manifest m;
	struct sign_sig s;
	char ceil[512];
	uint32_t line;

	(void)sign_sig_parse(&s, (const char *)data, size);
	if (manifest_parse(data, size, &m, &line) != NULL)
		return 0;
	if (m.version == 0 || m.nmodules > MANIFEST_MAX_MODULES)
		abort();
	n = 0;
	put("%s\n", MANIFEST_MAGIC, 0);
	put("image %llu\nkernel", NULL, m.version);
	put_file(&m.kernel);
	put("\n", NULL, 0);
	for (uint32_t i = 0; i < m.nmodules; i++) {
		const struct manifest_file *f = &m.module[i];

		if (memchr(f->name, '\0', sizeof(f->name)) == NULL ||
		    !manifest_name_ok(f->name, strlen(f->name)) ||
		    (i > 0 && strcmp(m.module[i - 1].name, f->name) >= 0) ||
		    manifest_module(&m, f->name) != f || f->ceiling[CAP_NULL] != 0)
			abort();
		for (int t = 0; t < CAP_TYPE_COUNT; t++) {
			if (f->ceiling[t] & ~(uint32_t)RIGHTS_ALL)
				abort();
		}
		put("module %s", f->name, 0);
		put_file(f);
		manifest_format_ceiling(f->ceiling, ceil, sizeof(ceil));
		if (strcmp(ceil, "none") != 0)
			put(" %s", ceil, 0);
		put("\n", NULL, 0);
	}
	if (n != size || memcmp(out, data, size) != 0)
		abort();
	return 0;
}
