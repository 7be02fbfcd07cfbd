/*
 * persistd's pieces: the partition as a lib/store device over the block
 * protocol (disk.c), the rollback counter's place (rollback.c), and the
 * slots of its capability space.
 */
#ifndef USER_PERSISTD_PERSISTD_H
#define USER_PERSISTD_PERSISTD_H

#include "lib/store/store.h"
#include "user/lib/nonos.h"

#define SLOT_SERVE	16	/* our endpoint (init: serve:persistd) */
#define SLOT_BLK	17	/* the block driver (init: client:virtioblk) */
#define SLOT_BLKBUF	18	/* the frame shared with the driver */
#define SLOT_CLIBUF	19	/* the frame shared with our client */
#define SLOT_RECV	20	/* a capability arriving with a request */
#define SLOT_EVENTS	21	/* our notification, for timed waits */
#define SLOT_TIMER	22	/* SLOT_EVENTS for the timer */
#define SLOT_BLK2	23	/* a second block driver (e.g. NVMe), if the manifest gives one */
#define SLOT_ROLLBACK	24	/* the vault rollback counter (init: counter), if given */
#define BLKBUF_VA	0x0000100000000000ULL
#define CLIBUF_VA	0x0000100000100000ULL

/*
 * Finds the block driver (a few seconds for one still starting) and
 * fills d with the partition; 0, or -1 when there is none.
 */
int disk_attach(struct store_dev *d);

/*
 * The rollback check (rollback.c): the highest generation this machine
 * has saved, in the kernel's rollback counter outside the partition.
 * rollback_floor gives it for store_begin (0 without a counter);
 * rollback_accept says whether a vault of generation gen may be
 * restored (0, or -1 when it is older and the user did not confirm);
 * rollback_advance records a committed generation; rollback_report says
 * at start whether there is a counter.
 */
uint64_t rollback_floor(void);
int rollback_accept(uint64_t gen, int confirmed);
void rollback_advance(uint64_t gen);
void rollback_report(void);

/*
 * Key files from the client's buffer (keys.c). keys_take_save parses
 * nrcpt recipients' public keys and a signing key of signlen bytes (0:
 * none) into lock; keys_take_identity a recipient's secret key of len
 * bytes (0: none) into u. Both wipe the buffer's copy. The keys stay
 * until keys_drop, which the save's end or the unlock calls. 0 or KEYS_E*.
 */
#define KEYS_EINVAL	(-1)	/* too many, or too long */
#define KEYS_ERCPT	(-2)	/* not a recipient's public key file */
#define KEYS_ESIGN	(-3)	/* not a nonos-sign secret key file */
#define KEYS_EID	(-4)	/* not a recipient's secret key file */
struct vault_lock;
struct vault_unlock;
int keys_take_save(uint8_t *clibuf, uint64_t nrcpt, uint64_t signlen,
    struct vault_lock *lock);
int keys_take_identity(uint8_t *clibuf, uint64_t len, struct vault_unlock *u);
void keys_drop(void);

#endif
