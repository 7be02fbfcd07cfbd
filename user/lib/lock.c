/*
 * A lock between the threads of one process: a word taken with an atomic
 * exchange; a waiter yields its CPU instead of spinning on it. The
 * _note variants sleep instead, for a lock held long (see nonos.h).
 */
#include "user/lib/nonos.h"

void
lock_take(volatile int *word)
{
	while (__atomic_exchange_n(word, 1, __ATOMIC_ACQUIRE))
		yield();
}

void
lock_give(volatile int *word)
{
	__atomic_store_n(word, 0, __ATOMIC_RELEASE);
}

/*
 * The word is 0 free, 1 held, 2 held and maybe waited for: a waiter marks
 * it 2 before it sleeps on note, and a holder that gives a lock marked 2
 * signals note. The notification keeps a signal sent before the wait, so
 * no wake-up is lost; a spurious one only costs another look.
 */
void
lock_take_note(volatile int *word, uint64_t note)
{
	int seen = 0;

	if (__atomic_compare_exchange_n(word, &seen, 1, 0, __ATOMIC_ACQUIRE,
	    __ATOMIC_RELAXED))
		return;
	while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE) != 0)
		if (notify_wait(note) < 0)
			yield();	/* no notification: as lock_take */
}

void
lock_give_note(volatile int *word, uint64_t note)
{
	if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2)
		notify_signal(note);
}
