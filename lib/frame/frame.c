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
    ensures \result < 64 ==> !bit_test(word, \result);
    ensures \forall integer j; 0 <= j < \result ==>
      word == UINT64_MAX || bit_test(word, j); */
static unsigned
first_clear(uint64_t word)
{
	unsigned b;

	if (word == UINT64_MAX)
		return 64;
	/*@ loop invariant 0 <= b <= 64;
	    loop invariant \forall integer j; 0 <= j < b ==> bit_test(word, j);
	    loop assigns b;
	    loop variant 64 - b; */
	for (b = 0; b < 64; b++) {
		if (!(word & (1ULL << b)))
			break;
		/*@ assert bit_test(word, b); */
	}
	return b;
}

/*
 * Proof only: how many of bits 0 .. n-1 are clear lies in 0 .. n, is at
 * least 1 when bit i is clear and below n when it is set.
 */
/*@ ghost
  /@ requires i < n;
     assigns \nothing;
     ensures 0 <= nfree(bm, n) <= n;
     ensures bit_test(bm[i / 64], i % 64) ==> nfree(bm, n) < n;
     ensures !bit_test(bm[i / 64], i % 64) ==> nfree(bm, n) >= 1; @/
  static void count_bounds(uint64_t *bm, uint64_t n, uint64_t i)
  {
    /@ loop invariant 0 <= m <= n;
       loop invariant 0 <= nfree(bm, m) <= m;
       loop invariant m > i && bit_test(bm[i / 64], i % 64) ==> nfree(bm, m) < m;
       loop invariant m > i && !bit_test(bm[i / 64], i % 64) ==> nfree(bm, m) >= 1;
       loop assigns m;
       loop variant n - m; @/
    for (uint64_t m = 0; m < n; m++)
      ;
  }
*/

/*
 * Proof only: when bits 0 .. n-1 are all set, none is counted. (A word
 * equal to UINT64_MAX is named apart: see cast_bits.)
 */
/*@ ghost
  /@ requires \forall integer k; 0 <= k < n ==>
       bm[k / 64] == UINT64_MAX || bit_test(bm[k / 64], k % 64);
     assigns \nothing;
     ensures nfree(bm, n) == 0; @/
  static void count_none(uint64_t *bm, uint64_t n)
  {
    /@ loop invariant 0 <= m <= n && nfree(bm, m) == 0;
       loop assigns m;
       loop variant n - m; @/
    for (uint64_t m = 0; m < n; m++)
      cast_bits(-1, (int)(m % 64));
  }
*/

/*
 * Marks free frame i in use, counts it and sets the hint. Every change
 * to the bitmap goes through take or give, which prove that free still
 * counts the clear bits. (The hint is set here, not by the callers: any
 * write to *fa after the count was shown, even to the hint, would leave
 * the count unknown to the provers of the callers, who see nfree only
 * through these contracts.)
 */
/*@ requires frame_ok(fa) && frame_counted(fa) && i < fa->count;
    requires hint <= frame_words(fa->count);
    requires !bit_test(fa->bitmap[i / 64], i % 64);
    assigns fa->bitmap[i / 64], fa->free, fa->hint;
    ensures frame_ok(fa) && frame_counted(fa);
    ensures fa->free == \old(fa->free) - 1 && fa->hint == hint;
    ensures bit_test(fa->bitmap[i / 64], i % 64);
    ensures \forall integer k; 0 <= k < fa->count && k != i ==>
      (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64))); */
static void
take(struct frame_alloc *fa, uint64_t i, uint64_t hint)
{
	/*@ ghost count_bounds(fa->bitmap, fa->count, i); */
	bit_set(fa->bitmap, i) /*@ ghost (fa->count) */;
	fa->free--;
	fa->hint = hint;
	/* Proof only: the count lost exactly frame i. */
	/*@ ghost
	  /@ loop invariant 0 <= m <= fa->count;
	     loop invariant nfree(fa->bitmap, m) + (m > i ? 1 : 0) ==
	       nfree{Pre}(fa->bitmap, m);
	     loop assigns m;
	     loop variant fa->count - m; @/
	  for (uint64_t m = 0; m < fa->count; m++) {
	    /@ assert m / 64 < frame_words(fa->count); @/
	  }
	*/
}

/* Marks frame i, in use, free, counts it and sets the hint. */
/*@ requires frame_ok(fa) && frame_counted(fa) && i < fa->count;
    requires hint <= frame_words(fa->count);
    requires bit_test(fa->bitmap[i / 64], i % 64);
    assigns fa->bitmap[i / 64], fa->free, fa->hint;
    ensures frame_ok(fa) && frame_counted(fa);
    ensures fa->free == \old(fa->free) + 1 && fa->hint == hint;
    ensures !bit_test(fa->bitmap[i / 64], i % 64);
    ensures \forall integer k; 0 <= k < fa->count && k != i ==>
      (bit_test(fa->bitmap[k / 64], k % 64) <==> \old(bit_test(fa->bitmap[k / 64], k % 64))); */
static void
give(struct frame_alloc *fa, uint64_t i, uint64_t hint)
{
	/*@ ghost count_bounds(fa->bitmap, fa->count, i); */
	bit_clear(fa->bitmap, i) /*@ ghost (fa->count) */;
	fa->free++;
	fa->hint = hint;
	/* Proof only: the count gained exactly frame i. */
	/*@ ghost
	  /@ loop invariant 0 <= m <= fa->count;
	     loop invariant nfree(fa->bitmap, m) ==
	       nfree{Pre}(fa->bitmap, m) + (m > i ? 1 : 0);
	     loop assigns m;
	     loop variant fa->count - m; @/
	  for (uint64_t m = 0; m < fa->count; m++) {
	    /@ assert m / 64 < frame_words(fa->count); @/
	  }
	*/
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
	  count_none(bitmap, count);
	*/
}

/* The first frame of [pfn, ...) that the allocator covers. */
/*@ requires frame_mem(fa);
    assigns \nothing;
    ensures \result == (pfn < fa->first ? fa->first : pfn); */
static uint64_t
clip_lo(const struct frame_alloc *fa, uint64_t pfn)
{
	return pfn < fa->first ? fa->first : pfn;
}

/*
 * The end of [pfn, pfn+n), cut at the end of the covered range. pfn + n
 * may exceed UINT64_MAX: the range then runs to the end. (No pointer
 * arguments: see take.)
 */
/*@ requires frame_mem(fa);
    assigns \nothing;
    ensures \result == (pfn + n < fa->first + fa->count ? pfn + n : fa->first + fa->count); */
static uint64_t
clip_end(const struct frame_alloc *fa, uint64_t pfn, uint64_t n)
{
	uint64_t end = fa->first + fa->count;

	if (n >= end || pfn >= end - n)
		return end;
	return pfn + n;
}

void
frame_add_free(struct frame_alloc *fa, uint64_t pfn, uint64_t n)
{
	uint64_t lo = clip_lo(fa, pfn), end = clip_end(fa, pfn, n);

	if (lo >= end)
		return;
	lo -= fa->first;
	end -= fa->first;
	/*@ loop invariant lo <= i <= end;
	    loop invariant frame_ok(fa) && frame_counted(fa);
	    loop invariant \forall integer k; lo <= k < i ==> !bit_test(fa->bitmap[k / 64], k % 64);
	    loop invariant \forall integer k; 0 <= k < fa->count && !(lo <= k < i) ==>
	      (bit_test(fa->bitmap[k / 64], k % 64) <==> bit_test(\at(fa->bitmap[k / 64], Pre), k % 64));
	    loop invariant fa->count == \at(fa->count, Pre) && fa->bitmap == \at(fa->bitmap, Pre);
	    loop invariant fa->first == \at(fa->first, Pre);
	    loop assigns i, fa->free, fa->hint,
	      \at(fa->bitmap, Pre)[0 .. frame_words(\at(fa->count, Pre)) - 1];
	    loop variant end - i; */
	for (uint64_t i = lo; i < end; i++) {
		/*@ assert i / 64 < frame_words(fa->count); */
		if (bit_get(fa->bitmap, i))
			give(fa, i, 0);
	}
}

void
frame_reserve(struct frame_alloc *fa, uint64_t pfn, uint64_t n)
{
	uint64_t lo = clip_lo(fa, pfn), end = clip_end(fa, pfn, n);

	if (lo >= end)
		return;
	lo -= fa->first;
	end -= fa->first;
	/*@ loop invariant lo <= i <= end;
	    loop invariant frame_ok(fa) && frame_counted(fa);
	    loop invariant \forall integer k; lo <= k < i ==> bit_test(fa->bitmap[k / 64], k % 64);
	    loop invariant \forall integer k; 0 <= k < fa->count && !(lo <= k < i) ==>
	      (bit_test(fa->bitmap[k / 64], k % 64) <==> bit_test(\at(fa->bitmap[k / 64], Pre), k % 64));
	    loop invariant fa->count == \at(fa->count, Pre) && fa->bitmap == \at(fa->bitmap, Pre);
	    loop invariant fa->first == \at(fa->first, Pre);
	    loop assigns i, fa->free, fa->hint,
	      \at(fa->bitmap, Pre)[0 .. frame_words(\at(fa->count, Pre)) - 1];
	    loop variant end - i; */
	for (uint64_t i = lo; i < end; i++) {
		/*@ assert i / 64 < frame_words(fa->count); */
		if (!bit_get(fa->bitmap, i))
			take(fa, i, fa->hint);
	}
}

/*@ // The step at which a search of words words that starts at word h
    // (h <= words) reaches word w: (h + step) % words == w.
    logic integer search_step(integer h, integer words, integer w) =
      h <= w ? w - h : w + words - h;
*/

uint64_t
frame_alloc(struct frame_alloc *fa)
{
	size_t words = frame_bitmap_words(fa->count);

	if (fa->free == 0)
		return FRAME_NONE;
	/*@ loop invariant 0 <= k <= words;
	    loop invariant \forall integer f; 0 <= f < fa->count &&
	      search_step(fa->hint, words, f / 64) < k ==>
	      fa->bitmap[f / 64] == UINT64_MAX || bit_test(fa->bitmap[f / 64], f % 64);
	    loop assigns k;
	    loop variant words - k; */
	for (size_t k = 0; k < words; k++) {
		size_t w = (size_t)((fa->hint + k) % words);
		/*@ assert w == (fa->hint + k < words ? fa->hint + k : fa->hint + k - words); */
		/*@ assert search_step(fa->hint, words, w) == k; */
		unsigned b = first_clear(fa->bitmap[w]);
		uint64_t i = (uint64_t)w * 64 + b;

		if (b == 64 || i >= fa->count) {
			/*@ assert \forall integer f; 0 <= f < fa->count && f / 64 == w ==>
			      f % 64 < b &&
			      (fa->bitmap[f / 64] == UINT64_MAX || bit_test(fa->bitmap[f / 64], f % 64)); */
			continue;
		}
		take(fa, i, w);
		return fa->first + i;
	}
	/* Every word was searched: no frame is free, so free was 0. */
	/*@ assert \forall integer f; 0 <= f < fa->count ==>
	      search_step(fa->hint, words, f / 64) < words; */
	/*@ ghost count_none(fa->bitmap, fa->count); */
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
			    loop invariant frame_ok(fa) && frame_counted(fa);
			    loop invariant \forall integer k; start <= k < j ==> bit_test(fa->bitmap[k / 64], k % 64);
			    loop invariant \forall integer k; j <= k < start + n ==> !bit_test(fa->bitmap[k / 64], k % 64);
			    loop invariant \forall integer k; 0 <= k < fa->count && !(start <= k < j) ==>
			      (bit_test(fa->bitmap[k / 64], k % 64) <==> bit_test(\at(fa->bitmap[k / 64], Pre), k % 64));
			    loop invariant fa->count == \at(fa->count, Pre) && fa->bitmap == \at(fa->bitmap, Pre);
			    loop invariant fa->first == \at(fa->first, Pre);
			    loop assigns j, fa->free, fa->hint,
			      \at(fa->bitmap, Pre)[0 .. frame_words(\at(fa->count, Pre)) - 1];
			    loop variant start + n - j; */
			for (uint64_t j = start; j < start + n; j++) {
				/*@ assert j / 64 < frame_words(fa->count); */
				take(fa, j, fa->hint);
			}
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
	give(fa, i, i / 64 < fa->hint ? i / 64 : fa->hint);
	return FRAME_OK;
}

int
frame_in_use(const struct frame_alloc *fa, uint64_t pfn)
{
	if (pfn < fa->first || pfn - fa->first >= fa->count)
		return 0;
	return bit_get(fa->bitmap, pfn - fa->first);
}
