/*
 * Physical frame allocator: one bit per 4 KiB frame over a contiguous
 * range of frame numbers. Pure bookkeeping — it never touches the frames
 * themselves, so it runs unchanged on the host. The caller supplies the
 * bitmap storage (see frame_bitmap_words).
 *
 * Invariants: a set bit means "in use or not RAM"; free counts the clear
 * bits. hint is only where a search starts; correctness never depends on it.
 *
 * The ACSL contracts below state these invariants (frame_ok,
 * frame_counted) and what each call does to the bitmap; they are proved
 * with Frama-C WP (docs/proofs.md).
 */
#ifndef LIB_FRAME_FRAME_H
#define LIB_FRAME_FRAME_H

#include <stdint.h>
#include <stddef.h>

#define FRAME_SIZE 4096ULL
#define FRAME_NONE UINT64_MAX

enum frame_error {
	FRAME_OK = 0,
	FRAME_ERANGE = -1,	/* frame number outside the allocator */
	FRAME_EDOUBLE = -2,	/* frame already free: a double free */
};

struct frame_alloc {
	uint64_t *bitmap;
	uint64_t first;		/* lowest frame number covered */
	uint64_t count;		/* frames covered */
	uint64_t free;		/* frames currently free */
	uint64_t hint;		/* word index where the search starts */
};

/*@ // Bit pos (0..63) of x is set. Frame fa->first + i is in use when
    // bit_test(fa->bitmap[i / 64], i % 64): that formula is written out in
    // full below, as the provers fail to unfold a predicate naming it.
    predicate bit_test(integer x, integer pos) = (x & (1 << pos)) != 0;

    logic integer frame_words(integer count) = (count + 63) / 64;

    // The bitmap is in bounds and apart from fa.
    predicate frame_mem{L}(struct frame_alloc *fa) =
      \valid(fa) && fa->count <= UINT64_MAX - 63 &&
      fa->first + fa->count < FRAME_NONE &&
      \valid(fa->bitmap + (0 .. frame_words(fa->count) - 1)) &&
      \separated(fa, fa->bitmap + (0 .. frame_words(fa->count) - 1));

    // The allocator's invariant, but for the count: the bitmap is in
    // bounds, the hint inside it.
    predicate frame_ok{L}(struct frame_alloc *fa) =
      frame_mem(fa) && fa->hint <= frame_words(fa->count);
*/

/*
 * nfree(bm, n) is the number of clear bits among bits 0 .. n-1 of bm.
 * Only the frama-c run that proves frame.c's take and give (which make
 * every change to a frame's bit after frame_init) and the count_*
 * helpers sees its definition (PROVE_COUNT: tests/proofs/run). Every
 * other function is proved from their contracts, with nfree a function
 * of the bitmap's words that the provers know nothing else about: what
 * is proved that way holds for any such function, so for this one too.
 * The recursive definition, in view of every goal, sends the provers
 * into a loop of unfoldings (docs/proofs.md).
 */
#ifdef PROVE_COUNT
/*@ // 1 when bit pos of x is clear, else 0.
    logic integer bit_free(integer x, integer pos) =
      (x & (1 << pos)) == 0 ? 1 : 0;

    logic integer nfree{L}(uint64_t *bm, integer n) =
      n <= 0 ? 0 : nfree(bm, n - 1) + bit_free(bm[(n - 1) / 64], (n - 1) % 64);
*/
#else
/*@ axiomatic FreeCount {
      logic integer nfree{L}(uint64_t *bm, integer n) reads bm[0 .. (n - 1) / 64];
    }
*/
#endif

/*@ // free counts the clear bits: the frames that are free.
    predicate frame_counted{L}(struct frame_alloc *fa) =
      fa->free == nfree(fa->bitmap, fa->count);
*/

/* Words of bitmap storage needed for count frames. */
/*@ requires count <= UINT64_MAX - 63;
    assigns \nothing;
    ensures \result == frame_words(count); */
size_t frame_bitmap_words(uint64_t count);

/* Covers frames [first, first+count), all marked in use. */
/*@ requires \valid(fa) && count <= UINT64_MAX - 63 && first + count < FRAME_NONE;
    requires \valid(bitmap + (0 .. frame_words(count) - 1));
    requires \separated(fa, bitmap + (0 .. frame_words(count) - 1));
    assigns *fa, bitmap[0 .. frame_words(count) - 1];
    ensures frame_ok(fa) && frame_counted(fa) && fa->free == 0;
    ensures fa->bitmap == bitmap && fa->first == first && fa->count == count;
    ensures \forall integer k; 0 <= k < frame_words(count) ==> bitmap[k] == UINT64_MAX;
    ensures \forall integer k; 0 <= k < count ==> bit_test(bitmap[k / 64], k % 64); */
void frame_init(struct frame_alloc *fa, uint64_t *bitmap, uint64_t first,
    uint64_t count);

/* Marks [pfn, pfn+n) free (clipped to the covered range). Used at start-up. */
/*@ requires frame_ok(fa) && frame_counted(fa);
    assigns fa->bitmap[0 .. frame_words(fa->count) - 1], fa->free, fa->hint;
    ensures frame_ok(fa) && frame_counted(fa);
    ensures \forall integer k; 0 <= k < fa->count && pfn <= fa->first + k < pfn + n ==>
      !bit_test(fa->bitmap[k / 64], k % 64);
    ensures \forall integer k; 0 <= k < fa->count && !(pfn <= fa->first + k < pfn + n) ==>
      (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64))); */
void frame_add_free(struct frame_alloc *fa, uint64_t pfn, uint64_t n);

/* Marks [pfn, pfn+n) in use (clipped). Used to reserve ranges at start-up. */
/*@ requires frame_ok(fa) && frame_counted(fa);
    assigns fa->bitmap[0 .. frame_words(fa->count) - 1], fa->free, fa->hint;
    ensures frame_ok(fa) && frame_counted(fa);
    ensures \forall integer k; 0 <= k < fa->count && pfn <= fa->first + k < pfn + n ==>
      bit_test(fa->bitmap[k / 64], k % 64);
    ensures \forall integer k; 0 <= k < fa->count && !(pfn <= fa->first + k < pfn + n) ==>
      (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64))); */
void frame_reserve(struct frame_alloc *fa, uint64_t pfn, uint64_t n);

/*
 * Returns a free frame number, or FRAME_NONE when none is left. Proved:
 * the frame returned was free and is now in use, nothing else changed;
 * FRAME_NONE only when no frame is free.
 */
/*@ requires frame_ok(fa) && frame_counted(fa);
    assigns fa->bitmap[0 .. frame_words(fa->count) - 1], fa->free, fa->hint;
    ensures frame_ok(fa) && frame_counted(fa);
    ensures \result == FRAME_NONE ==> fa->free == 0;
    ensures \result == FRAME_NONE ==> \forall integer k; 0 <= k < fa->count ==>
      (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64)));
    ensures \result != FRAME_NONE ==>
      fa->first <= \result < fa->first + fa->count &&
      !\old(bit_test(fa->bitmap[(\result - fa->first) / 64], (\result - fa->first) % 64)) &&
      bit_test(fa->bitmap[(\result - fa->first) / 64], (\result - fa->first) % 64) &&
      \forall integer k; 0 <= k < fa->count && k != \result - fa->first ==>
        (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64))); */
uint64_t frame_alloc(struct frame_alloc *fa);

/*
 * Returns the first of n consecutive free frames whose first frame number
 * is a multiple of align (a power of two), or FRAME_NONE.
 */
/*@ requires frame_ok(fa) && frame_counted(fa);
    assigns fa->bitmap[0 .. frame_words(fa->count) - 1], fa->free, fa->hint;
    ensures frame_ok(fa) && frame_counted(fa);
    ensures \result == FRAME_NONE ==> \forall integer k; 0 <= k < fa->count ==>
      (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64)));
    ensures \result != FRAME_NONE ==>
      n >= 1 && \result % align == 0 &&
      fa->first <= \result && \result + n <= fa->first + fa->count &&
      \forall integer k; 0 <= k < fa->count && \result <= fa->first + k < \result + n ==>
        !\old(bit_test(fa->bitmap[k / 64], k % 64)) && bit_test(fa->bitmap[k / 64], k % 64);
    ensures \result != FRAME_NONE ==>
      \forall integer k; 0 <= k < fa->count && !(\result <= fa->first + k < \result + n) ==>
        (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64))); */
uint64_t frame_alloc_contig(struct frame_alloc *fa, uint64_t n, uint64_t align);

/* Frees one frame; detects double frees and foreign frames. */
/*@ requires frame_ok(fa) && frame_counted(fa);
    assigns fa->bitmap[0 .. frame_words(fa->count) - 1], fa->free, fa->hint;
    ensures frame_ok(fa) && frame_counted(fa);
    behavior foreign:
      assumes !(fa->first <= pfn < fa->first + fa->count);
      assigns \nothing;
      ensures \result == FRAME_ERANGE;
    behavior double_free:
      assumes fa->first <= pfn < fa->first + fa->count;
      assumes !bit_test(fa->bitmap[(pfn - fa->first) / 64], (pfn - fa->first) % 64);
      assigns \nothing;
      ensures \result == FRAME_EDOUBLE;
    behavior freed:
      assumes fa->first <= pfn < fa->first + fa->count;
      assumes bit_test(fa->bitmap[(pfn - fa->first) / 64], (pfn - fa->first) % 64);
      ensures \result == FRAME_OK;
      ensures !bit_test(fa->bitmap[(pfn - fa->first) / 64], (pfn - fa->first) % 64);
      ensures \forall integer k; 0 <= k < fa->count && k != pfn - fa->first ==>
        (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64)));
    complete behaviors;
    disjoint behaviors; */
enum frame_error frame_free(struct frame_alloc *fa, uint64_t pfn);

/* 1 if pfn is covered and currently allocated. */
/*@ requires frame_mem(fa);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> fa->first <= pfn < fa->first + fa->count &&
      bit_test(fa->bitmap[(pfn - fa->first) / 64], (pfn - fa->first) % 64); */
int frame_in_use(const struct frame_alloc *fa, uint64_t pfn);

#endif
