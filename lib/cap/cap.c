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

/*@ // What deleting leaf d[k] changes, from state A to state B: the list
    // stays, leaf is emptied, its parent's first child is its next
    // sibling, which has no previous one; no other field of a listed
    // slot changes, nor c's object or (unless c is the parent) c's child.
    predicate leaf_step{A,B}(struct cap *c, struct cap **d, integer m, integer k) =
      (\forall integer i; 0 <= i < m ==> \at(d[i], B) == \at(d[i], A)) &&
      emptied{B}(\at(d[k], A)) &&
      \at(\at(d[k]->parent, A)->child, B) == \at(d[k]->next, A) &&
      (\at(d[k]->next, A) != \null ==> \at(\at(d[k]->next, A)->prev, B) == \null) &&
      (\forall integer i; 0 <= i < m && i != k ==>
        \at(d[i]->obj, B) == \at(d[i]->obj, A) &&
        \at(d[i]->parent, B) == \at(d[i]->parent, A) &&
        \at(d[i]->next, B) == \at(d[i]->next, A) &&
        \at(d[i]->rights, B) == \at(d[i]->rights, A) &&
        \at(d[i]->badge, B) == \at(d[i]->badge, A)) &&
      (\forall integer i; 0 <= i < m && i != k && \at(d[i], A) != \at(d[k]->next, A) ==>
        \at(d[i]->prev, B) == \at(d[i]->prev, A)) &&
      (\forall integer i; 0 <= i < m && i != k && \at(d[i], A) != \at(d[k]->parent, A) ==>
        \at(d[i]->child, B) == \at(d[i]->child, A)) &&
      \at(c->obj, B) == \at(c->obj, A) &&
      (c != \at(d[k]->parent, A) ==> \at(c->child, B) == \at(c->child, A));
*/

/*@ // What holds of leaf d[k] before it is deleted, with the list's
    // slots neither null nor c: it holds a capability, is its parent's
    // first child, has no children, and no listed slot names it as parent.
    predicate leaf_ok{A}(struct cap *c, struct cap **d, integer m, integer k) =
      0 <= k < m && d[k]->obj != \null && d[k]->prev == \null &&
      d[k]->child == \null &&
      (\forall integer i; 0 <= i < m ==> d[i] != \null && d[i] != c && desc_idx(d[i]) == i) &&
      desc_parent(c, d, m, k) && desc_next(d, m, k) && desc_first(d, k) &&
      (\forall integer i; 0 <= i < m ==> d[i]->obj == \null || d[i]->parent != d[k]);
*/

/*
 * The lemmas below are proved one clause at a time, each in a frama-c
 * run of its own (tests/proofs/run: -DPROVE_STEP -DPROVE_STEP_<CLAUSE>)
 * with only its own helpers in view: WP puts every lemma of the file
 * into every goal, and with all of them the provers find none.
 * revoke_leaf's second contract is proved with the 8 clause lemmas
 * alone in view (PROVE_KEEP); without a define (the compiler, every
 * other proof) no lemma is there.
 */
#ifdef PROVE_STEP
/*@ // Three steps the helpers below take: a listed slot other than leaf
    // that held a capability still does, with its fields unchanged but
    // for the links that pointed at leaf; one that holds a capability
    // after held one before and is not leaf.
    lemma step_live{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, struct cap *x;
      0 <= k < m && leaf_step{A,B}(c, d, m, k) &&
      desc_live{A}(d, m, x) && x != \at(d[k], A) ==> desc_live{B}(d, m, x);
    lemma step_gone{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
      0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
      \at(d[i]->obj, B) != \null ==> i != k && \at(d[i]->obj, A) != \null;
    lemma step_keep{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, struct cap *x;
      0 <= k < m && leaf_step{A,B}(c, d, m, k) &&
      desc_live{A}(d, m, x) && x != \at(d[k], A) ==>
      \at(x->parent, B) == \at(x->parent, A) && \at(x->next, B) == \at(x->next, A);
*/

#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_DEAD)
/*@
      lemma step_dead{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        (\forall integer j; 0 <= j < m ==> desc_dead{A}(d, j)) &&
        (\forall integer j; 0 <= j < m ==> \at(d[j], A) != \null && \at(d[j], A) != c) &&
        (\at(d[k]->next, A) != \null ==> \at(\at(d[k]->next, A)->obj, A) != \null) &&
        (\at(d[k]->parent, A) == c || \at(\at(d[k]->parent, A)->obj, A) != \null) ==>
        desc_dead{B}(d, i);
*/
#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_OBJ)
/*@
      lemma step_obj{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i, struct kobj *o;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        (\forall integer j; 0 <= j < m ==> desc_obj{A}(d, j, o)) ==>
        desc_obj{B}(d, i, o);
*/
#endif

#ifdef PROVE_STEP_PARENT
/*@
      lemma parent_kept{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) && \at(d[i]->obj, B) != \null &&
        (\at(d[i]->obj, A) == \null || \at(d[i]->parent, A) != \at(d[k], A)) &&
        desc_parent{A}(c, d, m, i) ==>
        i != k && \at(d[i]->parent, B) == \at(d[i]->parent, A) &&
        (\at(d[i]->parent, A) == c || desc_live{A}(d, m, \at(d[i]->parent, A)) &&
          desc_idx(\at(d[i]->parent, A)) < i && \at(d[i]->parent, A) != \at(d[k], A));
*/
#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_PARENT)
/*@
      lemma step_parent{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        (\forall integer j; 0 <= j < m ==> desc_parent{A}(c, d, m, j)) &&
        (\forall integer j; 0 <= j < m ==> \at(d[j]->obj, A) == \null || \at(d[j]->parent, A) != \at(d[k], A)) ==>
        desc_parent{B}(c, d, m, i);
*/
#endif

#ifdef PROVE_STEP_PREV
/*@
      lemma prev_kept{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        \at(d[i], A) != \null && \at(d[i]->obj, B) != \null && \at(d[i]->prev, B) != \null ==>
        i != k && \at(d[i], A) != \at(d[k]->next, A) && \at(d[i]->prev, B) == \at(d[i]->prev, A);
*/
#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_PREV)
/*@
      lemma step_prev{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        \at(d[i], A) != \null &&
        (\forall integer j; 0 <= j < m ==> desc_prev{A}(d, m, j)) ==>
        desc_prev{B}(d, m, i);
*/
#endif

#ifdef PROVE_STEP_NEXT
/*@
      lemma next_kept{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) && \at(d[i]->obj, B) != \null ==>
        i != k && \at(d[i], A) != \at(d[k], A) && \at(d[i]->obj, A) != \null &&
        \at(d[i]->parent, B) == \at(d[i]->parent, A) && \at(d[i]->next, B) == \at(d[i]->next, A);
*/
#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_NEXT)
/*@
      lemma step_next{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        (\forall integer j; 0 <= j < m ==> desc_next{A}(d, m, j)) &&
        (\forall integer j; 0 <= j < m ==> \at(d[j], A) != \null) &&
        \at(d[k]->prev, A) == \null &&
        (\at(d[k]->next, A) != \null ==> \at(\at(d[k]->next, A)->prev, A) == \at(d[k], A)) ==>
        desc_next{B}(d, m, i);
*/
#endif

#ifdef PROVE_STEP_CHILD
/*@
      lemma child_kept{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) && \at(d[i]->obj, B) != \null ==>
        i != k && \at(d[i]->obj, A) != \null &&
        (\at(d[i], A) == \at(d[k]->parent, A) ==> \at(d[i]->child, B) == \at(d[k]->next, A)) &&
        (\at(d[i], A) != \at(d[k]->parent, A) ==> \at(d[i]->child, B) == \at(d[i]->child, A));
*/
#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_CHILD)
/*@
      lemma step_child{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        (\forall integer j; 0 <= j < m ==> desc_child{A}(d, m, j)) &&
        \at(d[k], A) != \null &&
        \at(d[k]->prev, A) == \null &&
        (\at(d[k]->next, A) != \null ==> desc_live{A}(d, m, \at(d[k]->next, A)) && \at(\at(d[k]->next, A)->prev, A) == \at(d[k], A) &&
          \at(\at(d[k]->next, A)->parent, A) == \at(d[k]->parent, A)) ==>
        desc_child{B}(d, m, i);
*/
#endif

#ifdef PROVE_STEP_FIRST
/*@
      lemma first_kept{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) && \at(d[i], A) != \null &&
        \at(d[i]->obj, B) != \null ==>
        i != k && \at(d[i], A) != \at(d[k], A) && \at(d[i]->obj, A) != \null &&
        \at(d[i]->parent, B) == \at(d[i]->parent, A) &&
        (\at(d[i], A) != \at(d[k]->next, A) ==> \at(d[i]->prev, B) == \at(d[i]->prev, A));
      lemma first_parent{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        \at(d[i]->obj, A) != \null && desc_parent{A}(c, d, m, i) &&
        \at(d[i]->parent, A) != \at(d[k], A) && \at(d[i]->parent, A) != \at(d[k]->parent, A) ==>
        \at(\at(d[i]->parent, A)->child, B) == \at(\at(d[i]->parent, A)->child, A);
      lemma first_next{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        \at(d[i], A) == \at(d[k]->next, A) && \at(d[i], A) != \null &&
        \at(\at(d[k]->next, A)->parent, A) == \at(d[k]->parent, A) &&
        \at(d[i]->obj, B) != \null ==>
        \at(\at(d[i]->parent, B)->child, B) == \at(d[i], B);
      lemma first_other_at{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        \at(d[i], A) != \at(d[k]->next, A) && \at(d[i], A) != \null &&
        \at(d[i]->obj, B) != \null && \at(d[i]->prev, B) == \null &&
        desc_first{A}(d, i) && desc_parent{A}(c, d, m, i) &&
        (\at(d[i]->obj, A) == \null || \at(d[i]->parent, A) != \at(d[k], A)) &&
        \at(\at(d[k]->parent, A)->child, A) == \at(d[k], A) ==>
        \at(\at(d[i]->parent, B)->child, B) == \at(d[i], B);
      lemma first_at{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        desc_first{A}(d, i) && desc_parent{A}(c, d, m, i) && \at(d[i], A) != \null &&
        (\at(d[i]->obj, A) == \null || \at(d[i]->parent, A) != \at(d[k], A)) &&
        \at(d[k], A) != \null &&
        \at(\at(d[k]->parent, A)->child, A) == \at(d[k], A) &&
        (\at(d[k]->next, A) != \null ==> \at(\at(d[k]->next, A)->parent, A) == \at(d[k]->parent, A)) ==>
        desc_first{B}(d, i);
      lemma first_inst{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        (\forall integer j; 0 <= j < m ==> desc_first{A}(d, j)) &&
        (\forall integer j; 0 <= j < m ==> desc_parent{A}(c, d, m, j)) &&
        (\forall integer j; 0 <= j < m ==> \at(d[j], A) != \null) &&
        (\forall integer j; 0 <= j < m ==> \at(d[j]->obj, A) == \null || \at(d[j]->parent, A) != \at(d[k], A)) ==>
        desc_first{A}(d, i) && desc_parent{A}(c, d, m, i) && \at(d[i], A) != \null &&
        (\at(d[i]->obj, A) == \null || \at(d[i]->parent, A) != \at(d[k], A));
*/
#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_FIRST)
/*@
      lemma step_first{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k, integer i;
        0 <= k < m && 0 <= i < m && leaf_step{A,B}(c, d, m, k) &&
        (\forall integer j; 0 <= j < m ==> desc_first{A}(d, j)) &&
        (\forall integer j; 0 <= j < m ==> desc_parent{A}(c, d, m, j)) &&
        (\forall integer j; 0 <= j < m ==> \at(d[j], A) != \null) &&
        (\forall integer j; 0 <= j < m ==> \at(d[j]->obj, A) == \null || \at(d[j]->parent, A) != \at(d[k], A)) &&
        \at(d[k], A) != \null &&
        \at(\at(d[k]->parent, A)->child, A) == \at(d[k], A) &&
        (\at(d[k]->next, A) != \null ==> \at(\at(d[k]->next, A)->parent, A) == \at(d[k]->parent, A)) ==>
        desc_first{B}(d, i);
*/
#endif

#if defined(PROVE_KEEP) || defined(PROVE_STEP_HEAD)
/*@
      lemma step_head{A,B}: \forall struct cap *c, struct cap **d, integer m, integer k;
        0 <= k < m && leaf_step{A,B}(c, d, m, k) &&
        desc_head{A}(c, d, m) &&
        \at(d[k], A) != \null &&
        \at(d[k]->prev, A) == \null &&
        (\at(d[k]->next, A) != \null ==> desc_live{A}(d, m, \at(d[k]->next, A)) && \at(\at(d[k]->next, A)->prev, A) == \at(d[k], A) &&
          \at(\at(d[k]->next, A)->parent, A) == \at(d[k]->parent, A)) ==>
        desc_head{B}(c, d, m);
*/
#endif

/*
 * revoke_leaf's second contract, seen only by the proofs that define
 * PROVE_DESC (Frama-C merges it with the one at the definition): for a
 * subtree described by desc_ok, deleting the leaf keeps each clause. It
 * is apart so that the frame contract's proof does not carry these
 * quantified hypotheses, with which its goals took 20 s and more
 * instead of 0.1 s.
 */
#ifdef PROVE_DESC
/*@
    requires leaf_ok(c, d, m, k);
    requires \forall integer i; 0 <= i < m ==> desc_dead(d, i);
    requires \forall integer i; 0 <= i < m ==> desc_obj(d, i, c->obj);
    requires \forall integer i; 0 <= i < m ==> desc_parent(c, d, m, i);
    requires \forall integer i; 0 <= i < m ==> desc_prev(d, m, i);
    requires \forall integer i; 0 <= i < m ==> desc_next(d, m, i);
    requires \forall integer i; 0 <= i < m ==> desc_child(d, m, i);
    requires \forall integer i; 0 <= i < m ==> desc_first(d, i);
    requires desc_head(c, d, m);
    ensures keep_dead: \forall integer i; 0 <= i < m ==> desc_dead(d, i);
    ensures keep_obj: \forall integer i; 0 <= i < m ==> desc_obj(d, i, \old(c->obj));
    ensures keep_parent: \forall integer i; 0 <= i < m ==> desc_parent(c, d, m, i);
    ensures keep_prev: \forall integer i; 0 <= i < m ==> desc_prev(d, m, i);
    ensures keep_next: \forall integer i; 0 <= i < m ==> desc_next(d, m, i);
    ensures keep_child: \forall integer i; 0 <= i < m ==> desc_child(d, m, i);
    ensures keep_first: \forall integer i; 0 <= i < m ==> desc_first(d, i);
    ensures keep_head: desc_head(c, d, m); */
static void revoke_leaf(struct cap *leaf, const struct cap_ops *ops)
	/*@ ghost (struct cap *c, struct cap **d, int k, int m) */;
#endif

/*
 * Deletes leaf, the first of its siblings and without children (the
 * case of cap_delete cap_revoke needs, with a contract of its own: the
 * proof cannot bound what cap_delete's other cases write). Its contract
 * says, of the slots d[0 .. m-1] (leaf is d[k]), which fields change:
 * what cap_revoke's proof needs, without memory reasoning of its own.
 */
/*@ requires \valid(leaf) && leaf->prev == \null && leaf->child == \null;
    requires leaf->obj != \null && \valid(leaf->obj) && \separated(leaf->obj, leaf) &&
      leaf->obj->caps >= 1;
    requires \valid(leaf->parent) && \separated(leaf->parent, leaf);
    requires leaf->next != \null ==> \valid(leaf->next) &&
      \separated(leaf->next, leaf) && \separated(leaf->next, leaf->parent);
    requires ops != \null ==> \valid_read(ops);
    requires 0 <= k < m && \valid_read(d + (0 .. m - 1)) && d[k] == leaf;
    requires \separated(d + (0 .. m - 1), leaf) && \separated(d + (0 .. m - 1), leaf->parent) &&
      (leaf->next == \null || \separated(d + (0 .. m - 1), leaf->next));
    requires \forall integer i; 0 <= i < m && i != k ==> \separated(d[i], leaf);
    requires \forall integer i; 0 <= i < m ==> \separated(d[i], leaf->obj);
    requires \forall integer i; 0 <= i < m ==>
      d[i] == leaf->parent || \separated(d[i], leaf->parent);
    requires \forall integer i; 0 <= i < m ==> leaf->next == \null ||
      d[i] == leaf->next || \separated(d[i], leaf->next);
    requires \separated(c, leaf) && (c == leaf->parent || \separated(c, leaf->parent)) &&
      (leaf->next == \null || \separated(c, leaf->next));
    requires \valid(c);
    assigns *leaf, leaf->parent->child, leaf->next->prev, leaf->obj->caps;
    ensures emptied(leaf);
    ensures \old(leaf->obj)->caps == \old(leaf->obj->caps) - 1;
    ensures \old(leaf->parent)->child == \old(leaf->next);
    ensures \old(leaf->next) != \null ==> \old(leaf->next)->prev == \null;
    ensures \forall integer i; 0 <= i < m ==> d[i] == \old(d[i]);
    ensures \forall integer i; 0 <= i < m && i != k ==>
      d[i]->obj == \old(d[i]->obj) && d[i]->parent == \old(d[i]->parent) &&
      d[i]->next == \old(d[i]->next) && d[i]->rights == \old(d[i]->rights) &&
      d[i]->badge == \old(d[i]->badge);
    ensures \forall integer i; 0 <= i < m && i != k && d[i] != \old(leaf->next) ==>
      d[i]->prev == \old(d[i]->prev);
    ensures \forall integer i; 0 <= i < m && i != k && d[i] != \old(leaf->parent) ==>
      d[i]->child == \old(d[i]->child);
    ensures c->obj == \old(c->obj);
    ensures c != \old(leaf->parent) ==> c->child == \old(c->child);
    ensures step: leaf_step{Pre,Post}(c, d, m, k); */
static void
revoke_leaf(struct cap *leaf, const struct cap_ops *ops)
	/*@ ghost (struct cap *c, struct cap **d, int k, int m) */
{
	struct kobj *obj = leaf->obj;

#ifdef PROVE_DESC
	/*@ assert k_dead: (d[k]->next != \null ==> d[k]->next->obj != \null) &&
	      (d[k]->parent == c || d[k]->parent->obj != \null); */
	/*@ assert k_head: d[k]->next != \null ==> desc_live(d, m, d[k]->next) &&
	      d[k]->next->prev == d[k] && d[k]->next->parent == d[k]->parent; */
#endif
	/* The leaf is its parent's first child. */
	leaf->parent->child = leaf->next;
	if (leaf->next)
		leaf->next->prev = NULL;
	clear(leaf);
	if (--obj->caps == 0)
		release(ops, obj);
	/*@ assert st: leaf_step{Pre,Here}(c, d, m, k); */
}

/*@ // at and pos are inverse permutations of 0 .. m-1.
    predicate perm{L}(int *at, long *pos, integer m) =
      (\forall integer i; 0 <= i < m ==> 0 <= pos[i] < m && at[pos[i]] == i) &&
      (\forall integer r; 0 <= r < m ==> 0 <= at[r] < m && pos[at[r]] == r);
*/

/*
 * Ghost functions (seen only by the proof): each proves one step of
 * cap_revoke's on its own, where the provers see only its contract.
 */
/*@ ghost
  // Moves j to place n of the permutation: what stood at n or later
  // and is not j now stands after n.
  /@ requires 0 <= n < m && 0 <= j < m && pos[j] >= n;
     requires \valid(at + (0 .. m - 1)) && \valid(pos + (0 .. m - 1));
     requires perm(at, pos, m);
     assigns at[0 .. m - 1], pos[0 .. m - 1];
     ensures perm(at, pos, m);
     ensures pos[j] == n;
     ensures \forall integer i; 0 <= i < m && i != j && \old(pos[i]) >= n ==> pos[i] > n;
     ensures \forall integer i; 0 <= i < m && \old(pos[i]) < n ==> pos[i] == \old(pos[i]); @/
  static void
  perm_swap(int \ghost *at, long \ghost *pos, int m, int n, int j)
  {
    int p = pos[j], q = at[n];
    /@ assert w1: at[p] == j && p >= n; @/
    /@ assert w2: 0 <= q < m && pos[q] == n; @/
    /@ assert w3: p == n <==> q == j; @/
    /@ assert w4: \forall integer i; 0 <= i < m && i != j && i != q ==>
         pos[i] != n && pos[i] != p; @/
    /@ assert w5: \forall integer r; 0 <= r < m && r != n && r != p ==>
         at[r] != j && at[r] != q; @/
    at[p] = q;
    pos[q] = p;
    at[n] = j;
    pos[j] = n;
    /@ assert w8: \forall integer i; 0 <= i < m && i != j && i != q ==>
         pos[i] == \at(pos[i], Pre); @/
    /@ assert w9: \forall integer r; 0 <= r < m && r != n && r != p ==>
         at[r] == \at(at[r], Pre); @/
    /@ assert w10: \forall integer i; 0 <= i < m && i != j && i != q ==>
         at[pos[i]] == i; @/
    /@ assert w7: q != j ==> pos[q] == p && at[p] == q && p != n; @/
  }
*/

/*@ ghost
  // No slot in c's subtree names leaf, which has no children, as its
  // parent: the earliest that did would be leaf's first child.
  /@ requires desc_apart(c, d, m) && desc_live(d, m, leaf) && leaf->child == \null;
     requires \forall integer i; 0 <= i < m ==> desc_parent(c, d, m, i);
     requires \forall integer i; 0 <= i < m ==> desc_prev(d, m, i);
     requires \forall integer i; 0 <= i < m ==> desc_next(d, m, i);
     requires \forall integer i; 0 <= i < m ==> desc_first(d, i);
     assigns \nothing;
     ensures \forall integer i; 0 <= i < m ==> d[i]->obj == \null || d[i]->parent != leaf; @/
  static void
  no_child_of(struct cap *c, struct cap **d, int m, struct cap *leaf)
  {
    int j;
    /@ loop invariant 0 <= j <= m;
       loop invariant \forall integer i; 0 <= i < j ==>
         d[i]->obj == \null || d[i]->parent != leaf;
       loop assigns j;
       loop variant m - j; @/
    for (j = 0; j < m; j++) {
      /@ assert desc_prev(d, m, j) && desc_first(d, j); @/
      /@ assert d[j]->obj != \null && d[j]->prev != \null ==>
           desc_next(d, m, desc_idx(d[j]->prev)) &&
           d[desc_idx(d[j]->prev)] == d[j]->prev && desc_idx(d[j]->prev) < j; @/
      /@ assert d[j]->obj != \null && d[j]->prev != \null ==>
           d[j]->prev->parent == d[j]->parent; @/
      /@ assert d[j]->obj != \null && d[j]->prev == \null ==>
           d[j]->parent->child == d[j]; @/
    }
  }
*/

/*@ ghost
  // Nothing is left of a subtree whose root has no first child: the
  // earliest slot still holding a capability would be it.
  /@ requires desc_apart(c, d, m) && c->child == \null;
     requires \forall integer i; 0 <= i < m ==> desc_parent(c, d, m, i);
     requires \forall integer i; 0 <= i < m ==> desc_prev(d, m, i);
     requires \forall integer i; 0 <= i < m ==> desc_first(d, i);
     assigns \nothing;
     ensures \forall integer i; 0 <= i < m ==> d[i]->obj == \null; @/
  static void
  all_gone(struct cap *c, struct cap **d, int m)
  {
    int e;
    /@ loop invariant 0 <= e <= m;
       loop invariant \forall integer i; 0 <= i < e ==> d[i]->obj == \null;
       loop assigns e;
       loop variant m - e; @/
    for (e = 0; e < m; e++) {
      /@ assert desc_parent(c, d, m, e) && desc_prev(d, m, e) && desc_first(d, e); @/
    }
  }
*/

/*@ ghost
  // What revoke_leaf requires, from the subtree's invariant; returns
  // leaf's place in the list.
  /@ requires \valid(c) && desc_apart(c, d, m);
     requires desc_live(d, m, leaf) && leaf->prev == \null;
     requires \forall integer i; 0 <= i < m ==> desc_parent(c, d, m, i);
     requires \forall integer i; 0 <= i < m ==> desc_next(d, m, i);
     assigns \nothing;
     ensures \result == desc_idx(leaf) && 0 <= \result < m && d[\result] == leaf;
     ensures \valid(leaf->parent) && \separated(leaf->parent, leaf);
     ensures leaf->next != \null ==> \valid(leaf->next) &&
       \separated(leaf->next, leaf) && \separated(leaf->next, leaf->parent);
     ensures \separated(d + (0 .. m - 1), leaf) && \separated(d + (0 .. m - 1), leaf->parent) &&
       (leaf->next == \null || \separated(d + (0 .. m - 1), leaf->next));
     ensures \forall integer i; 0 <= i < m && i != \result ==> \separated(d[i], leaf);
     ensures \forall integer i; 0 <= i < m ==>
       d[i] == leaf->parent || \separated(d[i], leaf->parent);
     ensures \forall integer i; 0 <= i < m ==> leaf->next == \null ||
       d[i] == leaf->next || \separated(d[i], leaf->next);
     ensures \separated(c, leaf) && (c == leaf->parent || \separated(c, leaf->parent)) &&
       (leaf->next == \null || \separated(c, leaf->next)); @/
  static int
  leaf_place(struct cap *c, struct cap **d, int m, struct cap *leaf)
  {
    int j;
    /@ assert t1: \forall integer i; 0 <= i < m ==> \separated(d[i], c); @/
    /@ assert t2: \forall integer i, k; 0 <= i < m && 0 <= k < m && i != k ==>
         \separated(d[i], d[k]); @/
    /@ assert a6: desc_parent(c, d, m, desc_idx(leaf)); @/
    /@ assert a7: desc_next(d, m, desc_idx(leaf)); @/
    /@ assert a8: leaf->parent != c ==> desc_live(d, m, leaf->parent) &&
         desc_idx(leaf->parent) < desc_idx(leaf); @/
    /@ assert a9: leaf->parent != c ==> \valid(d[desc_idx(leaf->parent)]) &&
         \separated(d[desc_idx(leaf->parent)], d[desc_idx(leaf)]); @/
    /@ assert t3: leaf->parent != c ==> \forall integer i; 0 <= i < m &&
         i != desc_idx(leaf->parent) ==> \separated(d[i], d[desc_idx(leaf->parent)]); @/
    /@ assert t4: \forall integer i; 0 <= i < m ==>
         d[i] == leaf->parent || \separated(d[i], leaf->parent); @/
    /@ assert a10: leaf->next != \null ==> desc_live(d, m, leaf->next) &&
         leaf->next->prev == leaf && leaf->next != leaf; @/
    /@ assert a10b: leaf->next != \null ==> desc_idx(leaf->next) != desc_idx(leaf); @/
    /@ assert a11: leaf->next != \null ==> \valid(d[desc_idx(leaf->next)]) &&
         \separated(d[desc_idx(leaf->next)], d[desc_idx(leaf)]); @/
    /@ assert a12: leaf->next != \null && leaf->parent != c ==>
         leaf->next->parent == leaf->parent && leaf->next != leaf->parent; @/
    /@ assert a13: leaf->next != \null && leaf->parent != c ==>
         \separated(d[desc_idx(leaf->next)], d[desc_idx(leaf->parent)]); @/
    /@ loop invariant 0 <= j <= desc_idx(leaf);
       loop assigns j;
       loop variant desc_idx(leaf) - j; @/
    for (j = 0; d[j] != leaf; j++)
      ;
    return j;
  }
*/

/*
 * The ghost arguments describe c's subtree (cap.h); at and pos hold a
 * count of what was deleted: at[0 .. n-1] are the list places of the
 * deleted slots and pos is its inverse. A deleted slot is swapped to
 * place n, so n < m while anything is left, which bounds the loop.
 */
uint64_t
cap_revoke(struct cap *c, const struct cap_ops *ops)
	/*@ ghost (struct cap **d, int \ghost *at, long \ghost *pos, int m) */
{
	uint64_t n = 0;

	if (c->obj == NULL)
		return 0;
	/*@ ghost
	  int g;
	  /@ loop invariant 0 <= g <= m;
	     loop invariant \forall integer i; 0 <= i < g ==> at[i] == i && pos[i] == i;
	     loop assigns g, at[0 .. m - 1], pos[0 .. m - 1];
	     loop variant m - g; @/
	  for (g = 0; g < m; g++) {
	    at[g] = g;
	    pos[g] = g;
	  }
	*/
	/* Walk down to a leaf and delete it, until c has no children. */
	/*@ loop invariant 0 <= n <= m && perm(at, pos, m);
	    loop invariant \forall integer i; 0 <= i < m ==>
	      d[i]->obj != \null ==> pos[i] >= n;
	    loop invariant \forall integer i; 0 <= i < m ==>
	      d[i]->obj == \null ==> pos[i] < n;
	    loop invariant c->obj == \at(c->obj, Pre);
	    loop invariant c->obj->caps == \at(c->obj->caps, Pre) - n;
	    loop invariant desc_apart(c, d, m);
	    loop invariant same_d: \forall integer i; 0 <= i < m ==> d[i] == \at(d[i], Pre);
	    loop invariant inv_head: desc_head(c, d, m);
	    loop invariant inv_dead: \forall integer i; 0 <= i < m ==> desc_dead(d, i);
	    loop invariant inv_obj: \forall integer i; 0 <= i < m ==> desc_obj(d, i, c->obj);
	    loop invariant inv_parent: \forall integer i; 0 <= i < m ==> desc_parent(c, d, m, i);
	    loop invariant inv_prev: \forall integer i; 0 <= i < m ==> desc_prev(d, m, i);
	    loop invariant inv_next: \forall integer i; 0 <= i < m ==> desc_next(d, m, i);
	    loop invariant inv_child: \forall integer i; 0 <= i < m ==> desc_child(d, m, i);
	    loop invariant inv_first: \forall integer i; 0 <= i < m ==> desc_first(d, i);
	    loop assigns n, c->child, c->obj->caps, { *\at(d[i], Pre) | integer i; 0 <= i < m },
	      at[0 .. m - 1], pos[0 .. m - 1];
	    loop variant m - n; */
	while (c->child) {
		struct cap *leaf = c->child;

		/*@ loop invariant desc_live(d, m, leaf) && leaf->prev == \null;
		    loop assigns leaf;
		    loop variant m - desc_idx(leaf); */
		while (leaf->child) {
			/*@ assert desc_child(d, m, desc_idx(leaf)); */
			/*@ assert desc_parent(c, d, m, desc_idx(leaf->child)); */
			/*@ assert leaf != c; */
			leaf = leaf->child;
		}
		/*@ assert ob: \let li = desc_idx(leaf); 0 <= li < m && d[li] == leaf &&
		      desc_obj(d, li, c->obj); */
		/*@ assert ob2: leaf->obj == c->obj; */
		/*@ assert desc_parent(c, d, m, desc_idx(leaf)) && desc_next(d, m, desc_idx(leaf)); */
		/*@ assert lp: n <= pos[desc_idx(leaf)] < m; */
		/*@ assert nm: n < m; */
		/*@ ghost
		  int j = leaf_place(c, d, m, leaf);
		  no_child_of(c, d, m, leaf);
		  perm_swap(at, pos, m, n, j);
		*/
		/*@ assert l1: \forall integer i; 0 <= i < m ==> d[i] != \null && d[i] != c &&
		      desc_idx(d[i]) == i; */
		/*@ assert l2: desc_parent(c, d, m, j) && desc_next(d, m, j) && desc_first(d, j); */
		/*@ assert l3: 0 <= j < m && d[j] == leaf && leaf->obj != \null &&
		      leaf->prev == \null && leaf->child == \null; */
		/*@ assert lk: leaf_ok(c, d, m, j); */
		/*@ assert pa: leaf->parent == c || (0 <= desc_idx(leaf->parent) < m &&
		      leaf->parent == d[desc_idx(leaf->parent)]); */
		/*@ assert nx: leaf->next == \null || (0 <= desc_idx(leaf->next) < m &&
		      leaf->next == d[desc_idx(leaf->next)]); */
		/*@ assert wr: \let pi = desc_idx(leaf->parent); \let ni = desc_idx(leaf->next);
		      \let ji = j; 0 <= ji < m && leaf == \at(d[ji], Pre) &&
		      (leaf->parent == c || leaf->parent == \at(d[pi], Pre)) &&
		      (leaf->next == \null || leaf->next == \at(d[ni], Pre)); */
		/*@ ghost Del: ; */
		revoke_leaf(leaf, ops) /*@ ghost (c, d, j, m) */;
		/*@ assert \forall integer i; 0 <= i < m && i != j ==>
		      (d[i]->obj != \null <==> \at(d[i]->obj, Del) != \null); */
		/*@ assert \forall integer i; 0 <= i < m ==> d[i]->obj != \null ==> i != j; */
		/*@ assert \forall integer i; 0 <= i < m ==> d[i] == \at(d[i], Del); */
		/*@ assert c->obj == \at(c->obj, Del) && \valid(c->obj); */
		/*@ assert \forall integer i; 0 <= i < m ==> \valid(d[i]); */
		/*@ assert ap1: \forall integer i; 0 <= i < m ==> d[i] == \at(d[i], LoopCurrent); */
		/*@ assert ap2: c->obj == \at(c->obj, LoopCurrent); */
		/*@ assert ap3: \valid_read(d + (0 .. m - 1)); */
		/*@ assert ap4: desc_apart(c, d, m); */
		/*@ assert \forall integer i; 0 <= i < m && i != j && d[i]->obj == \null ==>
		      \at(d[i]->obj, Del) == \null; */
		/*@ assert \forall integer i; 0 <= i < m && \at(d[i]->obj, Del) == \null ==>
		      \at(pos[i], LoopCurrent) < n; */
		/*@ assert \forall integer i; 0 <= i < m && \at(pos[i], LoopCurrent) < n ==>
		      pos[i] == \at(pos[i], LoopCurrent); */
		/*@ assert pj: pos[j] == n; */
		/*@ assert \forall integer i; 0 <= i < m && i != j && d[i]->obj == \null ==>
		      pos[i] < n; */
		/*@ assert \forall integer i; 0 <= i < m ==> d[i]->obj == \null ==> pos[i] <= n; */
		n++;
	}
	/*@ ghost all_gone(c, d, m); */
	/*@ assert em1: \forall integer i; 0 <= i < m ==> d[i]->obj == \null && desc_dead(d, i); */
	/*@ assert em2: \forall integer i; 0 <= i < m ==> emptied(d[i]); */
	/*@ assert n < m ==> d[at[n]]->obj == \null && pos[at[n]] == n; */
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
