/*
 * Verified and measured boot against a parsed manifest (manifest.h,
 * docs/boot-manifest.md): the manifest's signature, each listed file's
 * size and BLAKE3 hash, which file is measured into which PCR in what
 * order, and the PCR values that follow. The loader (boot/verify.c,
 * boot/tcg2.c) and nonos-manifest's verify and measure both call these,
 * so the image the build checks is checked the way the loader will.
 * Reading the files and reporting are the callers'.
 */
#include "lib/crypto/blake3.h"
#include "lib/crypto/crypto.h"
#include "lib/fmt/fmt.h"
#include "lib/libc/string.h"
#include "lib/manifest/manifest.h"
#include "lib/sign/sign.h"

_Static_assert(MANIFEST_HASH_LEN == BLAKE3_OUT_LEN, "BLAKE3 size");

int
manifest_check_signature(const void *text, size_t len, const void *sig,
    size_t siglen, const uint8_t pk[32], struct sign_sig *parsed,
    struct manifest_fault *fault)
{
	uint8_t digest[MANIFEST_HASH_LEN];
	int err;

	fault->path = MANIFEST_SIG_PATH;
	if ((err = sign_sig_parse(parsed, sig, siglen)) != SIGN_OK) {
		fault->why = "malformed signature file";
		return err;
	}
	blake3(text, len, digest);
	switch ((err = sign_sig_verify(parsed, digest, pk))) {
	case SIGN_OK:
		fault->path = fault->why = NULL;
		break;
	case SIGN_EKEY:
		fault->why = "signed by another key";
		break;
	case SIGN_EHASH:
		fault->path = MANIFEST_PATH;
		fault->why = "does not match its signature (hash differs)";
		break;
	default:
		fault->why = "bad signature";
		break;
	}
	return err;
}

const char *
manifest_check_file(const struct manifest_file *f, const void *data,
    uint64_t size, char why[MANIFEST_WHY_LEN])
{
	uint8_t digest[MANIFEST_HASH_LEN];

	if (size != f->size) {
		fmt_snprintf(why, MANIFEST_WHY_LEN,
		    "size mismatch (%llu bytes, the manifest says %llu)",
		    (unsigned long long)size, (unsigned long long)f->size);
		return why;
	}
	blake3(data, size, digest);
	if (memcmp(digest, f->blake3, sizeof(digest)) != 0)
		return "hash mismatch";
	return NULL;
}

uint32_t
manifest_nfiles(const struct manifest *m)
{
	return 1 + m->nmodules;
}

const struct manifest_file *
manifest_file(const struct manifest *m, uint32_t i)
{
	if (i == 0)
		return &m->kernel;
	return i <= m->nmodules && i <= MANIFEST_MAX_MODULES ?
	    &m->module[i - 1] : NULL;
}

void
manifest_file_path(const struct manifest *m, uint32_t i,
    char path[MANIFEST_PATH_LEN])
{
	const struct manifest_file *f = manifest_file(m, i);

	if (f == NULL)
		path[0] = '\0';
	else if (i == 0)
		fmt_snprintf(path, MANIFEST_PATH_LEN, "%s", MANIFEST_KERNEL_PATH);
	else
		fmt_snprintf(path, MANIFEST_PATH_LEN, "%s/%s", MANIFEST_MODULE_DIR,
		    f->name);
}

int
manifest_event(const struct manifest *m, uint32_t i,
    struct manifest_event *ev)
{
	if (i == 0) {
		ev->pcr = MANIFEST_PCR_MANIFEST;
		ev->file = -1;
		memcpy(ev->path, MANIFEST_PATH, sizeof(MANIFEST_PATH));
		return 0;
	}
	if (manifest_file(m, i - 1) == NULL)
		return -1;
	ev->pcr = MANIFEST_PCR_FILES;
	ev->file = (int32_t)(i - 1);
	manifest_file_path(m, i - 1, ev->path);
	return 0;
}

int
manifest_measure(uint8_t pcrs[2][32], uint32_t pcr, const void *data,
    uint64_t size, uint8_t digest[32])
{
	uint8_t chain[64];
	uint8_t *p;

	if (pcr != MANIFEST_PCR_MANIFEST && pcr != MANIFEST_PCR_FILES)
		return -1;
	p = pcrs[pcr - MANIFEST_PCR_MANIFEST];
	if (nc_sha256(digest, data, size) != NC_OK)
		return -1;
	memcpy(chain, p, 32);
	memcpy(chain + 32, digest, 32);
	return nc_sha256(p, chain, sizeof(chain)) == NC_OK ? 0 : -1;
}
