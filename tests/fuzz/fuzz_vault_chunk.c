/*
 * lib/vault's STREAM layer: the input chooses chunk sizes and contents,
 * which are sealed, then rearranged (swap, duplicate, drop, truncate,
 * flip) by the rest of the input. Reading must succeed exactly when the
 * sequence is unchanged, and a diagnosis must name a chunk that really is
 * the one it says.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vault/stream.h"

#define MAXCHUNKS	10
/* Small chunks: the chunk geometry is not what this tests. */
#define MAXLEN		512

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct chunk {
	uint8_t ct[MAXLEN + VAULT_TAG];
	size_t len;
};

static int
same(const struct chunk *a, const struct chunk *b)
{
	return a->len == b->len && memcmp(a->ct, b->ct, a->len) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct chunk orig[MAXCHUNKS], seq[2 * MAXCHUNKS];
	static const uint8_t k[VAULT_KEYBYTES] = {7},
			     nonce[VAULT_NONCEBYTES] = {9};
	uint8_t pt[MAXLEN], out[MAXLEN];
	struct vault_stream s;
	size_t n, count, pos = 2, len;
	uint64_t j;
	int changed = 0, err = VAULT_OK, e;

	if (size < 2)
		return 0;
	n = 1 + data[0] % MAXCHUNKS;
	vault_stream_init(&s, k, nonce);
	for (size_t i = 0; i < n; i++) {
		len = pos < size ? data[pos++] % (MAXLEN + 1) : 0;
		for (size_t b = 0; b < len; b++)
			pt[b] = pos < size ? data[pos++] : (uint8_t)b;
		if (vault_stream_seal(&s, i, i + 1 == n, pt, len, orig[i].ct) !=
		    VAULT_OK)
			abort();
		orig[i].len = len + VAULT_TAG;
		seq[i] = orig[i];
	}
	count = n;
	/* Edits: op, a, b. */
	for (size_t e0 = 0; e0 < data[1] % 4 && pos + 3 <= size;
	     e0++, pos += 3) {
		size_t a = data[pos + 1] % count, b = data[pos + 2] % count;
		struct chunk t;

		switch (data[pos] % 5) {
		case 0:
			t = seq[a];
			seq[a] = seq[b];
			seq[b] = t;
			break;
		case 1:
			if (count < 2 * MAXCHUNKS) {
				memmove(&seq[b + 1], &seq[b],
				    (count - b) * sizeof seq[0]);
				seq[b] = seq[a + (a >= b)];
				count++;
			}
			break;
		case 2:
			if (count > 1) {
				memmove(&seq[a], &seq[a + 1],
				    (count - a - 1) * sizeof seq[0]);
				count--;
			}
			break;
		case 3:
			seq[a].len = seq[a].len > 0
			    ? seq[a].len - 1 - b % seq[a].len
			    : 0;
			break;
		default:
			if (seq[a].len > 0)
				seq[a].ct[b % seq[a].len] ^= 1u << (b & 7);
			break;
		}
	}
	changed = count != n;
	for (size_t i = 0; i < count && !changed; i++)
		changed = !same(&seq[i], &orig[i]);
	for (size_t i = 0; i < count; i++) {
		if (vault_stream_open(&s, i, i + 1 == count, seq[i].ct,
			seq[i].len, out) == VAULT_OK)
			continue;
		e = vault_stream_diagnose(&s, i, count, seq[i].ct, seq[i].len,
		    pt, &j);
		/* What the diagnosis names must be true. */
		if ((e == VAULT_EDUP &&
		    !(j < i && j < n && same(&seq[i], &orig[j]))) ||
		    (e == VAULT_EREORDER &&
		    !(j > i && j < n && same(&seq[i], &orig[j]))) ||
		    ((e == VAULT_ETRUNC || e == VAULT_EEXTEND) &&
		    !(i < n && same(&seq[i], &orig[i]))))
			abort();
		err = e;
		break;
	}
	if ((err == VAULT_OK) == changed)
		abort();
	vault_stream_wipe(&s);
	return 0;
}
