/*
 * Key files for the host tools: reading one, and nonos-sign's key files
 * (docs/signing.md): making a key pair and loading either half.
 */
#ifndef TOOLS_COMMON_KEYFILE_H
#define TOOLS_COMMON_KEYFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/sign/sign.h"

/*
 * Reads a key file of at most max bytes into a malloc'd *buf; a secret
 * one draws a warning when others may read it. 0, or -1 after a message.
 */
int keyfile_read(const char *path, size_t max, int secret, uint8_t **buf,
    size_t *len);
/* Writes a new key file, never replacing a file. 0, or -1 after a message. */
int keyfile_write(const char *path, const void *buf, size_t len, mode_t mode);

/*
 * Makes a key pair NAME.key (mode 0600) and NAME.pub, never replacing
 * an existing file; pub gets NAME.pub's text. 0, or -1 after a message.
 */
int signkey_generate(const char *name, char pub[SIGN_PUBFILE_LEN + 1]);

/*
 * Loads a secret key file into sk (libsodium's 64 bytes), warning when
 * others may read it, or a public key file into pk. 0, or -1 after a
 * message.
 */
int signkey_load_secret(uint8_t sk[64], const char *path);
int signkey_load_public(uint8_t pk[32], const char *path);

/*
 * "keygen -o NAME": an Ed25519 key pair NAME.pub and NAME.key (0600) in
 * nonos-sign's format, never overwriting; prints the public key. usage
 * is the command's text. The exit status.
 */
int signkey_keygen_command(int argc, char **argv, const char *usage);

#endif
