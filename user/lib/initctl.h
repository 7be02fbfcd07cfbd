/*
 * The init control protocol: requests to the root task on the endpoint it
 * grants to the shell. Names travel packed in message words (at most
 * INITCTL_NAME bytes), so no buffer is shared.
 */
#ifndef USER_LIB_INITCTL_H
#define USER_LIB_INITCTL_H

#define INITCTL_NAME	16

enum initctl_op {
	INITCTL_PS = 1,		/* (index) -> name (w0..w1), pid << 32 | restarts, state */
	INITCTL_KILL,		/* (name in w0..w1) -> 0 or an E_* error */
	INITCTL_POWEROFF,	/* () does not return on success */
	INITCTL_REBOOT,		/* () does not return on success */
};

/*
 * Badge bit of init's "status:S" grant: service S's endpoint for a holder
 * that may only ask how S is doing (netd: user/lib/netd.h), never use it.
 */
#define INITCTL_BADGE_STATUS	0x10000
/*
 * Badge bit of init's "door:S" grant: service S's endpoint for the one
 * holder S treats as the way out (netd: oniond, which alone may say
 * where netd may connect, and may connect nowhere else).
 */
#define INITCTL_BADGE_DOOR	0x20000
/*
 * Badge bit of init's "owner:S" grant: service S's endpoint for the
 * holder whose state S keeps (oniond: the user's shell, which alone
 * learns the guard and hands over the directory it is kept in); it may
 * do all a client may, too.
 */
#define INITCTL_BADGE_OWNER	0x40000

/* Service states reported by INITCTL_PS. */
enum initctl_state {
	SVC_RUNNING = 1,
	SVC_WAITING = 2,	/* to be restarted after its back-off */
	SVC_FAILED = 3,		/* could not start, or ended too often */
	SVC_NODEVICE = 4	/* a driver whose device this machine lacks */
};

#endif
