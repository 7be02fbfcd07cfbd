/*
 * Tests of the guard kept across sessions: oniond's state file
 * (lib/onion/guardfile.c) read and written, every fault refused with its
 * line, the blurred choice time and the lifetime, and
 * onion_client_set_guard taking a listed guard and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "lib/onion/client.h"
#include "lib/onion/guardfile.h"

#define ID	"00112233445566778899aabbccddeeff00112233"
#define NOW	1796223600LL

static void
test_parse(void **state)
{
	static const char text[] = "# a comment\n\n  guard " ID
	    " Relay7 1796000000\n# end";
	struct onion_guard_rec g;
	char why[80];

	(void)state;
	assert_int_equal(onion_guardfile_parse(text, strlen(text), &g, why,
	    sizeof why), ONION_OK);
	assert_int_equal(g.rsa_id[0], 0x00);
	assert_int_equal(g.rsa_id[19], 0x33);
	assert_string_equal(g.nick, "Relay7");
	assert_int_equal(g.chosen, 1796000000);
}

static void
test_round_trip(void **state)
{
	struct onion_guard_rec g, back;
	char buf[256], why[80];
	size_t n;

	(void)state;
	for (int i = 0; i < ONION_ID_LEN; i++)
		g.rsa_id[i] = (uint8_t)(0xf0 + i);
	strcpy(g.nick, "abcdefghijklmnopqrs");	/* 19: the longest */
	g.chosen = NOW;
	n = onion_guardfile_format(buf, sizeof buf, &g);
	assert_true(n > 0 && n < sizeof buf);
	assert_int_equal(strlen(buf), n);
	assert_int_equal(onion_guardfile_parse(buf, n, &back, why, sizeof why),
	    ONION_OK);
	assert_memory_equal(back.rsa_id, g.rsa_id, ONION_ID_LEN);
	assert_string_equal(back.nick, g.nick);
	assert_int_equal(back.chosen, NOW);
	/* Too small a buffer writes no partial file. */
	assert_int_equal(onion_guardfile_format(buf, n, &g), 0);
}

static void
refused(const char *text, size_t len, const char *want)
{
	struct onion_guard_rec g;
	char why[80];

	assert_int_equal(onion_guardfile_parse(text, len, &g, why, sizeof why),
	    ONION_EPARSE);
	assert_string_equal(why, want);
}

static void
test_faults(void **state)
{
	static char big[GUARDFILE_MAX + 2];

	(void)state;
	refused("", 0, "line 1: no guard line");
	refused("# only\n", 7, "line 2: no guard line");
	refused("gaurd " ID " R 1\n", 6 + 40 + 5, "line 1: unknown keyword");
	refused("guard " ID " R\n", 6 + 40 + 3,
	    "line 1: a guard line needs an identity, a nickname and a time");
	refused("guard " ID " R 1 x\n", 6 + 40 + 7, "line 1: words after the time");
	refused("guard 0011 R 1\n", 15, "line 1: the identity is not 40 hex digits");
	refused("guard " ID " R-1 1\n", 6 + 40 + 7,
	    "line 1: the nickname is not 1 to 19 letters and digits");
	refused("guard " ID " abcdefghijklmnopqrst 1\n", 6 + 40 + 24,
	    "line 1: the nickname is not 1 to 19 letters and digits");
	refused("guard " ID " R -1\n", 6 + 40 + 6,
	    "line 1: the time is not a number of seconds");
	refused("guard " ID " R 1234567890123456789\n", 6 + 40 + 23,
	    "line 1: the time is not a number of seconds");
	refused("guard " ID " R 1\nguard " ID " S 2\n", 2 * (6 + 40 + 5),
	    "line 2: a second guard line");
	refused("guard " ID " R 1\0", 6 + 40 + 5, "line 1: the file holds a NUL byte");
	memset(big, '#', sizeof big);
	refused(big, sizeof big - 1, "line 1: the file is too long");
}

static void
test_lifetime(void **state)
{
	struct onion_guard_rec g;

	(void)state;
	assert_int_equal(onion_guard_chosen(NOW, 0), NOW);
	assert_int_equal(onion_guard_chosen(NOW, GUARD_LIFETIME / 10), NOW);
	assert_int_equal(onion_guard_chosen(NOW, GUARD_LIFETIME / 10 - 1),
	    NOW - GUARD_LIFETIME / 10 + 1);
	g.chosen = NOW;
	assert_false(onion_guard_expired(&g, NOW));
	assert_false(onion_guard_expired(&g, NOW + GUARD_LIFETIME - 1));
	assert_true(onion_guard_expired(&g, NOW + GUARD_LIFETIME));
	assert_false(onion_guard_expired(&g, NOW - 86400));
	assert_true(onion_guard_expired(&g, NOW - 86401));
}

static struct onion_relay relays[3];
static struct onion_consensus cons = { .relays = relays, .nrelays = 3, .cap = 3 };
static struct onion_client cl;
static uint8_t avoid[3];

static void
test_set_guard(void **state)
{
	const uint16_t ok = RF_GUARD | RF_RUNNING | RF_VALID;

	(void)state;
	for (int i = 0; i < 3; i++) {
		memset(relays[i].rsa_id, i + 1, ONION_ID_LEN);
		relays[i].have_md = 1;
		relays[i].flags = ok;
		relays[i].ipv4 = (uint32_t)(10 + i) << 24;
	}
	relays[1].flags = RF_RUNNING | RF_VALID;	/* no Guard flag */
	onion_client_init(&cl, &cons, avoid, NULL, 1);
	assert_int_equal(onion_client_set_guard(&cl, relays[2].rsa_id), 2);
	assert_int_equal(cl.guard, 2);
	/* Not a guard, not listed, avoided: refused, the guard kept. */
	assert_int_equal(onion_client_set_guard(&cl, relays[1].rsa_id),
	    ONION_ENOPATH);
	uint8_t other[ONION_ID_LEN];
	memset(other, 9, sizeof other);
	assert_int_equal(onion_client_set_guard(&cl, other), ONION_ENOPATH);
	avoid[0] = 1;
	assert_int_equal(onion_client_set_guard(&cl, relays[0].rsa_id),
	    ONION_ENOPATH);
	assert_int_equal(cl.guard, 2);
	avoid[0] = 0;
	relays[0].have_md = 0;		/* no microdescriptor: no ntor key */
	assert_int_equal(onion_client_set_guard(&cl, relays[0].rsa_id),
	    ONION_ENOPATH);
	relays[0].have_md = 1;
	assert_int_equal(onion_client_set_guard(&cl, relays[0].rsa_id), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_lifetime),
		cmocka_unit_test(test_set_guard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
