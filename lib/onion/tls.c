/*
 * BearSSL glue: a TLS 1.2 client whose certificate "validation" only
 * records the server certificate's public key and SHA-256 (Tor checks
 * identity in-band, tor-spec §4.2), and a pump between BearSSL's record
 * buffers and a non-blocking onion_transport.
 */
#include <string.h>

#include "lib/crypto/crypto.h"
#include "lib/onion/tls.h"

static void
na_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct onion_x509_noanchor *x = (struct onion_x509_noanchor *)ctx;

	(void)server_name;
	x->ncerts = 0;
	x->key_ok = 0;
}

static void
na_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct onion_x509_noanchor *x = (struct onion_x509_noanchor *)ctx;

	(void)length;
	if (x->ncerts == 0) {
		br_x509_decoder_init(&x->dec, NULL, NULL);
		(void)nc_sha256_init(&x->hash);
	}
}

static void
na_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct onion_x509_noanchor *x = (struct onion_x509_noanchor *)ctx;

	if (x->ncerts == 0) {
		br_x509_decoder_push(&x->dec, buf, len);
		(void)nc_sha256_update(&x->hash, buf, len);
	}
}

static void
na_end_cert(const br_x509_class **ctx)
{
	struct onion_x509_noanchor *x = (struct onion_x509_noanchor *)ctx;
	const br_x509_pkey *pk;

	if (x->ncerts++ != 0)
		return;
	/* A failed update shows here; without the hash, no key either. */
	if (nc_sha256_final(&x->hash, x->cert_sha256) != NC_OK)
		return;
	pk = br_x509_decoder_get_pkey(&x->dec);
	if (pk != NULL && br_x509_decoder_last_error(&x->dec) == 0) {
		x->pkey = *pk;
		x->key_ok = 1;
	}
}

static unsigned
na_end_chain(const br_x509_class **ctx)
{
	struct onion_x509_noanchor *x = (struct onion_x509_noanchor *)ctx;

	return x->key_ok ? 0 : BR_ERR_X509_EMPTY_CHAIN;
}

static const br_x509_pkey *
na_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	struct onion_x509_noanchor *x = (struct onion_x509_noanchor *)ctx;

	if (usages != NULL)
		*usages = BR_KEYTYPE_KEYX | BR_KEYTYPE_SIGN;
	return x->key_ok ? &x->pkey : NULL;
}

static const br_x509_class noanchor_vtable = {
	sizeof(struct onion_x509_noanchor),
	na_start_chain,
	na_start_cert,
	na_append,
	na_end_cert,
	na_end_chain,
	na_get_pkey,
};

int
onion_tls_init(struct onion_tls *t, const struct onion_transport *tr)
{
	uint8_t seed[32];

	memset(&t->x509, 0, sizeof t->x509);
	t->x509.vtable = &noanchor_vtable;
	t->tr = tr;
	t->err = 0;
	br_ssl_client_init_full(&t->cc, &t->unused, NULL, 0);
	br_ssl_engine_set_versions(&t->cc.eng, BR_TLS12, BR_TLS12);
	br_ssl_engine_set_x509(&t->cc.eng, &t->x509.vtable);
	br_ssl_engine_set_buffer(&t->cc.eng, t->iobuf, sizeof t->iobuf, 1);
	if (nc_random_bytes(seed, sizeof seed) != NC_OK)
		return ONION_ECRYPTO;
	br_ssl_engine_inject_entropy(&t->cc.eng, seed, sizeof seed);
	nc_wipe(seed, sizeof seed);
	if (!br_ssl_client_reset(&t->cc, NULL, 0))
		return ONION_ETLS;
	return ONION_OK;
}

int
onion_tls_pump(struct onion_tls *t)
{
	br_ssl_engine_context *e = &t->cc.eng;
	unsigned st;
	unsigned char *buf;
	size_t len;
	int n, progress, moved = 0;

	if (t->err != 0)
		return t->err;
	do {
		progress = 0;
		st = br_ssl_engine_current_state(e);
		if (st & BR_SSL_CLOSED)
			return br_ssl_engine_last_error(e) == 0 ?
			    ONION_ECLOSED : ONION_ETLS;
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(e, &len);
			n = t->tr->send(t->tr->ctx, buf, len);
			if (n < 0)
				return t->err = n;
			if (n > 0) {
				br_ssl_engine_sendrec_ack(e, (size_t)n);
				progress = 1;
			}
		}
		st = br_ssl_engine_current_state(e);
		if (st & BR_SSL_RECVREC) {
			buf = br_ssl_engine_recvrec_buf(e, &len);
			n = t->tr->recv(t->tr->ctx, buf, len);
			if (n < 0)
				return t->err = n;
			if (n > 0) {
				br_ssl_engine_recvrec_ack(e, (size_t)n);
				progress = 1;
			}
		}
		moved |= progress;
	} while (progress);
	return moved;
}

int
onion_tls_ready(struct onion_tls *t)
{
	unsigned st = br_ssl_engine_current_state(&t->cc.eng);

	return (st & (BR_SSL_SENDAPP | BR_SSL_RECVAPP)) != 0;
}

size_t
onion_tls_room(struct onion_tls *t)
{
	size_t len = 0;

	if (br_ssl_engine_sendapp_buf(&t->cc.eng, &len) == NULL)
		return 0;
	return len;
}

int
onion_tls_write(struct onion_tls *t, const void *data, size_t len)
{
	unsigned char *buf;
	size_t room;

	buf = br_ssl_engine_sendapp_buf(&t->cc.eng, &room);
	if (buf == NULL)
		return 0;
	if (len > room)
		len = room;
	memcpy(buf, data, len);
	br_ssl_engine_sendapp_ack(&t->cc.eng, len);
	return (int)len;
}

void
onion_tls_flush(struct onion_tls *t)
{
	br_ssl_engine_flush(&t->cc.eng, 0);
}

int
onion_tls_read(struct onion_tls *t, void *data, size_t len)
{
	unsigned char *buf;
	size_t avail;

	buf = br_ssl_engine_recvapp_buf(&t->cc.eng, &avail);
	if (buf == NULL)
		return 0;
	if (len > avail)
		len = avail;
	memcpy(data, buf, len);
	br_ssl_engine_recvapp_ack(&t->cc.eng, len);
	return (int)len;
}

const uint8_t *
onion_tls_peer_cert_hash(const struct onion_tls *t)
{
	return t->x509.key_ok ? t->x509.cert_sha256 : NULL;
}
