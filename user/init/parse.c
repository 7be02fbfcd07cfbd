/*
 * Parsing the service manifest: lines of whitespace-separated fields,
 * '#' comments. Every field is checked; a bad manifest stops init with
 * the line number and the reason rather than starting half the system.
 */
#include "user/init/init.h"

static const char *
skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* The next field into f (NUL-terminated, at most cap-1 bytes); NULL at end of line. */
static const char *
field(const char *p, char *f, size_t cap)
{
	size_t n = 0;

	p = skip_blanks(p);
	if (*p == 0 || *p == '\n' || *p == '#')
		return NULL;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
		if (n + 1 < cap)
			f[n] = *p;
		n++;
		p++;
	}
	if (n + 1 > cap)
		n = 0;		/* too long: an empty field, refused below */
	f[n] = 0;
	return p;
}

static int
number(const char *s, uint64_t *v)
{
	uint64_t base = 10;

	*v = 0;
	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	if (*s == 0)
		return -1;
	for (; *s; s++) {
		uint64_t d;

		if (*s >= '0' && *s <= '9')
			d = (uint64_t)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (uint64_t)(*s - 'a' + 10);
		else
			return -1;
		if (*v > (0xffffffffULL - d) / base)
			return -1;
		*v = *v * base + d;
	}
	return 0;
}

/* A PCI id: 1..4 hex digits, no prefix. */
static int
pci_id(const char *s, uint64_t *v)
{
	int n = 0;

	for (*v = 0; *s; s++, n++) {
		if (*s >= '0' && *s <= '9')
			*v = *v << 4 | (uint64_t)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			*v = *v << 4 | (uint64_t)(*s - 'a' + 10);
		else
			return -1;
	}
	return n >= 1 && n <= 4 ? 0 : -1;
}

/* Splits s at the first ':' (the rest goes to *rest, or "" ). */
static char *
split(char *s, char **rest)
{
	char *p = s;

	while (*p && *p != ':')
		p++;
	*rest = p;
	if (*p) {
		*p = 0;
		*rest = p + 1;
	}
	return s;
}

static int
find(const struct service *svc, int n, const char *name)
{
	for (int i = 0; i < n; i++) {
		if (strcmp(svc[i].name, name) == 0)
			return i;
	}
	return -1;
}

/* One slot=kind[:args] field of service s. */
static const char *
grant(struct service *svc, int nsvc, struct service *s, char *f)
{
	struct grant_spec *g;
	char *kind, *args, *a2;
	uint64_t slot;
	int other;

	if (s->ngrants == MAX_GRANTS)
		return "too many capabilities";
	g = &s->grants[s->ngrants];
	kind = f;
	while (*kind && *kind != '=')
		kind++;
	if (*kind != '=')
		return "a capability is slot=kind";
	*kind++ = 0;
	if (number(f, &slot) != 0 || slot >= CNODE_SLOTS ||
	    (slot < SLOT_FIRST_FREE && slot != SLOT_CONSOLE))
		return "bad slot";
	g->slot = (unsigned)slot;
	kind = split(kind, &args);
	if (strcmp(kind, "console") == 0) {
		g->kind = G_CONSOLE;
		if (args[0] == 0)
			g->arg = 0;
		else if (strcmp(args, "read") == 0)
			g->arg = RIGHT_READ;
		else if (strcmp(args, "term") == 0)
			g->arg = RIGHT_CONTROL;
		else
			return "console takes no argument but 'read' or 'term'";
	} else if (strcmp(kind, "client") == 0 || strcmp(kind, "status") == 0 ||
	    strcmp(kind, "door") == 0 || strcmp(kind, "owner") == 0) {
		g->kind = kind[0] == 'c' ? G_CLIENT : kind[0] == 's' ? G_STATUS :
		    kind[0] == 'd' ? G_DOOR : G_OWNER;
		if ((other = find(svc, nsvc, args)) < 0)
			return "unknown service (a client's service needs an earlier line)";
		g->arg = (uint64_t)other;
	} else if (strcmp(kind, "control") == 0) {
		g->kind = G_CONTROL;
	} else if (strcmp(kind, "serve") == 0 || strcmp(kind, "fs") == 0) {
		g->kind = kind[0] == 's' ? G_SERVE : G_FS;
		/* A service may serve itself; fs needs an earlier line. */
		other = strcmp(args, s->name) == 0 ? nsvc : find(svc, nsvc, args);
		if (other < 0)
			return "unknown service";
		if (g->kind == G_SERVE && other != nsvc)
			return "a service may only serve its own endpoint";
		g->arg = (uint64_t)other;
	} else if (strcmp(kind, "ioport") == 0) {
		g->kind = G_IOPORT;
		split(args, &a2);
		if (number(args, &g->arg) != 0 || number(a2, &g->arg2) != 0 ||
		    g->arg2 == 0 || g->arg + g->arg2 > 0x10000)
			return "bad port range";
	} else if (strcmp(kind, "pci") == 0) {
		char *a3;
		uint64_t dev2 = 0;

		g->kind = G_PCI;
		split(args, &a2);
		split(a2, &a3);
		if (pci_id(args, &g->arg) != 0 || pci_id(a2, &g->arg2) != 0 ||
		    (a3[0] != 0 && pci_id(a3, &dev2) != 0))
			return "bad PCI id (pci:VENDOR:DEVICE[:DEVICE], hex)";
		/* A second device id (e.g. virtio's transitional one) in bits 16..31. */
		g->arg2 |= (a3[0] != 0 ? dev2 : g->arg2) << 16;
	} else if (strcmp(kind, "counter") == 0) {
		g->kind = G_COUNTER;
		if (args[0] != 0)
			return "counter takes no argument";
	} else if (strcmp(kind, "irq") == 0) {
		g->kind = G_IRQ;
		if (number(args, &g->arg) != 0 || g->arg > 23)
			return "bad IRQ line";
	} else {
		return "unknown capability kind";
	}
	s->ngrants++;
	return NULL;
}

/* A memory field: KiB, or a share of the memory free when it starts ("50%"). */
static int
memory_size(char *f, struct service *s)
{
	size_t n = strlen(f);
	uint64_t v;

	if (n > 1 && f[n - 1] == '%') {
		f[n - 1] = 0;
		if (number(f, &v) != 0 || v < 1 || v > 90)
			return -1;
		s->share = (unsigned)v;
		return 0;
	}
	if (number(f, &v) != 0 || v < 64 || v > 32768)
		return -1;
	s->kib = v;
	return 0;
}

int
manifest_parse(const char *p, struct service *svc)
{
	int n = 0, line = 0;

	for (; *p; line++) {
		const char *q = p, *why = NULL;
		char f[48];
		struct service tmp, *s = &tmp;
		uint64_t restarts = 0;

		if ((q = field(q, f, sizeof(f))) != NULL) {
			memset(s, 0, sizeof(*s));
			if (n == MAX_SERVICES)
				why = "too many services";
			else if (f[0] == 0 || strlen(f) > NAME_LEN)
				why = "bad name";
			else if (find(svc, n, f) >= 0)
				why = "service named twice";
			else
				memcpy(s->name, f, strlen(f) + 1);
			if (!why && ((q = field(q, f, sizeof(f))) == NULL || memory_size(f, s) != 0))
				why = "bad memory size (KiB 64..32768, or 1%..90% of free memory)";
			if (!why && ((q = field(q, f, sizeof(f))) == NULL ||
			    number(f, &restarts) != 0 || restarts > 100))
				why = "bad restart count (0..100)";
			s->max_restarts = (unsigned)restarts;
			while (!why && q != NULL && (q = field(q, f, sizeof(f))) != NULL)
				why = grant(svc, n, s, f);
			if (why) {
				printf("init: manifest line %d: %s\n", line + 1, why);
				return -1;
			}
			svc[n++] = tmp;
		}
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
	}
	return n;
}
