/*
 * nonos-sign's formats (docs/signing.md): Ed25519 key files, detached
 * signature files over a file's BLAKE3 hash, and signed manifests (lines
 * of "<BLAKE3 hex>  <path>", as b3sum prints them). One-line text files.
 * check.c reads public keys and checks signatures (the loader links it
 * alone); sign.c makes keys and signatures and reads the rest.
 */
#ifndef LIB_SIGN_SIGN_H
#define LIB_SIGN_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_OK		0
#define SIGN_EFORMAT	(-1)	/* not a file of the expected format */
#define SIGN_EHASH	(-2)	/* the signed hash is not the file's */
#define SIGN_EKEY	(-3)	/* signed by another key */
#define SIGN_EBAD	(-4)	/* the signature does not verify */
#define SIGN_ECRYPTO	(-5)	/* no entropy, or a crypto failure */
#define SIGN_EPATH	(-6)	/* an unsafe manifest path */

#define SIGN_PUB_TAG	"nonos-sign-pub-v1"
#define SIGN_KEY_TAG	"nonos-sign-key-v1"
#define SIGN_SIG_TAG	"nonos-sign-sig-v1"
/* Tag, space, hex fields separated by spaces, newline. */
#define SIGN_PUBFILE_LEN	(17 + 1 + 64 + 1)
#define SIGN_KEYFILE_LEN	(17 + 1 + 64 + 1)
#define SIGN_SIGFILE_LEN	(17 + 1 + 64 + 1 + 64 + 1 + 128 + 1)
#define SIGN_MSG_LEN		(14 + 32)

const char *sign_strerror(int err);

/* A new key pair: sk is libsodium's 64 bytes (seed || public key). */
int sign_keygen(uint8_t pk[32], uint8_t sk[64]);

/* Key files: out gets the text and a NUL. */
void sign_pub_encode(char out[SIGN_PUBFILE_LEN + 1], const uint8_t pk[32]);
void sign_key_encode(char out[SIGN_KEYFILE_LEN + 1], const uint8_t sk[64]);
/* The parsers take a file's bytes; SIGN_EFORMAT if they are anything else. */
int sign_pub_parse(uint8_t pk[32], const char *buf, size_t len);
int sign_key_parse(uint8_t sk[64], const char *buf, size_t len);
/* Either key file's form: "tag <64 hex digits>", a newline optional. */
int sign_keyfile_parse(uint8_t v[32], const char *tag, const char *buf,
    size_t len);

/* The message signed for a file: "NONOS sign v1" || NUL || BLAKE3(file). */
void sign_message(uint8_t msg[SIGN_MSG_LEN], const uint8_t digest[32]);

/* A signature file for a file with BLAKE3 digest, by sk. */
int sign_make(char out[SIGN_SIGFILE_LEN + 1], const uint8_t digest[32],
    const uint8_t sk[64]);

/* A signature file's fields. */
struct sign_sig {
	uint8_t signer[32];	/* the Ed25519 public key it names */
	uint8_t hash[32];	/* BLAKE3 of the file it signs */
	uint8_t sig[64];	/* Ed25519 over sign_message(hash) */
};

/* Parses a signature file's bytes: SIGN_EFORMAT if they are anything else. */
int sign_sig_parse(struct sign_sig *s, const char *buf, size_t len);
/*
 * Checks a parsed signature against the file's digest and the trusted
 * key, in this order: SIGN_EKEY, SIGN_EHASH or SIGN_EBAD.
 */
int sign_sig_verify(const struct sign_sig *s, const uint8_t digest[32],
    const uint8_t pk[32]);
/* Both: SIGN_EFORMAT, SIGN_EKEY, SIGN_EHASH or SIGN_EBAD. */
int sign_check(const char *sig, size_t len, const uint8_t digest[32],
    const uint8_t pk[32]);

/*
 * One manifest line without its newline: "<64 hex>  <path>". The path
 * must be safe (lib/path) and is returned as a pointer into line.
 */
int sign_manifest_line(const char *line, size_t len, uint8_t digest[32],
    const char **path, size_t *pathlen);

#endif
