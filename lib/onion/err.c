/*
 * onion_strerror: a short name for each lib/onion error code, for logs
 * and test output. Never returns NULL.
 */
#include "lib/onion/onion.h"

const char *
onion_strerror(int err)
{
	switch (err) {
	case ONION_OK:		return "ok";
	case ONION_EAGAIN:	return "would block";
	case ONION_EINVAL:	return "invalid argument";
	case ONION_EPROTO:	return "protocol violation";
	case ONION_ETRUNC:	return "truncated input";
	case ONION_ETLS:	return "TLS failure";
	case ONION_ECLOSED:	return "connection closed";
	case ONION_EIO:		return "transport error";
	case ONION_ECERT:	return "bad certificate";
	case ONION_EEXPIRED:	return "expired";
	case ONION_EIDENTITY:	return "wrong relay identity";
	case ONION_EAUTH:	return "authentication failed";
	case ONION_ESIG:	return "too few valid signatures";
	case ONION_EFULL:	return "table full";
	case ONION_ENOPATH:	return "no usable path";
	case ONION_EDESTROYED:	return "circuit destroyed";
	case ONION_ESTREAM:	return "stream ended";
	case ONION_ETIMEOUT:	return "timed out";
	case ONION_ECRYPTO:	return "crypto failure";
	case ONION_EPARSE:	return "malformed document";
	default:		return "unknown error";
	}
}
