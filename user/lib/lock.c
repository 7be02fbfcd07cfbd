/*
 * A lock between the threads of one process: a word taken with an atomic
 * exchange; a waiter yields its CPU instead of spinning on it.
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
