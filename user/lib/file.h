/*
 * A POSIX-flavoured file API over the RAM file system service (rfs.h):
 * descriptors, open/read/write/lseek/close, stat, mkdir, unlink, rename
 * and directory streams, with errno set to Linux's numbers so that code
 * written for POSIX (bench/ramfs, tests/posix) builds for both. Calls
 * return -1 and set errno on failure. Paths resolve inside the directory
 * capability given to file_attach; there is no current directory, no
 * permission bits (mode arguments are ignored) and no symbolic links.
 */
#ifndef USER_LIB_FILE_H
#define USER_LIB_FILE_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;
typedef int64_t off_t;

#define O_RDONLY	00
#define O_WRONLY	01
#define O_RDWR		02
#define O_ACCMODE	03
#define O_CREAT		0100
#define O_EXCL		0200
#define O_TRUNC		01000
#define O_APPEND	02000
#define O_DIRECTORY	0200000

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

#define EPERM		1
#define ENOENT		2
#define EIO		5
#define EBADF		9
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENOTDIR		20
#define EISDIR		21
#define EINVAL		22
#define EMFILE		24
#define EFBIG		27
#define ENOSPC		28
#define ENAMETOOLONG	36
#define ENOTEMPTY	39
#define ESTALE		116

#define S_IFMT		0170000
#define S_IFDIR		0040000
#define S_IFREG		0100000
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)

#define FILE_MAX_OPEN	32	/* descriptors per process */
#define FILE_FIRST_FD	3	/* 0..2 stay free for the console */

struct stat {
	uint32_t st_mode;	/* S_IFDIR or S_IFREG */
	int64_t st_size;	/* bytes (files) or entries (directories) */
	int64_t st_blocks;	/* 512-byte units the file system holds for it */
};

struct dirent {
	uint8_t d_type;		/* DT_DIR or DT_REG */
	char d_name[56];
};
#define DT_DIR		4
#define DT_REG		8

typedef struct dir DIR;

extern int errno;

/*
 * Connects the API to the directory capability in slot, with a buffer
 * frame created into frame_slot and mapped at va. 0, or -1 and errno.
 */
int file_attach(uint64_t slot, uint64_t frame_slot, uint64_t va);

int open(const char *path, int flags, ...);
int close(int fd);
ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
off_t lseek(int fd, off_t off, int whence);
int ftruncate(int fd, off_t size);
int stat(const char *path, struct stat *st);
int mkdir(const char *path, int mode);
int unlink(const char *path);	/* a file */
int rmdir(const char *path);	/* an empty directory */
int rename(const char *from, const char *to);
DIR *opendir(const char *path);
struct dirent *readdir(DIR *d);
int closedir(DIR *d);

/* Requests made to the file service so far: its round trips (for bench/ramfs). */
uint64_t file_requests(void);

/* The message for an errno value ("No such file or directory"). */
const char *errno_text(int err);

#endif
