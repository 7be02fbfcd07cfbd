/*
 * What libsodium (lib/crypto) asks of its platform, for persistd, besides
 * the entropy every program has (user/lib/entropy.c): abort.
 */
#include <stdlib.h>		/* lib/crypto/shim: abort */

#include "user/lib/nonos.h"

/* libsodium calls abort on a broken invariant: end, loudly. */
_Noreturn void
abort(void)
{
	printf("persistd: abort\n");
	thread_exit();
}
