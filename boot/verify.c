/*
 * Verified boot (docs/boot-manifest.md): the manifest's Ed25519
 * signature is checked against the public key built into this loader,
 * then every file it lists is read once and checked for its size and
 * BLAKE3 hash; the bytes checked are the bytes used. A file in
 * /nonos/modules that the manifest does not list, or a listed one that
 * is missing, stops the boot like a bad hash does.
 */
#include "boot/loader.h"
#include "lib/crypto/blake3.h"
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
	struct loaded_file mf, sf;
	struct sign_sig sig;
	uint8_t digest[MANIFEST_HASH_LEN];
	char a[17], b[17];
	const char *why;
	uint32_t line;
	efi_status s;

	if ((s = read_file(MANIFEST_PATH, MANIFEST_MAX_BYTES, &mf)) != EFI_SUCCESS ||
	    (s = read_file(MANIFEST_SIG_PATH, MANIFEST_SIG_MAX_BYTES, &sf)) != EFI_SUCCESS)
		return s;
	/* The signature first: nothing in the manifest is read before it passes. */
	if (sign_sig_parse(&sig, sf.data, sf.size) != SIGN_OK)
		return fail(EFI_SECURITY_VIOLATION, "%s: malformed signature file",
		    MANIFEST_SIG_PATH);
	blake3(mf.data, mf.size, digest);
	switch (sign_sig_verify(&sig, digest, boot_signing_key)) {
	case SIGN_OK:
		break;
	case SIGN_EKEY:
		return fail(EFI_SECURITY_VIOLATION,
		    "%s: signed by another key (%s..., this loader trusts %s...)",
		    MANIFEST_SIG_PATH, key_prefix(sig.signer, a),
		    key_prefix(boot_signing_key, b));
	case SIGN_EHASH:
		return fail(EFI_SECURITY_VIOLATION,
		    "%s: does not match its signature (hash differs)", MANIFEST_PATH);
	default:
		return fail(EFI_SECURITY_VIOLATION, "%s: bad signature", MANIFEST_SIG_PATH);
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
	uint8_t digest[MANIFEST_HASH_LEN];
	efi_status s = esp_read(path, f->size, out);

	/* A longer file is refused before it is read; a shorter one after. */
	if (s == EFI_BAD_BUFFER_SIZE || (s == EFI_SUCCESS && out->size != f->size))
		return fail(EFI_SECURITY_VIOLATION,
		    "%s: size mismatch (%llu bytes, the manifest says %llu)", path,
		    (unsigned long long)out->size, (unsigned long long)f->size);
	if (s == EFI_NOT_FOUND)
		return fail(s, "%s: listed in the manifest but missing", path);
	if (s != EFI_SUCCESS)
		return fail(s, "%s: %s", path, efi_strerror(s));
	blake3(out->data, out->size, digest);
	if (memcmp(digest, f->blake3, sizeof(digest)) != 0)
		return fail(EFI_SECURITY_VIOLATION, "%s: hash mismatch", path);
	return EFI_SUCCESS;
}

/* Joins MANIFEST_MODULE_DIR "/" name into path (large enough). */
static void
module_path(char path[sizeof(MANIFEST_MODULE_DIR) + MANIFEST_NAME_LEN], const char *name)
{
	size_t n = strnlen(name, MANIFEST_NAME_LEN - 1);

	memcpy(path, MANIFEST_MODULE_DIR "/", sizeof(MANIFEST_MODULE_DIR));
	memcpy(path + sizeof(MANIFEST_MODULE_DIR), name, n);
	path[sizeof(MANIFEST_MODULE_DIR) + n] = '\0';
}

/* esp_each_file callback: every file in the module folder must be listed. */
static efi_status
listed(const char *name, void *ctx)
{
	char path[sizeof(MANIFEST_MODULE_DIR) + MANIFEST_NAME_LEN];

	if (manifest_module(ctx, name) != NULL)
		return EFI_SUCCESS;
	module_path(path, name);
	return fail(EFI_SECURITY_VIOLATION, "%s: not in the signed manifest", path);
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
		char path[sizeof(MANIFEST_MODULE_DIR) + MANIFEST_NAME_LEN];
		struct loaded_file lf;

		module_path(path, f->name);
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
