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

#endif
