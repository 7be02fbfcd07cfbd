/*
 * Capabilities and the derivation tree. A capability is a slot holding a
 * reference to a kernel object, a set of rights and an optional badge.
 * Every capability except an object's original one was derived from
 * another, and remembers it: revoking a capability deletes everything
 * derived from it, transitively. This file knows nothing of the objects
 * themselves; the kernel supplies a release function that is called when
 * the last capability to an object goes away.
 *
 * Invariants:
 *  - an empty slot has obj == NULL, rights == 0, badge == 0 and no links;
 *  - a derived capability's rights are a subset of its parent's, and its
 *    badge equals its parent's when the parent has one;
 *  - obj->caps counts the slots that refer to obj;
 *  - the tree links are consistent: c->child's parent is c; siblings are
 *    a doubly linked list.
 */
#ifndef LIB_CAP_CAP_H
#define LIB_CAP_CAP_H

#include <stdint.h>

#include "lib/abi/nonos.h"

/* Header at the start of every kernel object. */
struct kobj {
	uint32_t type;		/* enum cap_type */
	uint32_t caps;		/* slots referring to this object */
	uint64_t id;		/* unique for the boot; never reused */
};

struct cap {
	struct kobj *obj;	/* NULL: empty slot */
	uint32_t rights;
	uint32_t pad;
	uint64_t badge;		/* 0: none */
	struct cap *parent;
	struct cap *child;	/* first child */
	struct cap *next;	/* siblings */
	struct cap *prev;
};

/* Called with an object whose last capability was deleted. */
typedef void (*cap_release_fn)(void *ctx, struct kobj *obj);

struct cap_ops {
	cap_release_fn release;
	void *ctx;
};

/*@ // Every right in r is also in of (rights are bits 0..31).
    predicate rights_within(integer r, integer of) =
      \forall integer b; 0 <= b < 32 ==> (r & (1 << b)) != 0 ==> (of & (1 << b)) != 0;
*/

/*
 * The contracts below are proved with Frama-C WP (docs/proofs.md) for
 * cap_install, cap_derive and cap_check; cap_move, cap_delete and
 * cap_revoke walk the tree's lists and are tested, not proved.
 */

/* Installs the original capability to a new object in the empty slot dst. */
/*@ requires \valid(dst);
    requires obj != \null ==> \valid(obj) && \separated(obj, dst) && obj->caps < UINT32_MAX;
    behavior occupied:
      assumes dst->obj != \null;
      assigns \nothing;
      ensures \result == E_BUSY;
    behavior invalid:
      assumes dst->obj == \null;
      assumes obj == \null || (rights & ~RIGHTS_ALL) != 0;
      assigns \nothing;
      ensures \result == E_INVAL;
    behavior installed:
      assumes dst->obj == \null && obj != \null && (rights & ~RIGHTS_ALL) == 0;
      assigns *dst, obj->caps;
      ensures \result == E_OK;
      ensures dst->obj == obj && dst->rights == rights && dst->badge == 0;
      ensures dst->parent == \null && dst->child == \null;
      ensures obj->caps == \old(obj->caps) + 1;
    complete behaviors;
    disjoint behaviors; */
int cap_install(struct cap *dst, struct kobj *obj, uint32_t rights);

/*
 * Derives into the empty slot dst a capability to src's object with the
 * rights src->rights & rights and the given badge (0 keeps src's). Only
 * endpoints and notifications take badges, and a badge once set stays.
 */
/*@ requires \valid(src) && \valid(dst);
    requires src->obj != \null ==> \valid(src->obj) && src->obj->caps < UINT32_MAX &&
      \separated(src->obj, src, dst);
    requires src->child != \null ==> \valid(src->child) &&
      \separated(src->child, src, dst, src->obj);
    behavior refused:
      assumes src == dst || (rights & ~RIGHTS_ALL) != 0 || src->obj == \null ||
        dst->obj != \null;
      assigns \nothing;
      ensures \result != E_OK;
    behavior checked:
      assumes src != dst && (rights & ~RIGHTS_ALL) == 0 && src->obj != \null &&
        dst->obj == \null;
      assigns *dst, src->child, src->child->prev, src->obj->caps;
      ensures \result == E_OK || \result == E_INVAL || \result == E_BADGE;
      ensures \result != E_OK ==> src->obj == \old(src->obj) && dst->obj == \null;
      // Deriving never adds a right.
      ensures \result == E_OK ==> dst->rights == (\old(src->rights) & rights);
      ensures \result == E_OK ==> rights_within(dst->rights, \old(src->rights));
      // A badge once set stays: the child carries the parent's.
      ensures \result == E_OK && \old(src->badge) != 0 ==> dst->badge == \old(src->badge);
      ensures \result == E_OK && \old(src->badge) == 0 ==> dst->badge == badge;
      ensures \result == E_OK ==> src->badge == \old(src->badge) &&
        src->rights == \old(src->rights);
      ensures \result == E_OK ==> dst->obj == \old(src->obj) && dst->parent == src &&
        src->child == dst && dst->child == \null;
      ensures \result == E_OK ==> src->obj->caps == \old(src->obj->caps) + 1;
    complete behaviors;
    disjoint behaviors; */
int cap_derive(struct cap *src, struct cap *dst, uint32_t rights, uint64_t badge);

/* Moves src into the empty slot dst, keeping its place in the tree. */
int cap_move(struct cap *src, struct cap *dst);

/*
 * Empties c. Its children stay valid and move up to c's parent. Releases
 * the object if this was its last capability.
 */
void cap_delete(struct cap *c, const struct cap_ops *ops);

/* Deletes every capability derived from c (not c itself); returns how many. */
uint64_t cap_revoke(struct cap *c, const struct cap_ops *ops);

/* Checks that c holds an object of type (CAP_NULL: any) with all of need. */
/*@ requires \valid_read(c);
    requires c->obj != \null ==> \valid_read(c->obj);
    assigns \nothing;
    ensures \result == E_OK || \result == E_NOCAP || \result == E_TYPE ||
      \result == E_RIGHTS;
    ensures \result == E_OK <==> c->obj != \null &&
      (type == CAP_NULL || c->obj->type == type) && (c->rights & need) == need; */
int cap_check(const struct cap *c, uint32_t type, uint32_t need);

#endif
