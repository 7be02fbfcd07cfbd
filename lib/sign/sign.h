/*
 * nonos-sign's formats (docs/signing.md): Ed25519 key files, detached
 * signature files over a file's BLAKE3 hash, and signed manifests (lines
 * of "<BLAKE3 hex>  <path>", as b3sum prints them). One-line text files.
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

/* Lower-case hex of n bytes into out (2n + 1 bytes with the NUL). */
void sign_hex(char *out, const uint8_t *in, size_t n);
/* Exactly 2n hex digits (either case) into n bytes: SIGN_EFORMAT. */
int sign_unhex(uint8_t *out, size_t n, const char *hex, size_t hexlen);

/* A new key pair: sk is libsodium's 64 bytes (seed || public key). */
int sign_keygen(uint8_t pk[32], uint8_t sk[64]);

/* Key files: out gets the text and a NUL. */
void sign_pub_encode(char out[SIGN_PUBFILE_LEN + 1], const uint8_t pk[32]);
void sign_key_encode(char out[SIGN_KEYFILE_LEN + 1], const uint8_t sk[64]);
/* The parsers take a file's bytes; SIGN_EFORMAT if they are anything else. */
int sign_pub_parse(uint8_t pk[32], const char *buf, size_t len);
int sign_key_parse(uint8_t sk[64], const char *buf, size_t len);

/* The message signed for a file: "NONOS sign v1" || NUL || BLAKE3(file). */
void sign_message(uint8_t msg[SIGN_MSG_LEN], const uint8_t digest[32]);

/* A signature file for a file with BLAKE3 digest, by sk. */
int sign_make(char out[SIGN_SIGFILE_LEN + 1], const uint8_t digest[32],
    const uint8_t sk[64]);
/*
 * Checks a signature file against the file's digest and the trusted key:
 * SIGN_EFORMAT, SIGN_EHASH, SIGN_EKEY or SIGN_EBAD.
 */
int sign_check(const char *sig, size_t len, const uint8_t digest[32],
    const uint8_t pk[32]);

/*
 * One manifest line without its newline: "<64 hex>  <path>". The path
 * must be safe (lib/path) and is returned as a pointer into line.
 */
int sign_manifest_line(const char *line, size_t len, uint8_t digest[32],
    const char **path, size_t *pathlen);

#endif
