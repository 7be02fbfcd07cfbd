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

/*@ // A sibling list is described by an abstract function: sib(p, i) is
    // the i-th slot of the list starting at p. Nothing is assumed about
    // it (no axiom): sibs() below, in a requires, says that it lists the
    // list, and since every finite list has such a function, a contract
    // proved for every sib holds for every list. (A recursive definition
    // sends the provers into matching loops; docs/proofs.md.)
    axiomatic Sib { logic struct cap *sib(struct cap *p, integer i); }

    // p starts a list of exactly n valid, distinct slots ended by \null,
    // and sib(p, 0 .. n) lists it.
    predicate sibs{L}(struct cap *p, integer n) =
      n >= 0 && sib(p, 0) == p && sib(p, n) == \null &&
      (\forall integer i; 0 <= i < n ==>
        sib(p, i) != \null && \valid(sib(p, i)) && sib(p, i + 1) == sib(p, i)->next) &&
      (\forall integer i, j; 0 <= i < n && 0 <= j < n && i != j ==>
        \separated(sib(p, i), sib(p, j)));
*/

/*@ // c's neighbours in the tree (previous and next sibling, parent) are
    // valid and apart from c and from each other.
    predicate neighbours_ok{L}(struct cap *c) =
      (c->prev != \null ==> \valid(c->prev) && \separated(c->prev, c)) &&
      (c->parent != \null ==> \valid(c->parent) && \separated(c->parent, c)) &&
      (c->next != \null ==> \valid(c->next) && \separated(c->next, c)) &&
      (c->prev != \null && c->next != \null ==> \separated(c->prev, c->next)) &&
      (c->prev != \null && c->parent != \null ==> \separated(c->prev, c->parent)) &&
      (c->next != \null && c->parent != \null ==> \separated(c->next, c->parent));

    // c's n children are listed by sib and apart from c and its neighbours.
    predicate children_ok{L}(struct cap *c, integer n) =
      sibs(c->child, n) &&
      \forall integer i; 0 <= i < n ==> \separated(sib(c->child, i), c) &&
        (c->prev == \null || \separated(sib(c->child, i), c->prev)) &&
        (c->parent == \null || \separated(sib(c->child, i), c->parent)) &&
        (c->next == \null || \separated(sib(c->child, i), c->next));
*/

/*@ // c is an empty slot with no links.
    predicate emptied{L}(struct cap *c) =
      c->obj == \null && c->rights == 0 && c->badge == 0 && c->parent == \null &&
      c->child == \null && c->next == \null && c->prev == \null;
*/

/*
 * The contracts below are proved with Frama-C WP (docs/proofs.md).
 * cap_move and cap_delete walk a list of children, and take its length
 * as a ghost argument, seen only by the proof: the compiler sees a
 * comment. cap_delete's call of the kernel's release function is
 * outside the proof (its contract, in cap.c, is assumed); cap_revoke
 * never reaches it.
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

/*
 * Moves src into the empty slot dst, keeping its place in the tree. The
 * links to src (its siblings', its parent's first-child link, its
 * children's parent links) are all the tree's links to it (cap.h's
 * invariant); the requires name those slots and keep them apart.
 */
/*@ requires \valid(src) && \valid(dst);
    requires src == dst || \separated(src, dst);
    behavior same:
      assumes src == dst;
      assigns \nothing;
      ensures \result == E_INVAL;
    behavior empty:
      assumes src != dst && src->obj == \null;
      assigns \nothing;
      ensures \result == E_NOCAP;
    behavior occupied:
      assumes src != dst && src->obj != \null && dst->obj != \null;
      assigns \nothing;
      ensures \result == E_BUSY;
    behavior moved:
      assumes src != dst && src->obj != \null && dst->obj == \null;
      requires src->prev != \null ==> \valid(src->prev) && \separated(src->prev, src, dst);
      requires src->prev == \null && src->parent != \null ==>
        \valid(src->parent) && \separated(src->parent, src, dst);
      requires src->next != \null ==> \valid(src->next) && \separated(src->next, src, dst);
      requires sibs(src->child, n);
      requires \forall integer i; 0 <= i < n ==> \separated(sib(src->child, i), src, dst) &&
        (src->prev == \null || \separated(sib(src->child, i), src->prev)) &&
        (src->parent == \null || \separated(sib(src->child, i), src->parent)) &&
        (src->next == \null || \separated(sib(src->child, i), src->next));
      assigns *src, *dst, src->prev->next, src->parent->child, src->next->prev,
        { sib(src->child, i)->parent | integer i; 0 <= i < n };
      ensures \result == E_OK;
      // The capability itself goes unchanged to dst.
      ensures dst->obj == \old(src->obj) && dst->rights == \old(src->rights) &&
        dst->badge == \old(src->badge);
      ensures dst->parent == \old(src->parent) && dst->child == \old(src->child) &&
        dst->next == \old(src->next) && dst->prev == \old(src->prev);
      ensures src->obj == \null && src->rights == 0 && src->badge == 0 &&
        src->parent == \null && src->child == \null && src->next == \null &&
        src->prev == \null;
      // Every link that pointed to src now points to dst.
      ensures \old(src->prev) != \null ==> \old(src->prev)->next == dst;
      ensures \old(src->prev) == \null && \old(src->parent) != \null ==>
        \old(src->parent)->child == dst;
      ensures \old(src->next) != \null ==> \old(src->next)->prev == dst;
      ensures \forall integer i; 0 <= i < n ==>
        sib(\old(src->child), i)->parent == dst &&
        sib(\old(src->child), i)->next == sib(\old(src->child), i + 1);
    complete behaviors;
    disjoint behaviors; */
int cap_move(struct cap *src, struct cap *dst) /*@ ghost (int n) */;

/*
 * Empties c. Its children stay valid and move up to c's parent, taking
 * c's place among its siblings in their order; a root's children become
 * roots. Releases the object if this was its last capability. n is the
 * number of c's children (any value when it has none).
 */
/*@ requires \valid(c);
    behavior empty:
      assumes c->obj == \null;
      assigns \nothing;
    behavior leaf:
      assumes c->obj != \null && c->child == \null;
      requires \valid(c->obj) && \separated(c->obj, c) && c->obj->caps >= 1;
      requires neighbours_ok(c);
      requires ops != \null ==> \valid_read(ops);
      assigns *c, c->prev->next, c->parent->child, c->next->prev, c->obj->caps;
      ensures \old(c->obj)->caps == \old(c->obj->caps) - 1;
      ensures emptied(c);
      ensures \old(c->prev) != \null ==> \old(c->prev)->next == \old(c->next);
      ensures \old(c->prev) == \null && \old(c->parent) != \null ==>
        \old(c->parent)->child == \old(c->next);
      ensures \old(c->next) != \null ==> \old(c->next)->prev == \old(c->prev);
    behavior orphans:
      assumes c->obj != \null && c->child != \null && c->parent == \null;
      requires \valid(c->obj) && \separated(c->obj, c) && c->obj->caps >= 1;
      requires neighbours_ok(c) && n >= 1 && children_ok(c, n);
      requires ops != \null ==> \valid_read(ops);
      assigns *c, c->prev->next, c->next->prev, c->obj->caps,
        { sib(c->child, i)->parent | integer i; 0 <= i < n },
        { sib(c->child, i)->next | integer i; 0 <= i < n },
        { sib(c->child, i)->prev | integer i; 0 <= i < n };
      ensures \old(c->obj)->caps == \old(c->obj->caps) - 1;
      ensures emptied(c);
      ensures \old(c->prev) != \null ==> \old(c->prev)->next == \old(c->next);
      ensures \old(c->next) != \null ==> \old(c->next)->prev == \old(c->prev);
      // A root's children become roots.
      ensures \forall integer i; 0 <= i < n ==> sib(\old(c->child), i)->parent == \null &&
        sib(\old(c->child), i)->next == \null && sib(\old(c->child), i)->prev == \null;
    behavior adopted:
      assumes c->obj != \null && c->child != \null && c->parent != \null;
      requires \valid(c->obj) && \separated(c->obj, c) && c->obj->caps >= 1;
      requires neighbours_ok(c) && n >= 1 && children_ok(c, n);
      requires ops != \null ==> \valid_read(ops);
      assigns *c, c->prev->next, c->parent->child, c->next->prev, c->obj->caps,
        { sib(c->child, i)->parent | integer i; 0 <= i < n },
        sib(c->child, 0)->prev, sib(c->child, n - 1)->next;
      ensures \old(c->obj)->caps == \old(c->obj->caps) - 1;
      ensures emptied(c);
      // The children take c's place among its siblings, in their order.
      ensures \forall integer i; 0 <= i < n ==>
        sib(\old(c->child), i)->parent == \old(c->parent);
      ensures \forall integer i; 0 <= i < n - 1 ==>
        sib(\old(c->child), i)->next == sib(\old(c->child), i + 1);
      ensures sib(\old(c->child), 0)->prev == \old(c->prev);
      ensures sib(\old(c->child), n - 1)->next == \old(c->next);
      ensures \old(c->prev) != \null ==> \old(c->prev)->next == \old(c->child);
      ensures \old(c->prev) == \null ==> \old(c->parent)->child == \old(c->child);
      ensures \old(c->next) != \null ==>
        \old(c->next)->prev == sib(\old(c->child), n - 1);
    complete behaviors;
    disjoint behaviors; */
void cap_delete(struct cap *c, const struct cap_ops *ops) /*@ ghost (int n) */;

/*@ // cap_revoke's view of c's subtree: d[0 .. m-1] lists the slots
    // derived from c, transitively, and desc_idx(x) is x's place in that
    // list (an abstract function, like sib: nothing is assumed of it but
    // what desc_apart requires).
    axiomatic Desc { logic integer desc_idx(struct cap *x); }

    // x is one of d[0 .. m-1] and still holds a capability.
    predicate desc_live{L}(struct cap **d, integer m, struct cap *x) =
      0 <= desc_idx(x) < m && d[desc_idx(x)] == x && x->obj != \null;

    // The listed slots are valid and distinct, apart from c, its object
    // and the list itself.
    predicate desc_apart{L}(struct cap *c, struct cap **d, integer m) =
      m >= 0 && \valid_read(d + (0 .. m - 1)) && \separated(d + (0 .. m - 1), c) &&
      (\forall integer i; 0 <= i < m ==> desc_idx(d[i]) == i && \valid(d[i]) &&
        \separated(d[i], c) && \separated(d[i], c->obj) &&
        \separated(d[i], d + (0 .. m - 1))) &&
      (\forall struct cap *x, *y; 0 <= desc_idx(x) < m && 0 <= desc_idx(y) < m &&
        desc_idx(x) != desc_idx(y) ==> \separated(x, y));

    // What holds of d[i], clause by clause: deleted (an empty slot), or
    // a capability to o whose links all lead to c or to other listed
    // slots that hold one. Its parent and previous sibling come earlier
    // in the list (a list in pre-order does that), its first child is
    // the head of a list whose members all name it as parent, and
    // siblings share their parent.
    predicate desc_dead{L}(struct cap **d, integer i) =
      d[i]->obj == \null ==> emptied(d[i]);
    predicate desc_obj{L}(struct cap **d, integer i, struct kobj *o) =
      d[i]->obj != \null ==> d[i]->obj == o;
    predicate desc_parent{L}(struct cap *c, struct cap **d, integer m, integer i) =
      d[i]->obj != \null ==> d[i]->parent == c ||
        (desc_live(d, m, d[i]->parent) && desc_idx(d[i]->parent) < i);
    predicate desc_prev{L}(struct cap **d, integer m, integer i) =
      d[i]->obj != \null && d[i]->prev != \null ==>
        desc_live(d, m, d[i]->prev) && desc_idx(d[i]->prev) < i &&
        d[i]->prev->next == d[i];
    predicate desc_next{L}(struct cap **d, integer m, integer i) =
      d[i]->obj != \null && d[i]->next != \null ==>
        desc_live(d, m, d[i]->next) && d[i]->next->prev == d[i] &&
        d[i]->next->parent == d[i]->parent;
    predicate desc_child{L}(struct cap **d, integer m, integer i) =
      d[i]->obj != \null && d[i]->child != \null ==>
        desc_live(d, m, d[i]->child) && d[i]->child->parent == d[i] &&
        d[i]->child->prev == \null;
    predicate desc_first{L}(struct cap **d, integer i) =
      d[i]->obj != \null && d[i]->prev == \null ==> d[i]->parent->child == d[i];

    // c's first child, if any, heads the list of its children.
    predicate desc_head{L}(struct cap *c, struct cap **d, integer m) =
      c->child == \null || (desc_live(d, m, c->child) && c->child->parent == c &&
        c->child->prev == \null);

    // c's subtree is d[0 .. m-1] (with the slots deleted so far).
    predicate desc_ok{L}(struct cap *c, struct cap **d, integer m, struct kobj *o) =
      desc_head(c, d, m) &&
      (\forall integer i; 0 <= i < m ==> desc_dead(d, i)) &&
      (\forall integer i; 0 <= i < m ==> desc_obj(d, i, o)) &&
      (\forall integer i; 0 <= i < m ==> desc_parent(c, d, m, i)) &&
      (\forall integer i; 0 <= i < m ==> desc_prev(d, m, i)) &&
      (\forall integer i; 0 <= i < m ==> desc_next(d, m, i)) &&
      (\forall integer i; 0 <= i < m ==> desc_child(d, m, i)) &&
      (\forall integer i; 0 <= i < m ==> desc_first(d, i));
*/

/*
 * Deletes every capability derived from c (not c itself); returns how
 * many. The ghost arguments are for the proof: d lists c's subtree (any
 * order with parents and earlier siblings first), and at and pos are
 * scratch arrays of m entries for the count.
 */
/*@ requires \valid(c);
    requires ops != \null ==> \valid_read(ops);
    behavior empty:
      assumes c->obj == \null;
      assigns \nothing;
      ensures \result == 0;
    behavior subtree:
      assumes c->obj != \null;
      requires \valid(c->obj) && \separated(c->obj, c) && c->obj->caps > m;
      requires desc_apart(c, d, m) && desc_ok(c, d, m, c->obj);
      requires \forall integer i; 0 <= i < m ==> d[i]->obj != \null;
      requires \valid(at + (0 .. m - 1)) && \valid(pos + (0 .. m - 1)) &&
        \separated(at + (0 .. m - 1), pos + (0 .. m - 1));
      assigns c->child, c->obj->caps, { *d[i] | integer i; 0 <= i < m },
        at[0 .. m - 1], pos[0 .. m - 1];
      // Exactly the subtree goes: every listed slot is emptied, c keeps
      // everything but its (now absent) children, and nothing else is
      // written. The object stays, with m fewer capabilities.
      ensures \result == m;
      ensures \forall integer i; 0 <= i < m ==> emptied(d[i]);
      ensures c->child == \null;
      ensures c->obj->caps == \old(c->obj->caps) - m;
    complete behaviors;
    disjoint behaviors; */
uint64_t cap_revoke(struct cap *c, const struct cap_ops *ops)
	/*@ ghost (struct cap **d, int \ghost *at, long \ghost *pos, int m) */;

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
