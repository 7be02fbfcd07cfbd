/* The safe relative path rule (path.h). */
#include "lib/path/path.h"

/* Whether component c[0..n) is allowed. */
static int
component_ok(const char *c, size_t n)
{
	if (n == 0 || n > PATH_MAX_COMPONENT)
		return 0;
	if (c[0] == '.' && (n == 1 || (n == 2 && c[1] == '.')))
		return 0;
	return 1;
}

int
path_is_safe(const char *p, size_t len)
{
	size_t start = 0;

	if (p == NULL || len == 0 || len > PATH_MAX_LEN)
		return 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && p[i] == '\0')
			return 0;
		if (i == len || p[i] == '/') {
			if (!component_ok(p + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}
