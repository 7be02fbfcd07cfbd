/*
 * A NØNOS user program made of lib/onion, linked by `make
 * build/freestanding/onion-user-check` (part of `make check`) the way
 * oniond will be: crt0, user/lib and lib/libc, the nc_ API, and the
 * freestanding BearSSL and libsodium archives, with -nostdlib and
 * user/user.ld. The link fails on any symbol that environment lacks.
 * main calls every entry point a service needs (directory documents,
 * the client runtime, circuits, streams), so everything they reach is
 * linked. It is a link check: nothing runs it.
 *
 * Besides user/lib (whose entropy.c gives libsodium the kernel's
 * generator), lib/onion's platform supplies exactly the function below,
 * abort (docs/onion.md, "The platform interface"). The rest of
 * the platform is passed in at run time: sockets as struct onion_events
 * connect/disconnect and struct onion_transport, the clocks as arguments.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>		/* lib/crypto/shim: abort */

#include "lib/onion/client.h"
#include "lib/onion/dirclient.h"
#include "user/lib/nonos.h"

/* libsodium calls abort on a broken invariant: end the thread, loudly. */
_Noreturn void
abort(void)
{
	printf("onion: abort\n");
	thread_exit();
}

static struct onion_authority auth[ONION_MAX_AUTHORITIES];
static struct onion_authcert certs[ONION_MAX_AUTHORITIES];
static struct onion_relay relays[64], relays2[64];
static struct onion_dirclient dir;
static char dirbuf[4096];
static struct onion_consensus cons;
static uint8_t avoid[64];
static struct onion_client client;
static const struct onion_events events;

int
main(uint64_t arg)
{
	static const char doc[] = "";
	size_t nauth, ncerts;
	int circ, s;

	onion_authorities_parse(doc, 0, auth, ONION_MAX_AUTHORITIES, &nauth);
	onion_authcerts_parse(doc, 0, (int64_t)arg, auth, nauth, certs,
	    ONION_MAX_AUTHORITIES, &ncerts);
	cons.relays = relays;
	cons.cap = 64;
	onion_consensus_parse(doc, 0, &cons);
	onion_consensus_verify(doc, 0, &cons, auth, nauth, certs, ncerts,
	    (int64_t)arg, 0);
	onion_microdescs_parse(doc, 0, &cons);

	onion_client_init(&client, &cons, avoid, &events, 1);
	/* The directory over BEGIN_DIR: bootstrap, refresh, switch. */
	onion_dir_init(&dir, &client, auth, nauth, relays, relays2, 64, dirbuf,
	    sizeof dirbuf, 0);
	client.dir_ev = onion_dir_events(&dir);
	onion_dir_pump(&dir, arg, (int64_t)arg);
	onion_dir_refresh(&dir, arg);
	onion_client_set_consensus(&client, onion_dir_consensus(&dir));
	circ = onion_circ_build(&client, 80, arg);
	onion_client_pump(&client, arg, (int64_t)arg);
	s = onion_stream_begin(&client, circ, "example.nonos-test", 80, NULL);
	onion_stream_write(&client, s, (const uint8_t *)doc, 0);
	onion_stream_backlog(&client, s, 0);
	onion_stream_close(&client, s);
	onion_stream_resolve(&client, circ, "example.nonos-test", NULL);
	onion_circ_truncate(&client, circ, 1);
	onion_circ_close(&client, circ, ONION_OK);
	printf("%s %d\n", onion_strerror(ONION_EIO),
	    onion_client_wants_write(&client, 0));
	return 0;
}
