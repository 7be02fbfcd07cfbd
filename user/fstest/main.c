/*
 * fstest: a second holder of fs:ramfs beside the shell, started only by
 * the tests' manifest (init's argument 1; tests/qemu/test_fsgrant.py).
 * Two programs holding the file service's root must each have a grant of
 * their own (user/lib/rfs.h, RFS_ROOTS): were they to share one, the
 * shared buffer of the last to attach would carry the other's paths and
 * file bytes.
 *
 * It writes /fstest/big (FILE_LEN bytes of numbered text lines), fills
 * the tail of its own buffer with a pattern and says it is ready; the
 * test then makes the shell read that file and write /fstest/go. Once go
 * appears, the pattern must be untouched (the shell's reads did not land
 * in our buffer) and the file must read back right. One line per check,
 * then "fstest: N passed, M failed".
 */
#include "user/lib/file.h"
#include "user/lib/nonos.h"

#define SLOT_FS		16
#define SLOT_FSBUF	17
#define FSBUF_VA	0x0000100000000000ULL
#define FSBUF_LEN	65536
#define MARK_FROM	4096		/* our own paths use the buffer's start */
#define MARK		0xa5
#define FILE_LEN	(40 * 1024)
#define WAIT_TICKS	(120 * 100)	/* the test has two minutes */

static int passed, failed;
static char text[FILE_LEN];

static void
check(const char *what, int ok)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("fstest: %s ... %s\n", what, ok ? "ok" : "FAIL");
}

/* Lines "fstest line NNNNN\n", 18 bytes each, cut at FILE_LEN. */
static void
make_text(void)
{
	for (int i = 0; i < FILE_LEN; i++) {
		int line = i / 18, col = i % 18;
		const char *head = "fstest line ";

		if (col < 12)
			text[i] = head[col];
		else if (col < 17) {
			int div = 1;

			for (int k = col; k < 16; k++)
				div *= 10;
			text[i] = (char)('0' + line / div % 10);
		} else
			text[i] = '\n';
	}
}

static int
write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t w;

	if (fd < 0)
		return -1;
	w = write(fd, p, n);
	close(fd);
	return w == (ssize_t)n ? 0 : -1;
}

static int
file_is_text(const char *path)
{
	static char back[FILE_LEN + 1];
	int fd = open(path, O_RDONLY);
	ssize_t got = 0, n;

	if (fd < 0)
		return 0;
	while (got <= FILE_LEN && (n = read(fd, back + got, sizeof back - (size_t)got)) > 0)
		got += n;
	close(fd);
	return got == FILE_LEN && memcmp(back, text, FILE_LEN) == 0;
}

static int
mark_intact(void)
{
	const uint8_t *b = (const uint8_t *)FSBUF_VA;

	for (size_t i = MARK_FROM; i < FSBUF_LEN; i++) {
		if (b[i] != MARK)
			return 0;
	}
	return 1;
}

/* Waits for path to exist: 1, or 0 after WAIT_TICKS. */
static int
wait_for(const char *path)
{
	uint64_t end = ticks() + WAIT_TICKS, next = 0;
	struct stat st;

	while (ticks() < end) {
		if (ticks() >= next) {
			if (stat(path, &st) == 0)
				return 1;
			next = ticks() + 10;
		}
		yield();
	}
	return 0;
}

int
main(uint64_t arg)
{
	(void)arg;
	make_text();
	if (file_attach(SLOT_FS, SLOT_FSBUF, FSBUF_VA) < 0) {
		printf("fstest: cannot reach ramfs: %s\n", errno_text(errno));
		return 1;
	}
	check("mkdir /fstest", mkdir("/fstest", 0700) == 0);
	check("write /fstest/big", write_file("/fstest/big", text, FILE_LEN) == 0);
	check("/fstest/big reads back", file_is_text("/fstest/big"));
	memset((uint8_t *)FSBUF_VA + MARK_FROM, MARK, FSBUF_LEN - MARK_FROM);
	printf("fstest: ready\n");
	check("the shell wrote /fstest/go", wait_for("/fstest/go"));
	check("the shell's reads did not touch our buffer", mark_intact());
	check("/fstest/big still reads back", file_is_text("/fstest/big"));
	printf("fstest: %d passed, %d failed\n", passed, failed);
	return 0;
}
