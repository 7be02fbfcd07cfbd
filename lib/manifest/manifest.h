/*
 * The signed boot manifest (docs/boot-manifest.md): a short text file
 * listing the kernel and every boot module with its size, BLAKE3-256
 * hash and version, each module's capability ceiling, and the image
 * version that the anti-rollback floor is compared with. Its detached
 * signature is a nonos-sign signature file (docs/signing.md).
 *
 * The parser accepts exactly one spelling of any manifest: it is the
 * loader's trust boundary, so every field is checked before use and
 * anything unexpected is refused with a reason and a line number.
 * Freestanding: the loader, the kernel and the host tools share it.
 */
#ifndef LIB_MANIFEST_MANIFEST_H
#define LIB_MANIFEST_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "lib/abi/nonos.h"

#define MANIFEST_MAGIC		"nonos-manifest 1"
#define MANIFEST_MAX_BYTES	16384
#define MANIFEST_MAX_MODULES	32		/* BOOTINFO_MAX_MODULES */
#define MANIFEST_NAME_LEN	48		/* BOOTINFO_NAME_LEN, with the NUL */
#define MANIFEST_MAX_FILE	(512ULL << 20)	/* the loader's file size limit */
#define MANIFEST_HASH_LEN	32

/* Paths on the EFI system partition. */
#define MANIFEST_DIR		"/nonos"
#define MANIFEST_PATH		"/nonos/manifest"
#define MANIFEST_SIG_PATH	"/nonos/manifest.sig"
#define MANIFEST_KERNEL_PATH	"/nonos/kernel.elf"
#define MANIFEST_MODULE_DIR	"/nonos/modules"

/* One file: the kernel (named "kernel.elf") or a boot module. */
struct manifest_file {
	char name[MANIFEST_NAME_LEN];		/* NUL-terminated */
	uint64_t size;				/* bytes, 1 .. MANIFEST_MAX_FILE */
	uint64_t version;
	uint8_t blake3[MANIFEST_HASH_LEN];
	uint32_t ceiling[CAP_TYPE_COUNT];	/* rights per capability type */
};

struct manifest {
	uint64_t version;			/* image version, >= 1 */
	struct manifest_file kernel;
	uint32_t nmodules;
	struct manifest_file module[MANIFEST_MAX_MODULES];	/* by name */
};

/*
 * Parses buf[0..len). Returns NULL and fills m when the text is a
 * well-formed manifest; otherwise a one-line reason, with *line set to
 * the 1-based line at fault (0 when the whole file is).
 */
const char *manifest_parse(const void *buf, size_t len, struct manifest *m,
    uint32_t *line);

/* The module called name, or NULL. */
const struct manifest_file *manifest_module(const struct manifest *m,
    const char *name);

/*
 * 1 when name may be a module name: 1 to MANIFEST_NAME_LEN - 1 bytes of
 * [a-z0-9._-], not starting with '.'. Lower case only: FAT file names
 * are case-insensitive, so one spelling must be the only one.
 */
int manifest_name_ok(const char *name, size_t len);

/* The manifest's name of a capability type ("endpoint"), or NULL. */
const char *manifest_cap_name(uint32_t type);

/*
 * One ceiling entry "type:rights" (rights a non-empty subset of "rwxgc",
 * in that order): fills *type and *rights, or returns a reason.
 */
const char *manifest_parse_cap(const char *s, size_t len, uint32_t *type,
    uint32_t *rights);

/*
 * Writes a ceiling in manifest form ("console:w endpoint:rw", or "none")
 * with a NUL; returns the length it needed (like snprintf).
 */
size_t manifest_format_ceiling(const uint32_t ceiling[CAP_TYPE_COUNT],
    char *out, size_t size);

/*
 * The detached signature is a nonos-sign signature file (lib/sign reads
 * and checks it); this is the most the loader reads of one.
 */
#define MANIFEST_SIG_MAX_BYTES	512

/*
 * --- Verified and measured boot (verify.c) -----------------------------
 * What the loader checks and measures, and nonos-manifest's verify and
 * measure repeat on the host: one policy, one implementation. Not in the
 * kernel, which trusts the loader's checks (it needs lib/sign, SHA-256).
 */

/* The longest path of a listed file, with its NUL. */
#define MANIFEST_PATH_LEN	(sizeof(MANIFEST_MODULE_DIR) + MANIFEST_NAME_LEN)

/* The PCRs a boot extends, both from zero and by nothing else. */
#define MANIFEST_PCR_MANIFEST	8	/* the manifest */
#define MANIFEST_PCR_FILES	9	/* the kernel, then each module */
#define MANIFEST_EV_IPL		0x0000000dU	/* TCG: boot loader event */

/* Why a check failed: the file at fault and a one-line reason. */
struct manifest_fault {
	const char *path;
	const char *why;
};

struct sign_sig;

/*
 * The first check, before the manifest is parsed: sig[0..siglen) must be
 * a nonos-sign signature file over the BLAKE3 of text[0..len), made by
 * the trusted key pk. Returns SIGN_OK, or lib/sign's SIGN_EFORMAT,
 * SIGN_EKEY, SIGN_EHASH or SIGN_EBAD with *fault filled; *parsed holds
 * the signature file's fields whenever it could be parsed.
 */
int manifest_check_signature(const void *text, size_t len, const void *sig,
    size_t siglen, const uint8_t pk[32], struct sign_sig *parsed,
    struct manifest_fault *fault);

/*
 * Checks a listed file's bytes against its entry: NULL when they match,
 * else a reason that fits in why[MANIFEST_WHY_LEN] ("size mismatch (5001
 * bytes, the manifest says 5000)", "hash mismatch"). The size is checked
 * first, and data is not read when it differs (so it may be NULL then).
 */
#define MANIFEST_WHY_LEN	80
const char *manifest_check_file(const struct manifest_file *f,
    const void *data, uint64_t size, char why[MANIFEST_WHY_LEN]);

/*
 * The files a boot reads, in the order it checks them: file 0 is the
 * kernel, file 1 + k is module k. NULL past the last
 * (manifest_nfiles(m) of them).
 */
uint32_t manifest_nfiles(const struct manifest *m);
const struct manifest_file *manifest_file(const struct manifest *m,
    uint32_t i);
/* File i's path on the boot partition ("/nonos/modules/hello"). */
void manifest_file_path(const struct manifest *m, uint32_t i,
    char path[MANIFEST_PATH_LEN]);

/*
 * The measurements a boot makes, in order (docs/boot-manifest.md):
 * event 0 is the manifest's own bytes into PCR 8, event 1 + i file i
 * into PCR 9. Each is an EV_IPL event whose data is the path and its
 * NUL. Returns 0 and fills *ev, or -1 past the last (2 + nmodules).
 */
struct manifest_event {
	uint32_t pcr;
	int32_t file;			/* manifest_file's i; -1: the manifest */
	char path[MANIFEST_PATH_LEN];
};
int manifest_event(const struct manifest *m, uint32_t i,
    struct manifest_event *ev);

/*
 * One measurement as a TPM makes it in its SHA-256 bank: digest =
 * SHA-256(data), then PCR = SHA-256(PCR || digest) on pcrs[pcr - 8] (PCRs
 * 8 and 9). Returns 0, or -1 for another PCR or a failed hash.
 */
int manifest_measure(uint8_t pcrs[2][32], uint32_t pcr, const void *data,
    uint64_t size, uint8_t digest[32]);

#endif
