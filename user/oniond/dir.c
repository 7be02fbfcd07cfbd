/*
 * oniond's directory: the authorities built into the image (make
 * AUTHORITIES=FILE), their key certificates, the microdescriptor
 * consensus (majority-signed, within its validity) and the
 * microdescriptors it names, all checked by lib/onion's parsers.
 *
 * Two things here wait for other work and are marked WIRE:
 * - dir_fetch() is the one place documents come from. NØNOS never
 *   fetches them over plain HTTP from a DirPort: they are to come over
 *   BEGIN_DIR on one-hop circuits (lib/onion, branch begindir). Until
 *   then the only source is the documents built into the image next to
 *   the authorities (make ONIOND_DOCS=DIR), which tests use.
 * - wall_clock() is the time consensus and certificates are checked
 *   against. NØNOS has no wall clock yet (SYS_CLOCK, branch clock).
 */
#include "lib/onion/dir.h"
#include "user/oniond/oniond.h"

struct dirstate dir;

enum doc { DOC_KEYS, DOC_CONSENSUS, DOC_MICRO };
static const char *const doc_names[] = {
	"authority key certificates", "consensus", "microdescriptors"
};

/*
 * WIRE (branch begindir): the document kind over BEGIN_DIR from an
 * authority (bootstrap) or a relay, into *text. Today: the copy built
 * into the image, or none. 0, or -1 after a message.
 */
static int
dir_fetch(enum doc kind, const char **text, size_t *len)
{
	if (oniond_doc_len[kind] == 0) {
		printf("oniond: no %s: this image carries no directory and "
		    "NØNOS fetches none over plain HTTP (BEGIN_DIR: to come)\n",
		    doc_names[kind]);
		return -1;
	}
	*text = oniond_docs[kind];
	*len = oniond_doc_len[kind];
	return 0;
}

/*
 * WIRE (branch clock, SYS_CLOCK = 52): UTC from the kernel. Until then
 * the only time oniond knows is the consensus's own: the middle of its
 * validity once parsed (so freshness is not checked: a replayed old
 * consensus would pass, which the clock call is for), and 0 before.
 */
int64_t
wall_clock(void)
{
	if (dir.cons.valid_after == 0)
		return 0;
	return dir.cons.valid_after +
	    (dir.cons.valid_until - dir.cons.valid_after) / 2;
}

int
dir_load_authorities(void)
{
	int r;

	r = onion_authorities_parse(oniond_authorities,
	    strlen(oniond_authorities), dir.auth, ONION_MAX_AUTHORITIES,
	    &dir.nauth);
	if (r != ONION_OK || dir.nauth == 0) {
		printf("oniond: no authorities built into this image (%s); "
		    "build it with make AUTHORITIES=FILE\n",
		    r != ONION_OK ? onion_strerror(r) : "none");
		return -1;
	}
	return 0;
}

static int
verify_consensus(const char *text, size_t len)
{
	char why[320];
	int64_t now;
	int r;

	if ((r = onion_consensus_parse(text, len, &dir.cons)) != ONION_OK) {
		printf("oniond: consensus refused: %s\n", onion_strerror(r));
		return -1;
	}
	now = wall_clock();
	if ((r = onion_authcerts_parse(oniond_docs[DOC_KEYS],
	    oniond_doc_len[DOC_KEYS], now, dir.auth, dir.nauth, dir.certs,
	    ONION_MAX_AUTHORITIES, &dir.ncerts)) != ONION_OK) {
		printf("oniond: authority key certificates refused: %s\n",
		    onion_strerror(r));
		return -1;
	}
	r = onion_consensus_verify(text, len, &dir.cons, dir.auth, dir.nauth,
	    dir.certs, dir.ncerts, now, 0);
	if (r == ONION_EEXPIRED &&
	    onion_clock_check(&dir.cons, now, 0, why, sizeof(why)) != 0) {
		printf("oniond: consensus refused: %s\n", why);
		return -1;
	}
	if (r != ONION_OK) {
		printf("oniond: consensus refused: %s\n", onion_strerror(r));
		return -1;
	}
	return 0;
}

int
dir_bootstrap(void)
{
	const char *text;
	size_t len;
	int r;

	dir.percent = 5;
	if (dir_fetch(DOC_KEYS, &text, &len) != 0)
		return -1;
	dir.percent = 10;
	if (dir_fetch(DOC_CONSENSUS, &text, &len) != 0)
		return -1;
	if (dir.cons.relays == NULL &&
	    (dir.cons.relays = calloc(MAX_RELAYS, sizeof(*dir.cons.relays))) == NULL) {
		printf("oniond: no memory for the relay table\n");
		return -1;
	}
	dir.cons.cap = MAX_RELAYS;
	if (verify_consensus(text, len) != 0)
		return -1;
	dir.percent = 40;
	if (dir_fetch(DOC_MICRO, &text, &len) != 0)
		return -1;
	if ((r = onion_microdescs_parse(text, len, &dir.cons)) < 0) {
		printf("oniond: microdescriptors refused: %s\n", onion_strerror(r));
		return -1;
	}
	dir.with_md = (size_t)r;
	if (r == 0) {
		printf("oniond: no microdescriptor matches the consensus\n");
		return -1;
	}
	dir.percent = 80;
	printf("oniond: consensus verified: %zu relays, %zu with microdescriptors, "
	    "%zu of %zu authorities' keys\n", dir.cons.nrelays, dir.with_md,
	    dir.ncerts, dir.nauth);
	return 0;
}
