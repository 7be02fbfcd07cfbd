/*
 * Verified boot (docs/boot-manifest.md): the manifest's Ed25519
 * signature is checked against the public key built into this loader,
 * then every file it lists is read once and checked for its size and
 * BLAKE3 hash; the bytes checked are the bytes used. A file in
 * /nonos/modules that the manifest does not list, or a listed one that
 * is missing, stops the boot like a bad hash does. The checks are
 * lib/manifest's (nonos-manifest verify makes the same); reading the
 * files through UEFI and reporting are this file's.
 */
#include "boot/loader.h"
#include "lib/fmt/hex.h"
#include "lib/libc/string.h"
#include "lib/manifest/manifest.h"
#include "lib/sign/sign.h"

_Static_assert(MANIFEST_MAX_MODULES == BOOTINFO_MAX_MODULES, "module limits");
_Static_assert(MANIFEST_NAME_LEN == BOOTINFO_NAME_LEN, "name lengths");
_Static_assert(MANIFEST_MAX_BYTES == BOOTINFO_MAX_MANIFEST, "manifest size");

/* The public half of the signing key: $(B)/boot/pubkey.c, made by the build. */
extern const uint8_t boot_signing_key[32];

static struct manifest manifest;

/* The first bytes of a key in hex, to tell keys apart in a message. */
static const char *
key_prefix(const uint8_t *k, char buf[17])
{
	hex_encode(buf, k, 8);
	return buf;
}

/* esp_read with the loader's message for each way it can fail. */
static efi_status
read_file(const char *path, uint64_t max, struct loaded_file *f)
{
	efi_status s = esp_read(path, max, f);

	if (s == EFI_BAD_BUFFER_SIZE)
		return fail(EFI_SECURITY_VIOLATION,
		    "%s: too large (%llu bytes, at most %llu)", path,
		    (unsigned long long)f->size, (unsigned long long)max);
	if (s != EFI_SUCCESS)
		return fail(s, "%s: %s", path, efi_strerror(s));
	return EFI_SUCCESS;
}

efi_status
verify_manifest(struct bootinfo *bi, const struct manifest **out)
{
	struct manifest_fault fault;
	struct loaded_file mf, sf;
	struct sign_sig sig;
	char a[17], b[17];
	const char *why;
	uint32_t line;
	efi_status s;

	if ((s = read_file(MANIFEST_PATH, MANIFEST_MAX_BYTES, &mf)) != EFI_SUCCESS ||
	    (s = read_file(MANIFEST_SIG_PATH, MANIFEST_SIG_MAX_BYTES, &sf)) != EFI_SUCCESS)
		return s;
	/* The signature first: nothing in the manifest is read before it passes. */
	switch (manifest_check_signature(mf.data, mf.size, sf.data, sf.size,
	    boot_signing_key, &sig, &fault)) {
	case SIGN_OK:
		break;
	case SIGN_EKEY:
		return fail(EFI_SECURITY_VIOLATION, "%s: %s (%s..., this loader trusts %s...)",
		    fault.path, fault.why, key_prefix(sig.signer, a),
		    key_prefix(boot_signing_key, b));
	default:
		return fail(EFI_SECURITY_VIOLATION, "%s: %s", fault.path, fault.why);
	}
	bi->tsc_signature = rdtsc();
	/* Signed, but still parsed as untrusted text: a signer can err too. */
	if ((why = manifest_parse(mf.data, mf.size, &manifest, &line)) != NULL)
		return fail(EFI_SECURITY_VIOLATION, "%s: line %u: %s", MANIFEST_PATH,
		    line, why);
	esp_free(&sf);
	bi->manifest_base = (uint64_t)mf.data;
	bi->manifest_size = mf.size;
	memcpy(bi->signer, boot_signing_key, sizeof(bi->signer));
	con_printf("nonos-loader: manifest: image version %llu, %u modules, "
	    "signed by %s...\n", (unsigned long long)manifest.version,
	    manifest.nmodules, key_prefix(boot_signing_key, a));
	*out = &manifest;
	return EFI_SUCCESS;
}

efi_status
verify_file(const char *path, const struct manifest_file *f, struct loaded_file *out)
{
	char buf[MANIFEST_WHY_LEN];
	const char *why;
	efi_status s = esp_read(path, f->size, out);

	if (s == EFI_NOT_FOUND)
		return fail(s, "%s: listed in the manifest but missing", path);
	if (s != EFI_SUCCESS && s != EFI_BAD_BUFFER_SIZE)
		return fail(s, "%s: %s", path, efi_strerror(s));
	/* A longer file was refused before it was read; out->size is its size. */
	why = manifest_check_file(f, s == EFI_SUCCESS ? out->data : NULL, out->size, buf);
	if (why != NULL)
		return fail(EFI_SECURITY_VIOLATION, "%s: %s", path, why);
	return EFI_SUCCESS;
}

/* esp_each_file callback: every file in the module folder must be listed. */
static efi_status
listed(const char *name, void *ctx)
{
	if (manifest_module(ctx, name) != NULL)
		return EFI_SUCCESS;
	return fail(EFI_SECURITY_VIOLATION, "%s/%s: not in the signed manifest",
	    MANIFEST_MODULE_DIR, name);
}

efi_status
verify_modules(const struct manifest *m, struct bootinfo *bi)
{
	efi_status s = esp_each_file(MANIFEST_MODULE_DIR, listed, (void *)m);

	/* listed() has reported its refusal; a missing folder is no module. */
	if (s == EFI_SECURITY_VIOLATION)
		return s;
	if (s == EFI_INVALID_PARAMETER)
		return fail(s, "%s: a file name longer than %d characters "
		    "(not in the signed manifest)", MANIFEST_MODULE_DIR,
		    MANIFEST_NAME_LEN - 1);
	if (s != EFI_SUCCESS && s != EFI_NOT_FOUND)
		return fail(s, "%s: %s", MANIFEST_MODULE_DIR, efi_strerror(s));
	for (uint32_t i = 0; i < m->nmodules; i++) {
		const struct manifest_file *f = &m->module[i];
		struct bootinfo_module *bm = &bi->modules[i];
		char path[MANIFEST_PATH_LEN];
		struct loaded_file lf;

		manifest_file_path(m, 1 + i, path);
		if ((s = verify_file(path, f, &lf)) != EFI_SUCCESS)
			return s;
		memcpy(bm->name, f->name, sizeof(bm->name));
		bm->base = (uint64_t)lf.data;
		bm->size = lf.size;
		bi->module_count = i + 1;
		con_printf("nonos-loader: module %s (%llu bytes, verified)\n", f->name,
		    (unsigned long long)lf.size);
	}
	return EFI_SUCCESS;
}
