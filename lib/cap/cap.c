/*
 * Capability slots and the derivation tree (see cap.h for invariants).
 */
#include <stddef.h>

#include "lib/cap/cap.h"

/*@ requires \valid(c);
    requires parent != \null ==> \valid(parent) && \separated(parent, c);
    requires parent != \null && parent->child != \null ==>
      \valid(parent->child) && \separated(parent->child, parent, c);
    assigns c->parent, c->prev, c->next, parent->child, parent->child->prev;
    ensures c->parent == parent && c->prev == \null;
    ensures parent != \null ==> parent->child == c && c->next == \old(parent->child);
    ensures parent == \null ==> c->next == \null; */
static void
link_child(struct cap *parent, struct cap *c)
{
	c->parent = parent;
	c->prev = NULL;
	c->next = parent ? parent->child : NULL;
	if (c->next)
		c->next->prev = c;
	if (parent)
		parent->child = c;
}

/*
 * Takes c out of its sibling list (cap_delete, when c has no children).
 * One assigns clause for both behaviors: with one per behavior, WP lost
 * track of the memory where the caller's paths meet.
 */
/*@ requires \valid(c);
    requires c->prev != \null ==> \valid(c->prev) && \separated(c->prev, c);
    requires c->prev == \null && c->parent != \null ==>
      \valid(c->parent) && \separated(c->parent, c);
    requires c->next != \null ==> \valid(c->next) && \separated(c->next, c) &&
      (c->prev == \null || \separated(c->next, c->prev)) &&
      (c->prev != \null || c->parent == \null || \separated(c->next, c->parent));
    assigns c->parent, c->next, c->prev, c->prev->next, c->parent->child,
      c->next->prev;
    ensures \old(c->next) != \null ==> \old(c->next)->prev == \old(c->prev);
    ensures c->parent == \null && c->next == \null && c->prev == \null;
    behavior middle:
      assumes c->prev != \null;
      ensures \old(c->prev)->next == \old(c->next);
    behavior first:
      assumes c->prev == \null;
      ensures \old(c->parent) != \null ==> \old(c->parent)->child == \old(c->next);
    complete behaviors;
    disjoint behaviors; */
static void
unlink_node(struct cap *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else if (c->parent)
		c->parent->child = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->parent = c->next = c->prev = NULL;
}

/*@ requires \valid(c);
    assigns c->obj, c->rights, c->badge, c->parent, c->child, c->next, c->prev;
    ensures c->obj == \null && c->rights == 0 && c->badge == 0;
    ensures c->parent == \null && c->child == \null && c->next == \null &&
      c->prev == \null; */
static void
clear(struct cap *c)
{
	c->obj = NULL;
	c->rights = 0;
	c->badge = 0;
	c->parent = c->child = c->next = c->prev = NULL;
}

int
cap_install(struct cap *dst, struct kobj *obj, uint32_t rights)
{
	if (dst->obj != NULL)
		return E_BUSY;
	if (obj == NULL || (rights & ~(uint32_t)RIGHTS_ALL))
		return E_INVAL;
	clear(dst);
	dst->obj = obj;
	dst->rights = rights;
	obj->caps++;
	return E_OK;
}

/*@ assigns \nothing;
    ensures \result != 0 <==> type == CAP_ENDPOINT || type == CAP_NOTIFICATION; */
static int
takes_badge(uint32_t type)
{
	return type == CAP_ENDPOINT || type == CAP_NOTIFICATION;
}

int
cap_derive(struct cap *src, struct cap *dst, uint32_t rights, uint64_t badge)
{
	if (src == dst || (rights & ~(uint32_t)RIGHTS_ALL))
		return E_INVAL;
	if (src->obj == NULL)
		return E_NOCAP;
	if (dst->obj != NULL)
		return E_BUSY;
	if (badge != 0 && !takes_badge(src->obj->type))
		return E_INVAL;
	if (badge != 0 && src->badge != 0 && badge != src->badge)
		return E_BADGE;
	clear(dst);
	dst->obj = src->obj;
	dst->rights = src->rights & rights;
	dst->badge = src->badge ? src->badge : badge;
	link_child(src, dst);
	src->obj->caps++;
	return E_OK;
}

int
cap_move(struct cap *src, struct cap *dst) /*@ ghost (int n) */
{
	struct kobj *obj = src->obj;
	struct cap *parent = src->parent, *child = src->child;
	struct cap *next = src->next, *prev = src->prev;
	struct cap *ch;

	if (src == dst)
		return E_INVAL;
	if (obj == NULL)
		return E_NOCAP;
	if (dst->obj != NULL)
		return E_BUSY;
	/* Point every neighbour at the new slot. */
	if (prev)
		prev->next = dst;
	else if (parent)
		parent->child = dst;
	if (next)
		next->prev = dst;
	/*@ ghost int i = 0; */
	/*@ loop invariant 0 <= i <= n && ch == sib(child, i);
	    loop invariant \forall integer j; 0 <= j < i ==> sib(child, j)->parent == dst;
	    loop invariant \forall integer j; 0 <= j < n ==>
	      sib(child, j)->next == sib(child, j + 1);
	    loop assigns ch, i, { sib(child, j)->parent | integer j; 0 <= j < n };
	    loop variant n - i; */
	for (ch = child; ch; ch = ch->next) {
		/*@ assert \forall integer j; 0 <= j < n && j != i ==>
		      \separated(ch, sib(child, j)); */
		ch->parent = dst;
		/*@ assert ch->next == sib(child, i + 1); */
		/*@ assert \forall integer j; 0 <= j < n && j != i ==>
		      sib(child, j)->next == sib(child, j + 1); */
		/*@ ghost i++; */
	}
	/*
	 * Field by field, from the values read before any store (a
	 * structure copy is one opaque store to the proof).
	 */
	dst->obj = obj;
	dst->rights = src->rights;
	dst->pad = src->pad;
	dst->badge = src->badge;
	dst->parent = parent;
	dst->child = child;
	dst->next = next;
	dst->prev = prev;
	clear(src);
	return E_OK;
}

/*
 * c's children take its place among its siblings, in their order, and
 * their parent becomes c's. c's own links are left for clear().
 */
/*@ requires \valid(c) && c->parent != \null && neighbours_ok(c);
    requires n >= 1 && children_ok(c, n);
    assigns c->prev->next, c->parent->child, c->next->prev,
      { sib(c->child, i)->parent | integer i; 0 <= i < n },
      sib(c->child, 0)->prev, sib(c->child, n - 1)->next;
    ensures \forall integer i; 0 <= i < n ==>
      sib(\old(c->child), i)->parent == \old(c->parent);
    ensures \forall integer i; 0 <= i < n - 1 ==>
      sib(\old(c->child), i)->next == sib(\old(c->child), i + 1);
    ensures sib(\old(c->child), 0)->prev == \old(c->prev);
    ensures sib(\old(c->child), n - 1)->next == \old(c->next);
    ensures \old(c->prev) != \null ==> \old(c->prev)->next == \old(c->child);
    ensures \old(c->prev) == \null ==> \old(c->parent)->child == \old(c->child);
    ensures \old(c->next) != \null ==> \old(c->next)->prev == sib(\old(c->child), n - 1); */
static void
adopt(struct cap *c) /*@ ghost (int n) */
{
	struct cap *parent = c->parent, *first = c->child;
	struct cap *next = c->next, *prev = c->prev;
	struct cap *ch, *last = first;

	/*@ ghost int i = 0; */
	/*@ loop invariant 0 <= i <= n && ch == sib(first, i);
	    loop invariant i == 0 ==> last == first;
	    loop invariant i > 0 ==> last == sib(first, i - 1);
	    loop invariant \forall integer j; 0 <= j < i ==> sib(first, j)->parent == parent;
	    loop invariant \forall integer j; 0 <= j < n ==>
	      sib(first, j)->next == sib(first, j + 1);
	    loop assigns ch, last, i, { sib(first, j)->parent | integer j; 0 <= j < n };
	    loop variant n - i; */
	for (ch = first; ch; ch = ch->next) {
		/*@ assert \forall integer j; 0 <= j < n && j != i ==>
		      \separated(ch, sib(first, j)); */
		ch->parent = parent;
		last = ch;
		/*@ ghost i++; */
	}
	/*@ assert i == n && last == sib(first, n - 1); */
	/*@ assert \forall integer j; 0 < j < n ==> \separated(first, sib(first, j)); */
	/*@ assert \forall integer j; 0 <= j < n - 1 ==> \separated(last, sib(first, j)); */
	/*@ assert \forall integer j; 0 <= j < n ==> \separated(sib(first, j), parent) &&
	      (prev == \null || \separated(sib(first, j), prev)) &&
	      (next == \null || \separated(sib(first, j), next)); */
	/* Splice first .. last in where c was. */
	first->prev = prev;
	/*@ assert \forall integer j; 0 <= j < n ==> sib(first, j)->parent == parent; */
	/*@ assert \forall integer j; 0 <= j < n - 1 ==> sib(first, j)->next == sib(first, j + 1); */
	if (prev)
		prev->next = first;
	else
		parent->child = first;
	/*@ assert \forall integer j; 0 <= j < n ==> sib(first, j)->parent == parent; */
	/*@ assert \forall integer j; 0 <= j < n - 1 ==> sib(first, j)->next == sib(first, j + 1); */
	/*@ assert first->prev == prev; */
	last->next = next;
	/*@ assert \forall integer j; 0 <= j < n ==> sib(first, j)->parent == parent; */
	/*@ assert first->prev == prev; */
	if (next)
		next->prev = last;
	/*@ assert first->prev == prev; */
}

/*
 * c is a root: its children become roots too, with no parent and no
 * siblings (as link_child(NULL, ...) leaves them), and c leaves its
 * sibling list. c's own links are left for clear().
 */
/*@ requires \valid(c) && c->parent == \null && neighbours_ok(c);
    requires n >= 1 && children_ok(c, n);
    assigns c->prev->next, c->next->prev,
      { sib(c->child, i)->parent | integer i; 0 <= i < n },
      { sib(c->child, i)->next | integer i; 0 <= i < n },
      { sib(c->child, i)->prev | integer i; 0 <= i < n };
    ensures \forall integer i; 0 <= i < n ==> sib(\old(c->child), i)->parent == \null &&
      sib(\old(c->child), i)->next == \null && sib(\old(c->child), i)->prev == \null;
    ensures \old(c->prev) != \null ==> \old(c->prev)->next == \old(c->next);
    ensures \old(c->next) != \null ==> \old(c->next)->prev == \old(c->prev); */
static void
orphan(struct cap *c) /*@ ghost (int n) */
{
	struct cap *first = c->child, *next = c->next, *prev = c->prev;
	struct cap *ch, *after;

	/*@ ghost int i = 0; */
	/*@ loop invariant 0 <= i <= n && ch == sib(first, i);
	    loop invariant \forall integer j; 0 <= j < i ==> sib(first, j)->parent == \null &&
	      sib(first, j)->next == \null && sib(first, j)->prev == \null;
	    loop invariant \forall integer j; i <= j < n ==>
	      sib(first, j)->next == sib(first, j + 1);
	    loop assigns ch, after, i, { sib(first, j)->parent | integer j; 0 <= j < n },
	      { sib(first, j)->next | integer j; 0 <= j < n },
	      { sib(first, j)->prev | integer j; 0 <= j < n };
	    loop variant n - i; */
	for (ch = first; ch; ch = after) {
		/*@ assert \forall integer j; 0 <= j < n && j != i ==>
		      \separated(ch, sib(first, j)); */
		after = ch->next;
		ch->parent = ch->next = ch->prev = NULL;
		/*@ ghost i++; */
	}
	/*@ assert i == n; */
	/*@ assert \forall integer j; 0 <= j < n ==>
	      (prev == \null || \separated(sib(first, j), prev)) &&
	      (next == \null || \separated(sib(first, j), next)); */
	/* c is a root, so it is nobody's first child. */
	if (prev)
		prev->next = next;
	if (next)
		next->prev = prev;
}

/*
 * The kernel's release function is called through a pointer, which the
 * proof cannot follow. This contract is assumed, not proved (it is left
 * out of the proved functions; docs/proofs.md): release changes nothing
 * the contracts here speak of. That is not true of every release: the
 * last capability to a thread may reap its ended process, which deletes
 * that process's capabilities. cap_delete's contract then describes the
 * state release is called in, not what release does after.
 */
/*@ requires ops != \null ==> \valid_read(ops);
    assigns \nothing; */
static void
release(const struct cap_ops *ops, struct kobj *obj)
{
	if (ops && ops->release)
		ops->release(ops->ctx, obj);
}

void
cap_delete(struct cap *c, const struct cap_ops *ops) /*@ ghost (int n) */
{
	struct kobj *obj = c->obj;

	if (obj == NULL)
		return;
	/* The children keep their rights; they now hang off our parent. */
	if (c->child == NULL)
		unlink_node(c);
	else if (c->parent) {
		/*@ assert \separated(sib(c->child, n - 1), c); */
		adopt(c) /*@ ghost (n) */;
	} else
		orphan(c) /*@ ghost (n) */;
	clear(c);
	if (--obj->caps == 0)
		release(ops, obj);
}

uint64_t
cap_revoke(struct cap *c, const struct cap_ops *ops)
{
	uint64_t n = 0;

	if (c->obj == NULL)
		return 0;
	/* Walk down to a leaf and delete it, until c has no children. */
	while (c->child) {
		struct cap *leaf = c->child;

		while (leaf->child)
			leaf = leaf->child;
		cap_delete(leaf, ops) /*@ ghost (0) */;	/* no children */
		n++;
	}
	return n;
}

int
cap_check(const struct cap *c, uint32_t type, uint32_t need)
{
	if (c->obj == NULL)
		return E_NOCAP;
	if (type != CAP_NULL && c->obj->type != type)
		return E_TYPE;
	if ((c->rights & need) != need)
		return E_RIGHTS;
	return E_OK;
}
