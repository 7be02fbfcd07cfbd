/*
 * conprobe: a background console client for tests. It logs each line it
 * reads, which it only can while it is the foreground (Ctrl-] at the
 * console); the line "crash" makes it fault on purpose (a NULL write), so
 * that init's restart of a crashed service can be seen.
 */
#include "user/lib/con.h"
#include "user/lib/nonos.h"

#define SLOT_CON	16	/* consoled, badged */
#define SLOT_NOTIFY	17
#define SLOT_GIVE	18

int
main(uint64_t arg)
{
	static struct con con;
	char line[64];
	size_t n = 0;
	int64_t err;

	(void)arg;
	if ((err = con_attach(&con, SLOT_CON, SLOT_NOTIFY, SLOT_GIVE, "conprobe")) != 0) {
		printf("conprobe: cannot attach to consoled: %s\n", err_name(err));
		return 1;
	}
	for (;;) {
		int c = con_getc(&con);

		if (c != '\r' && c != '\n') {
			if (n < sizeof(line) - 1)
				line[n++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
			continue;
		}
		if (n == 0)
			continue;
		line[n] = 0;
		printf("conprobe: read '%s'\n", line);
		if (strcmp(line, "crash") == 0) {
			int *volatile null = NULL;

			printf("conprobe: crashing on request (a write to address 0)\n");
			*null = 1;
		}
		n = 0;
	}
}
