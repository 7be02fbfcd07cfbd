/*
 * libFuzzer target for oniond's state file (lib/onion/guardfile.c).
 * Input: the file's bytes. What the parser accepts must be written back
 * by onion_guardfile_format and read again to the same guard, and every
 * refusal must say why.
 */
#include <stdlib.h>
#include <string.h>

#include "lib/onion/guardfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct onion_guard_rec g, back;
	char why[96], buf[256];
	size_t n;

	why[0] = '\0';
	if (onion_guardfile_parse((const char *)data, size, &g, why,
	    sizeof why) != ONION_OK) {
		if (strncmp(why, "line ", 5) != 0)
			abort();
		return 0;
	}
	if (strlen(g.nick) == 0 || strlen(g.nick) > ONION_NICK_MAX || g.chosen < 0)
		abort();
	if ((n = onion_guardfile_format(buf, sizeof buf, &g)) == 0 ||
	    onion_guardfile_parse(buf, n, &back, why, sizeof why) != ONION_OK ||
	    memcmp(back.rsa_id, g.rsa_id, ONION_ID_LEN) != 0 ||
	    strcmp(back.nick, g.nick) != 0 || back.chosen != g.chosen)
		abort();
	return 0;
}
