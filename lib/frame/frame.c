/*
 * Bitmap frame allocator. Allocation scans 64 frames per word from a
 * hint; freeing checks the bit first, so a double free is reported
 * instead of corrupting the free count.
 *
 * The annotations are for Frama-C WP (docs/proofs.md); the asserts in
 * bit_set and bit_clear are proof steps, and the ghost argument n (the
 * bitmap's length in bits) exists only for the proof.
 */
#include "lib/frame/frame.h"

/*@ // Facts about single bits, proved by WP like every other goal. The
    // casts are those of the C code: the mask is a uint64_t.
    lemma bit_u64: \forall integer w, j; 0 <= j < 64 ==>
      (bit_test((uint64_t)w, j) <==> bit_test(w, j));
    lemma bit_or_mask: \forall integer w, j, k; 0 <= j < 64 && 0 <= k < 64 ==>
      (bit_test(w | (uint64_t)(1 << k), j) <==> (j == k || bit_test(w, j)));
    lemma bit_andnot_mask: \forall integer w, j, k; 0 <= j < 64 && 0 <= k < 64 ==>
      (bit_test(w & (uint64_t)~(uint64_t)(1 << k), j) <==> (j != k && bit_test(w, j)));
    lemma word_in_bitmap: \forall integer i, n; 0 <= i < n ==> i / 64 < (n + 63) / 64;
*/

/*
 * Proof only: bit j of (uint64_t)t is bit j of t. Called with t = -1 it
 * shows that every bit of UINT64_MAX is set, which the provers do not
 * find from the constant alone.
 */
/*@ ghost
  /@ requires t < 0 && 0 <= j < 64;
     assigns \nothing;
     ensures bit_test((uint64_t)t, j) <==> bit_test(t, j);
     ensures t == -1 ==> bit_test(t, j); @/
  static void cast_bits(int64_t t, int j) { }
*/

/*@ requires \valid_read(bm + i / 64);
    assigns \nothing;
    ensures \result == 0 || \result == 1;
    ensures \result == 1 <==> bit_test(bm[i / 64], i % 64); */
static int
bit_get(const uint64_t *bm, uint64_t i)
{
	uint64_t w = i / 64, b = i % 64;

	/*@ assert w == i / 64 && b == i % 64; */
	if ((bm[w] >> b) & 1) {
		/*@ assert bit_test(bm[w], b); */
		return 1;
	}
	/*@ assert !bit_test(bm[w], b); */
	return 0;
}

/* Sets bit i of bm, changing no other bit below n. */
/*@ requires \valid(bm + (0 .. frame_words(n) - 1)) && 0 <= i < n;
    assigns bm[i / 64];
    ensures bit_test(bm[i / 64], i % 64);
    ensures \forall integer k; 0 <= k < n && k != i ==>
      (bit_test(bm[k / 64], k % 64) <==> \old(bit_test(bm[k / 64], k % 64))); */
static void
bit_set(uint64_t *bm, uint64_t i) /*@ ghost (uint64_t n) */
{
	uint64_t w = i / 64, b = i % 64;

	/*@ assert w == i / 64 && b == i % 64; */
	bm[w] |= 1ULL << b;
	/*@ assert bit_test(bm[w], b); */
	/*@ assert bit_test(bm[i / 64], i % 64); */
	/*@ assert \forall integer j; 0 <= j < 64 && j != b ==>
	      (bit_test(bm[w], j) <==> bit_test(\at(bm[i / 64], Pre), j)); */
	/*@ assert \forall integer k; 0 <= k && k / 64 != w ==>
	      bm[k / 64] == \at(bm[k / 64], Pre); */
	/*@ assert \forall integer k; 0 <= k && k / 64 == w && k != i ==>
	      k % 64 != b; */
	/*@ assert \forall integer k; 0 <= k && k != i ==>
	      (bit_test(bm[k / 64], k % 64) <==> bit_test(\at(bm[k / 64], Pre), k % 64)); */
}

/* Clears bit i of bm, changing no other bit below n. */
/*@ requires \valid(bm + (0 .. frame_words(n) - 1)) && 0 <= i < n;
    assigns bm[i / 64];
    ensures !bit_test(bm[i / 64], i % 64);
    ensures \forall integer k; 0 <= k < n && k != i ==>
      (bit_test(bm[k / 64], k % 64) <==> \old(bit_test(bm[k / 64], k % 64))); */
static void
bit_clear(uint64_t *bm, uint64_t i) /*@ ghost (uint64_t n) */
{
	uint64_t w = i / 64, b = i % 64;

	/*@ assert w == i / 64 && b == i % 64; */
	bm[w] &= ~(1ULL << b);
	/*@ assert !bit_test(bm[w], b); */
	/*@ assert !bit_test(bm[i / 64], i % 64); */
	/*@ assert \forall integer j; 0 <= j < 64 && j != b ==>
	      (bit_test(bm[w], j) <==> bit_test(\at(bm[i / 64], Pre), j)); */
	/*@ assert \forall integer k; 0 <= k && k / 64 != w ==>
	      bm[k / 64] == \at(bm[k / 64], Pre); */
	/*@ assert \forall integer k; 0 <= k && k / 64 == w && k != i ==>
	      k % 64 != b; */
	/*@ assert \forall integer k; 0 <= k && k != i ==>
	      (bit_test(bm[k / 64], k % 64) <==> bit_test(\at(bm[k / 64], Pre), k % 64)); */
}

/* The lowest clear bit of word, or 64 when every bit is set. */
/*@ assigns \nothing;
    ensures 0 <= \result <= 64;
    ensures \result < 64 ==> !bit_test(word, \result); */
static unsigned
first_clear(uint64_t word)
{
	unsigned b;

	if (word == UINT64_MAX)
		return 64;
	/*@ loop invariant 0 <= b <= 64;
	    loop assigns b;
	    loop variant 64 - b; */
	for (b = 0; b < 64; b++) {
		if (!(word & (1ULL << b)))
			break;
	}
	return b;
}

size_t
frame_bitmap_words(uint64_t count)
{
	return (size_t)((count + 63) / 64);
}

void
frame_init(struct frame_alloc *fa, uint64_t *bitmap, uint64_t first,
    uint64_t count)
{
	size_t words = frame_bitmap_words(count);

	fa->bitmap = bitmap;
	fa->first = first;
	fa->count = count;
	fa->free = 0;
	fa->hint = 0;
	/*@ loop invariant 0 <= i <= words;
	    loop invariant \forall integer j; 0 <= j < i ==> bitmap[j] == UINT64_MAX;
	    loop assigns i, bitmap[0 .. words - 1];
	    loop variant words - i; */
	for (size_t i = 0; i < words; i++)
		bitmap[i] = UINT64_MAX;
	/* Proof only: so every frame's bit is set. */
	/*@ ghost
	  /@ loop invariant 0 <= m <= count;
	     loop invariant \forall integer k; 0 <= k < m ==> bit_test(bitmap[k / 64], k % 64);
	     loop assigns m;
	     loop variant count - m; @/
	  for (uint64_t m = 0; m < count; m++) {
	    cast_bits(-1, (int)(m % 64));
	    /@ assert m / 64 < words && bit_test(bitmap[m / 64], m % 64); @/
	  }
	*/
}

/*
 * Clips [pfn, pfn+n) to the covered range; returns 0 when nothing is left.
 * pfn + n may exceed UINT64_MAX: the range then runs to the end.
 */
/*@ requires frame_mem(fa) && \valid(pfn) && \valid(n);
    requires \separated(pfn, n, fa);
    assigns *pfn, *n;
    ensures \result == 0 ==> \forall integer f;
      fa->first <= f < fa->first + fa->count ==> !(\old(*pfn) <= f < \old(*pfn) + \old(*n));
    ensures \result == 1 ==> *n >= 1 && fa->first <= *pfn &&
      *pfn + *n <= fa->first + fa->count;
    ensures \result == 1 ==> \forall integer f;
      fa->first <= f < fa->first + fa->count ==>
      (\old(*pfn) <= f < \old(*pfn) + \old(*n) <==> *pfn <= f < *pfn + *n);
    ensures \result == 0 || \result == 1; */
static int
clip(const struct frame_alloc *fa, uint64_t *pfn, uint64_t *n)
{
	uint64_t lo = *pfn, hi;

	hi = *n > UINT64_MAX - lo ? UINT64_MAX : lo + *n;
	if (lo < fa->first)
		lo = fa->first;
	if (hi > fa->first + fa->count)
		hi = fa->first + fa->count;
	if (lo >= hi)
		return 0;
	*pfn = lo;
	*n = hi - lo;
	return 1;
}

void
frame_add_free(struct frame_alloc *fa, uint64_t pfn, uint64_t n)
{
	uint64_t lo;

	if (!clip(fa, &pfn, &n))
		return;
	lo = pfn - fa->first;
	/*@ loop invariant lo <= i <= lo + n;
	    loop invariant frame_mem(fa) && fa->hint == \at(fa->hint, Pre);
	    loop invariant \forall integer k; lo <= k < i ==> !bit_test(fa->bitmap[k / 64], k % 64);
	    loop invariant \forall integer k; 0 <= k < fa->count && !(lo <= k < i) ==>
	      (bit_test(fa->bitmap[k / 64], k % 64) <==> bit_test(\at(fa->bitmap[k / 64], Pre), k % 64));
	    loop invariant fa->count == \at(fa->count, Pre) && fa->bitmap == \at(fa->bitmap, Pre);
	    loop assigns i, fa->free,
	      \at(fa->bitmap, Pre)[0 .. frame_words(\at(fa->count, Pre)) - 1];
	    loop variant lo + n - i; */
	for (uint64_t i = lo; i < lo + n; i++) {
		/*@ assert i / 64 < frame_words(fa->count); */
		if (bit_get(fa->bitmap, i)) {
			bit_clear(fa->bitmap, i) /*@ ghost (fa->count) */;
			fa->free++;
		}
	}
	fa->hint = 0;
}

void
frame_reserve(struct frame_alloc *fa, uint64_t pfn, uint64_t n)
{
	uint64_t lo;

	if (!clip(fa, &pfn, &n))
		return;
	lo = pfn - fa->first;
	/*@ loop invariant lo <= i <= lo + n;
	    loop invariant frame_mem(fa) && fa->hint == \at(fa->hint, Pre);
	    loop invariant \forall integer k; lo <= k < i ==> bit_test(fa->bitmap[k / 64], k % 64);
	    loop invariant \forall integer k; 0 <= k < fa->count && !(lo <= k < i) ==>
	      (bit_test(fa->bitmap[k / 64], k % 64) <==> bit_test(\at(fa->bitmap[k / 64], Pre), k % 64));
	    loop invariant fa->count == \at(fa->count, Pre) && fa->bitmap == \at(fa->bitmap, Pre);
	    loop assigns i, fa->free,
	      \at(fa->bitmap, Pre)[0 .. frame_words(\at(fa->count, Pre)) - 1];
	    loop variant lo + n - i; */
	for (uint64_t i = lo; i < lo + n; i++) {
		/*@ assert i / 64 < frame_words(fa->count); */
		if (!bit_get(fa->bitmap, i)) {
			bit_set(fa->bitmap, i) /*@ ghost (fa->count) */;
			fa->free--;
		}
	}
}

uint64_t
frame_alloc(struct frame_alloc *fa)
{
	size_t words = frame_bitmap_words(fa->count);

	if (fa->free == 0)
		return FRAME_NONE;
	/*@ loop invariant 0 <= k <= words;
	    loop assigns k;
	    loop variant words - k; */
	for (size_t k = 0; k < words; k++) {
		size_t w = (size_t)((fa->hint + k) % words);
		unsigned b = first_clear(fa->bitmap[w]);
		uint64_t i = (uint64_t)w * 64 + b;

		if (b == 64 || i >= fa->count)
			continue;
		bit_set(fa->bitmap, i) /*@ ghost (fa->count) */;
		fa->free--;
		fa->hint = w;
		return fa->first + i;
	}
	return FRAME_NONE;
}

uint64_t
frame_alloc_contig(struct frame_alloc *fa, uint64_t n, uint64_t align)
{
	uint64_t run = 0, start = 0;

	if (n == 0 || align == 0 || (align & (align - 1)) || n > fa->free)
		return FRAME_NONE;
	/*@ loop invariant 0 <= i <= fa->count;
	    loop invariant 0 <= run < n;
	    loop invariant run > 0 ==> start + run == i &&
	      (fa->first + start) % align == 0 &&
	      \forall integer k; start <= k < i ==> !bit_test(fa->bitmap[k / 64], k % 64);
	    loop assigns i, run, start;
	    loop variant fa->count - i; */
	for (uint64_t i = 0; i < fa->count; i++) {
		if (run == 0 && (fa->first + i) % align != 0)
			continue;
		if (bit_get(fa->bitmap, i)) {
			run = 0;
			continue;
		}
		if (run++ == 0)
			start = i;
		if (run == n) {
			/*@ loop invariant start <= j <= start + n;
			    loop invariant frame_mem(fa) && fa->hint == \at(fa->hint, Pre);
			    loop invariant fa->free == \at(fa->free, Pre);
			    loop invariant \forall integer k; start <= k < j ==> bit_test(fa->bitmap[k / 64], k % 64);
			    loop invariant \forall integer k; 0 <= k < fa->count && !(start <= k < j) ==>
			      (bit_test(fa->bitmap[k / 64], k % 64) <==> bit_test(\at(fa->bitmap[k / 64], Pre), k % 64));
			    loop invariant fa->count == \at(fa->count, Pre) && fa->bitmap == \at(fa->bitmap, Pre);
			    loop assigns j, \at(fa->bitmap, Pre)[0 .. frame_words(\at(fa->count, Pre)) - 1];
			    loop variant start + n - j; */
			for (uint64_t j = start; j < start + n; j++) {
				/*@ assert j / 64 < frame_words(fa->count); */
				bit_set(fa->bitmap, j) /*@ ghost (fa->count) */;
			}
			fa->free -= n;
			return fa->first + start;
		}
	}
	return FRAME_NONE;
}

enum frame_error
frame_free(struct frame_alloc *fa, uint64_t pfn)
{
	uint64_t i;

	if (pfn < fa->first || pfn - fa->first >= fa->count)
		return FRAME_ERANGE;
	i = pfn - fa->first;
	if (!bit_get(fa->bitmap, i))
		return FRAME_EDOUBLE;
	bit_clear(fa->bitmap, i) /*@ ghost (fa->count) */;
	fa->free++;
	if (i / 64 < fa->hint)
		fa->hint = i / 64;
	return FRAME_OK;
}

int
frame_in_use(const struct frame_alloc *fa, uint64_t pfn)
{
	if (pfn < fa->first || pfn - fa->first >= fa->count)
		return 0;
	return bit_get(fa->bitmap, pfn - fa->first);
}
