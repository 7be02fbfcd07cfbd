/*
 * Host tests for capabilities and sealed tokens: derivation with fewer
 * rights, badges, copy/move/delete, revoke over the derivation tree,
 * object release on the last delete, and tokens that are forged, altered,
 * expired or presented after a revoke.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/cap/cap.h"
#include "lib/cap/token.h"

static int released;

static void
release(void *ctx, struct kobj *obj)
{
	(void)ctx;
	(void)obj;
	released++;
}

static const struct cap_ops ops = { release, NULL };

static void
test_derive_reduces_rights(void **state)
{
	struct kobj ep = { CAP_ENDPOINT, 0, 1 };
	struct cap a = { 0 }, b = { 0 }, c = { 0 };

	assert_int_equal(cap_install(&a, &ep, RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT), E_OK);
	assert_int_equal(cap_derive(&a, &b, RIGHT_WRITE, 0), E_OK);
	assert_int_equal(b.rights, RIGHT_WRITE);
	/* Asking for more than the parent has gives only the intersection. */
	assert_int_equal(cap_derive(&b, &c, RIGHTS_ALL, 0), E_OK);
	assert_int_equal(c.rights, RIGHT_WRITE);
	assert_int_equal(cap_check(&c, CAP_ENDPOINT, RIGHT_READ), E_RIGHTS);
	assert_int_equal(cap_check(&c, CAP_FRAME, 0), E_TYPE);
	assert_int_equal(cap_check(&c, CAP_ENDPOINT, RIGHT_WRITE), E_OK);
	assert_int_equal(ep.caps, 3);
	assert_int_equal(cap_derive(&a, &b, RIGHT_READ, 0), E_BUSY);
	assert_int_equal(cap_derive(&a, &a, RIGHT_READ, 0), E_INVAL);
	assert_int_equal(cap_derive(&a, &b, 0x100, 0), E_INVAL);
}

static void
test_badges(void **state)
{
	struct kobj ep = { CAP_ENDPOINT, 0, 2 }, fr = { CAP_FRAME, 0, 3 };
	struct cap a = { 0 }, b = { 0 }, c = { 0 }, d = { 0 }, f = { 0 }, g = { 0 };

	cap_install(&a, &ep, RIGHTS_ALL);
	assert_int_equal(cap_derive(&a, &b, RIGHTS_ALL, 42), E_OK);
	assert_int_equal(b.badge, 42);
	assert_int_equal(cap_derive(&b, &c, RIGHTS_ALL, 7), E_BADGE);
	assert_int_equal(cap_derive(&b, &c, RIGHTS_ALL, 0), E_OK);
	assert_int_equal(c.badge, 42);
	assert_int_equal(cap_derive(&b, &d, RIGHTS_ALL, 42), E_OK);
	cap_install(&f, &fr, RIGHTS_ALL);
	assert_int_equal(cap_derive(&f, &g, RIGHTS_ALL, 5), E_INVAL);
}

static void
test_revoke_removes_descendants(void **state)
{
	struct kobj obj = { CAP_FRAME, 0, 4 };
	struct cap s[8];

	memset(s, 0, sizeof(s));
	released = 0;
	cap_install(&s[0], &obj, RIGHTS_ALL);
	cap_derive(&s[0], &s[1], RIGHTS_ALL, 0);
	cap_derive(&s[1], &s[2], RIGHT_READ, 0);
	cap_derive(&s[1], &s[3], RIGHT_READ, 0);
	cap_derive(&s[3], &s[4], RIGHT_READ, 0);
	cap_derive(&s[0], &s[5], RIGHT_READ, 0);
	assert_int_equal(obj.caps, 6);
	/* Revoking s[1] removes s[2], s[3], s[4] and leaves s[0], s[1], s[5]. */
	assert_int_equal(cap_revoke(&s[1], &ops), 3);
	assert_null(s[2].obj);
	assert_null(s[3].obj);
	assert_null(s[4].obj);
	assert_non_null(s[1].obj);
	assert_non_null(s[5].obj);
	assert_int_equal(obj.caps, 3);
	assert_int_equal(cap_revoke(&s[0], &ops), 2);
	assert_int_equal(obj.caps, 1);
	assert_int_equal(released, 0);
	cap_delete(&s[0], &ops);
	assert_int_equal(released, 1);
	assert_int_equal(obj.caps, 0);
}

static void
test_delete_reparents_children(void **state)
{
	struct kobj obj = { CAP_THREAD, 0, 5 };
	struct cap a = { 0 }, b = { 0 }, c = { 0 };

	cap_install(&a, &obj, RIGHTS_ALL);
	cap_derive(&a, &b, RIGHTS_ALL, 0);
	cap_derive(&b, &c, RIGHT_READ, 0);
	cap_delete(&b, &ops);
	assert_null(b.obj);
	assert_ptr_equal(c.parent, &a);
	assert_ptr_equal(a.child, &c);
	/* Revoking the root still reaches c. */
	assert_int_equal(cap_revoke(&a, &ops), 1);
	assert_null(c.obj);
}

/*
 * Deleting a capability with several children puts them where it was
 * among its siblings, in their order; deleting a root makes its children
 * roots with no siblings.
 */
static void
test_delete_splices_children(void **state)
{
	struct kobj obj = { CAP_FRAME, 0, 9 };
	struct cap r = { 0 }, a = { 0 }, b = { 0 }, c = { 0 }, x = { 0 }, y = { 0 };

	cap_install(&r, &obj, RIGHTS_ALL);
	cap_derive(&r, &c, RIGHTS_ALL, 0);
	cap_derive(&r, &b, RIGHTS_ALL, 0);
	cap_derive(&r, &a, RIGHTS_ALL, 0);	/* r's children: a, b, c */
	cap_derive(&b, &y, RIGHTS_ALL, 0);
	cap_derive(&b, &x, RIGHTS_ALL, 0);	/* b's children: x, y */
	cap_delete(&b, &ops);
	/* r's children: a, x, y, c */
	assert_ptr_equal(r.child, &a);
	assert_ptr_equal(a.next, &x);
	assert_ptr_equal(x.prev, &a);
	assert_ptr_equal(x.next, &y);
	assert_ptr_equal(y.prev, &x);
	assert_ptr_equal(y.next, &c);
	assert_ptr_equal(c.prev, &y);
	assert_null(c.next);
	assert_ptr_equal(x.parent, &r);
	assert_ptr_equal(y.parent, &r);
	assert_int_equal(obj.caps, 5);
	/* The root goes: its children become roots. */
	cap_delete(&r, &ops);
	assert_null(r.obj);
	assert_null(a.parent);
	assert_null(a.prev);
	assert_null(a.next);
	assert_null(x.parent);
	assert_null(x.next);
	assert_null(c.prev);
	assert_int_equal(obj.caps, 4);
	assert_int_equal(cap_revoke(&a, &ops), 0);
}

static void
test_move_keeps_tree(void **state)
{
	struct kobj obj = { CAP_NOTIFICATION, 0, 6 };
	struct cap a = { 0 }, b = { 0 }, c = { 0 }, moved = { 0 };

	cap_install(&a, &obj, RIGHTS_ALL);
	cap_derive(&a, &b, RIGHTS_ALL, 0);
	cap_derive(&b, &c, RIGHTS_ALL, 0);
	assert_int_equal(cap_move(&b, &moved), E_OK);
	assert_null(b.obj);
	assert_ptr_equal(c.parent, &moved);
	assert_ptr_equal(moved.parent, &a);
	assert_int_equal(cap_move(&b, &moved), E_NOCAP);
	assert_int_equal(cap_revoke(&a, &ops), 2);
	assert_null(c.obj);
	assert_null(moved.obj);
	assert_int_equal(obj.caps, 1);
}

static void
test_revoke_wide_and_deep(void **state)
{
	enum { N = 2000 };
	struct kobj obj = { CAP_FRAME, 0, 7 };
	struct cap *s = calloc(N, sizeof(*s));

	released = 0;
	cap_install(&s[0], &obj, RIGHTS_ALL);
	srand(3);
	for (int i = 1; i < N; i++)
		assert_int_equal(cap_derive(&s[rand() % i], &s[i], RIGHTS_ALL, 0), E_OK);
	assert_int_equal(cap_revoke(&s[0], &ops), N - 1);
	assert_int_equal(obj.caps, 1);
	for (int i = 1; i < N; i++)
		assert_null(s[i].obj);
	free(s);
}

static const uint8_t key[32] = { 1, 2, 3, 4, 5 };

static void
test_token_round_trip_and_forgery(void **state)
{
	struct seal_rec rec = { 0 };
	struct seal_table t;
	struct kobj ep = { CAP_ENDPOINT, 0, 99 };
	struct cap src = { 0 }, got = { 0 }, other = { 0 };
	uint8_t tok[CAP_TOKEN_LEN], bad[CAP_TOKEN_LEN];

	seal_table_init(&t, key, 1000);
	cap_install(&src, &ep, RIGHT_WRITE | RIGHT_GRANT);
	assert_int_equal(cap_seal(&t, &rec, &src, RIGHT_WRITE, 0, 10, tok), E_OK);
	assert_int_equal(cap_unseal(&t, tok, 20, &got), E_OK);
	assert_ptr_equal(got.obj, &ep);
	assert_int_equal(got.rights, RIGHT_WRITE);
	assert_int_equal(cap_unseal(&t, tok, 20, &got), E_BUSY);
	/* Every single-bit change anywhere in the token is caught. */
	for (int i = 0; i < CAP_TOKEN_LEN * 8; i++) {
		memcpy(bad, tok, sizeof(bad));
		bad[i / 8] ^= (uint8_t)(1 << (i % 8));
		assert_int_equal(cap_unseal(&t, bad, 20, &other), E_FORGED);
	}
	/* A token made under another key is a forgery. */
	struct seal_table t2;
	uint8_t key2[32] = { 9 };
	seal_table_init(&t2, key2, 1000);
	assert_int_equal(cap_unseal(&t2, tok, 20, &other), E_FORGED);
	/* Escalation by altering rights is forgery too. */
	memcpy(bad, tok, sizeof(bad));
	bad[2] |= RIGHT_READ;
	assert_int_equal(cap_unseal(&t, bad, 20, &other), E_FORGED);
}

static void
test_token_needs_grant(void **state)
{
	struct seal_rec rec = { 0 };
	struct seal_table t;
	struct kobj fr = { CAP_FRAME, 0, 5 };
	struct cap src = { 0 };
	uint8_t tok[CAP_TOKEN_LEN];

	seal_table_init(&t, key, 1);
	cap_install(&src, &fr, RIGHT_READ);
	assert_int_equal(cap_seal(&t, &rec, &src, RIGHT_READ, 0, 0, tok), E_RIGHTS);
	assert_null(t.head);		/* a failed seal links nothing */
}

static void
test_token_expiry(void **state)
{
	struct seal_rec recs[2];
	struct seal_table t;
	struct kobj fr = { CAP_FRAME, 0, 5 };
	struct cap src = { 0 }, got = { 0 };
	uint8_t tok[CAP_TOKEN_LEN];

	memset(recs, 0, sizeof(recs));
	seal_table_init(&t, key, 1);
	cap_install(&src, &fr, RIGHT_READ | RIGHT_GRANT);
	assert_int_equal(cap_seal(&t, &recs[0], &src, RIGHTS_ALL, 100, 50, tok), E_OK);
	assert_int_equal(cap_unseal(&t, tok, 100, &got), E_EXPIRED);
	assert_int_equal(cap_unseal(&t, tok, 99, &got), E_OK);
	assert_int_equal(cap_seal(&t, &recs[1], &src, RIGHTS_ALL, 10, 50, tok), E_INVAL);
}

static void
test_token_after_revoke(void **state)
{
	struct seal_rec rec = { 0 };
	struct seal_table t;
	struct kobj ep = { CAP_ENDPOINT, 0, 77 };
	struct cap src = { 0 }, got = { 0 }, again = { 0 };
	uint8_t tok[CAP_TOKEN_LEN];

	seal_table_init(&t, key, 1);
	cap_install(&src, &ep, RIGHTS_ALL);
	assert_int_equal(cap_seal(&t, &rec, &src, RIGHT_WRITE, 0, 0, tok), E_OK);
	assert_int_equal(cap_unseal(&t, tok, 0, &got), E_OK);
	cap_revoke(&src, &ops);
	/* The revoke took the unsealed capability and the anchor with it. */
	assert_null(got.obj);
	assert_int_equal(cap_unseal(&t, tok, 0, &again), E_REVOKED);
	assert_int_equal(ep.caps, 1);
}

static int reaped;

static void
count_reaped(void *ctx, struct seal_rec *rec)
{
	(void)ctx;
	assert_null(rec->anchor.obj);
	assert_null(rec->next);
	reaped++;
}

/*
 * The table has no size: every seal brings its own record, and a record
 * goes back to its owner once it seals nothing (expired or revoked),
 * never while its seal still works.
 */
static void
test_seal_records_reaped(void **state)
{
	struct seal_rec recs[3];
	struct seal_table t;
	struct kobj ep = { CAP_ENDPOINT, 0, 8 };
	struct cap src = { 0 }, child = { 0 }, got = { 0 };
	uint8_t tok[3][CAP_TOKEN_LEN];

	memset(recs, 0, sizeof(recs));
	seal_table_init(&t, key, 1);
	cap_install(&src, &ep, RIGHTS_ALL);
	assert_int_equal(cap_derive(&src, &child, RIGHTS_ALL, 0), E_OK);
	assert_int_equal(cap_seal(&t, &recs[0], &src, RIGHTS_ALL, 0, 0, tok[0]), E_OK);
	assert_int_equal(cap_seal(&t, &recs[1], &src, RIGHTS_ALL, 5, 0, tok[1]), E_OK);
	assert_int_equal(cap_seal(&t, &recs[2], &child, RIGHTS_ALL, 0, 0, tok[2]), E_OK);
	reaped = 0;
	seal_table_reap(&t, 4, &ops, count_reaped, NULL);
	assert_int_equal(reaped, 0);
	/* The second expires: its record comes back, its anchor deleted. */
	seal_table_reap(&t, 5, &ops, count_reaped, NULL);
	assert_int_equal(reaped, 1);
	assert_int_equal(cap_unseal(&t, tok[1], 5, &got), E_EXPIRED);
	/* Revoking the child takes the third seal's anchor: its record comes back. */
	cap_revoke(&child, &ops);
	seal_table_reap(&t, 5, &ops, count_reaped, NULL);
	assert_int_equal(reaped, 2);
	assert_int_equal(cap_unseal(&t, tok[2], 5, &got), E_REVOKED);
	/* The first still works. */
	assert_int_equal(cap_unseal(&t, tok[0], 5, &got), E_OK);
	assert_ptr_equal(t.head, &recs[0]);
	assert_null(recs[0].next);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive_reduces_rights),
		cmocka_unit_test(test_badges),
		cmocka_unit_test(test_revoke_removes_descendants),
		cmocka_unit_test(test_delete_splices_children),
		cmocka_unit_test(test_delete_reparents_children),
		cmocka_unit_test(test_move_keeps_tree),
		cmocka_unit_test(test_revoke_wide_and_deep),
		cmocka_unit_test(test_token_round_trip_and_forgery),
		cmocka_unit_test(test_token_needs_grant),
		cmocka_unit_test(test_token_expiry),
		cmocka_unit_test(test_token_after_revoke),
		cmocka_unit_test(test_seal_records_reaped),
	};
	return cmocka_run_group_tests_name("cap", tests, NULL, NULL);
}
