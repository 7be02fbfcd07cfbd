/*
 * errno.h for the freestanding libsodium build. The environment provides
 * the storage: `int errno;`. libsodium only stores to it (argon2 and
 * pwhash parameter errors); our own API never reads it.
 */
#ifndef LIB_CRYPTO_SHIM_ERRNO_H
#define LIB_CRYPTO_SHIM_ERRNO_H

extern int errno;

/* Linux numbering, so values read in a debugger mean the usual thing. */
#define EPERM	1
#define ENXIO	6
#define ENOMEM	12
#define EINVAL	22
#define EFBIG	27
#define ERANGE	34
#define ENOSYS	38

#endif
