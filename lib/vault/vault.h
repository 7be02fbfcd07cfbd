/*
 * ZeroState vaults (docs/vault-format.md): create, open, read, rekey and
 * check vaults over small I/O callbacks, so that host tools and the kernel
 * share this code. Errors are negative VAULT_E* codes, each with its own
 * message (vault_strerror).
 */
#ifndef LIB_VAULT_VAULT_H
#define LIB_VAULT_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/vault/keys.h"

#define VAULT_OK	0
#define VAULT_EINVAL	(-1)	/* bad argument from the caller */
#define VAULT_ENOMEM	(-2)
#define VAULT_EIO	(-3)	/* a read or write callback failed */
#define VAULT_ECRYPTO	(-4)	/* no entropy, or a crypto failure */
#define VAULT_EMAGIC	(-5)	/* not a vault */
#define VAULT_EVERSION	(-6)	/* unknown vault version */
#define VAULT_EALG	(-7)	/* unknown algorithm id */
#define VAULT_ETRUNC	(-8)	/* truncated or extended file */
#define VAULT_EHEADER	(-9)	/* malformed header */
#define VAULT_EKDF	(-10)	/* absurd KDF parameters */
#define VAULT_ENOPASS	(-11)	/* no passphrase stanza */
#define VAULT_EPASS	(-12)	/* wrong passphrase */
#define VAULT_ENOKEY	(-13)	/* no stanza for this recipient key */
#define VAULT_EHMAC	(-14)	/* header MAC mismatch */
#define VAULT_ECHUNK	(-15)	/* a chunk fails authentication */
#define VAULT_EREORDER	(-16)	/* a chunk is out of order */
#define VAULT_EDUP	(-17)	/* a chunk is duplicated */
#define VAULT_EEXTEND	(-18)	/* data follows the final chunk */
#define VAULT_EUNSIGNED	(-19)	/* signer wanted, none */
#define VAULT_ESIG	(-20)	/* bad signature */
#define VAULT_ESIGNER	(-21)	/* signed by another key */
#define VAULT_EPATH	(-22)	/* an archive path could escape */
#define VAULT_EARCHIVE	(-23)	/* malformed archive */
#define VAULT_ECOMPRESS	(-24)	/* a compressed block is bad */
#define VAULT_EKEYFILE	(-25)	/* malformed key file */

#define VAULT_VERSION		1
#define VAULT_KEYBYTES		32	/* the file key */
#define VAULT_NONCEBYTES	32	/* the payload nonce */
#define VAULT_SIGNER_BYTES	32	/* Ed25519 public key */
#define VAULT_SIGN_SKBYTES	64	/* Ed25519, libsodium form */
#define VAULT_SIG_BYTES		64
#define VAULT_MAX_STANZAS	16
#define VAULT_PASS_MAX		4096

/* Ids in the header (docs/vault-format.md). */
#define VAULT_SUITE_STREAM	1	/* XChaCha20-Poly1305 STREAM */
#define VAULT_COMP_NONE		0
#define VAULT_COMP_LZ4		1
#define VAULT_SIGALG_NONE	0
#define VAULT_SIGALG_ED25519	1
#define VAULT_STANZA_PASS	1	/* Argon2id */
#define VAULT_STANZA_HYBRID	2	/* X25519 + ML-KEM-1024 */
#define VAULT_STANZA_GENERATION	3	/* the save's generation, under the header MAC */

/* Argon2id bounds a reader enforces, and the default for new vaults. */
#define VAULT_KDF_T_MIN		1
#define VAULT_KDF_T_MAX		16
#define VAULT_KDF_M_MIN		8		/* KiB */
#define VAULT_KDF_M_MAX		1048576		/* KiB: 1 GiB */
#define VAULT_KDF_T_DEFAULT	3
#define VAULT_KDF_M_DEFAULT	262144		/* KiB: 256 MiB */

/*
 * Random-access input: read exactly len bytes at off, returning 0, or a
 * VAULT_E* code (VAULT_EIO for an I/O error), which is passed back as is.
 * size is the whole input's length.
 */
struct vault_src {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	void *ctx;
	uint64_t size;
};

/*
 * Sequential output: write all len bytes, returning 0, or a VAULT_E* code
 * that is passed back as is (a payload sink may return archive errors).
 */
struct vault_sink {
	int (*write)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

/* Called after each chunk with the body bytes done so far; may be NULL. */
struct vault_progress {
	void (*fn)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
};

/* Who may open a new vault, and who signs it. */
struct vault_lock {
	const void *pass;		/* NULL: no passphrase stanza */
	size_t passlen;
	uint32_t kdf_t, kdf_m;		/* Argon2id passes, KiB */
	const struct vault_pubkey *rcpt;	/* hybrid recipients */
	size_t nrcpt;
	const uint8_t *sign_sk; /* Ed25519, 64 bytes; NULL: unsigned */
	int compress; /* VAULT_COMP_* (ignored by rekey) */
	/*
	 * The persistence partition's generation this vault is saved as
	 * (docs/storage.md), bound in a generation stanza; 0: none. rekey
	 * keeps the source's when this is 0.
	 */
	uint64_t generation;
};

/* What opens a vault: a passphrase, an identity, or both. */
struct vault_unlock {
	const void *pass;
	size_t passlen;
	const struct vault_seckey *id;
};

/* One stanza as parsed (no secrets). */
struct vault_stanza {
	uint8_t type;
	uint16_t len;
	uint16_t off;			/* of the body in the raw header */
	uint32_t kdf_t, kdf_m;		/* passphrase stanzas */
};

/* A parsed header; body_len comes from the trailer. */
struct vault_header {
	uint8_t version, suite, compression, sigalg;
	uint32_t len;
	uint8_t nonce[VAULT_NONCEBYTES];
	uint8_t signer[VAULT_SIGNER_BYTES];	/* zero when unsigned */
	uint8_t nstanzas;
	struct vault_stanza stanza[VAULT_MAX_STANZAS];
	uint64_t generation;		/* from a generation stanza; 0: none */
	uint64_t body_len;
	uint64_t nchunks;
};

const char *vault_strerror(int err);

/*
 * Writing. vault_create writes the header (running Argon2id if there is a
 * passphrase); vault_write takes payload bytes (normally an archive, see
 * archive.h); vault_finish seals the last chunk and writes the trailer.
 * After any error the writer only accepts vault_writer_free, which wipes
 * it. A writer needs at least one passphrase or recipient.
 */
struct vault_writer;
int vault_create(struct vault_writer **wp, const struct vault_lock *lock,
    const struct vault_sink *out);
int vault_write(struct vault_writer *w, const void *buf, size_t len);
int vault_finish(struct vault_writer *w);
void vault_writer_free(struct vault_writer *w);

/*
 * Reading. vault_open parses the header, checks the trailer's length,
 * unlocks the file key and checks the header MAC; vault_read then
 * decrypts every chunk in order, passing the payload to out, and checks
 * the signature at the end. If signer is not NULL the vault must be
 * signed by that key. Data already passed to out is provisional until
 * vault_read returns VAULT_OK.
 */
struct vault_reader;
int vault_open(struct vault_reader **rp, const struct vault_src *src,
    const struct vault_unlock *u);
int vault_read(struct vault_reader *r, const struct vault_sink *out,
    const uint8_t *signer, const struct vault_progress *prog);
void vault_close(struct vault_reader *r);

/*
 * The generation an opened vault was saved as (its generation stanza,
 * which the header MAC vault_open checked covers), or 0 when it has none.
 */
uint64_t vault_generation(const struct vault_reader *r);

/* Parses the header and trailer only: no secrets, no decryption. */
int vault_inspect(const struct vault_src *src, struct vault_header *h);

/*
 * Checks the signature without any secret (every header and body byte is
 * hashed). signer as for vault_read; an unsigned vault gives
 * VAULT_EUNSIGNED.
 */
int vault_check_signature(const struct vault_src *src, const uint8_t *signer,
    const struct vault_progress *prog);

/*
 * Writes src again with new stanzas and signer from lock, keeping the file
 * key and the body: every chunk is authenticated, none re-encrypted.
 */
int vault_rekey(const struct vault_src *src, const struct vault_unlock *u,
    const struct vault_lock *lock, const struct vault_sink *out,
    const struct vault_progress *prog);

#endif
