/*
 * The persist protocol: how the shell saves the RAM file system to the
 * persistence partition and restores it, through persistd (user/persistd),
 * the only holder of the block driver's client capability. The shell
 * walks its own directory capability and sends the archive stream
 * (lib/vault/archive.h); persistd seals it with lib/vault and writes it
 * with lib/store, and for a restore opens the newest vault and hands the
 * archive back. persistd never sees the file system, the shell never sees
 * the disk. docs/storage.md describes it.
 *
 * The label is the operation; the reply's w0 the result (>= 0) or a
 * PST_E* error, with the message for the user in the shared buffer
 * (NUL-terminated, at most PST_MSG bytes). Bulk bytes travel in a 64 KiB
 * frame the client hands over with PST_BUFFER: a passphrase at offset
 * PST_MSG and key files at PST_KEYS (persistd wipes both there as it
 * takes them), archive bytes from 0.
 */
#ifndef USER_LIB_PST_H
#define USER_LIB_PST_H

enum pst_op {
	PST_INFO = 1,	/* -> w0 damaged heads (bit i: head i), w1 newest generation
			   (0: none), w2 its bytes, w3 the older generation */
	PST_BUFFER,	/* TAG_CAP: a read-write frame of PST_BUF bytes */
	PST_SAVE,	/* w0 passphrase length (at PST_MSG; 0: none), w1
			   recipients' public key files (at PST_KEYS, each
			   VAULT_PUBFILE_BYTES; 0..PST_RCPT_MAX), w2 length of a
			   nonos-sign secret key file after them (0: unsigned):
			   derives the key and starts the next generation -> w1
			   generation, w2 Argon2id memory (KiB; 0: no passphrase),
			   w3 passes */
	PST_DATA,	/* w0 archive bytes in the buffer, 1..PST_BUF */
	PST_COMMIT,	/* ends the vault, writes it out (data, flush, head, flush)
			   -> w1 generation, w2 vault bytes */
	PST_ABORT,	/* drops a save or a restore in progress; nothing is written */
	PST_OPEN,	/* w0 passphrase length (0: none), w1 length of a
			   recipient's secret key file at PST_KEYS (0: none):
			   unlocks the newest vault -> w1 generation, w2 vault
			   bytes, w3 Argon2id memory (KiB) */
	PST_NEXT,	/* -> w0 archive bytes now in the buffer; 0 at the end, once
			   every chunk (and the signature) checked out; w1, w2 vault
			   bytes read so far and in all */
	PST_OPEN_OLDER,	/* as PST_OPEN, after the user confirmed restoring a vault
			   older than the rollback counter (PST_EROLLBACK) */
	PST_OPS
};

#define PST_BUF		65536
#define PST_MSG		512
#define PST_PASS_MAX	1024	/* passphrase bytes the shell sends */
#define PST_KEYS	2048	/* key files in the buffer: after the passphrase */
#define PST_KEYS_MAX	16384	/* their bytes, at most */
#define PST_RCPT_MAX	8	/* recipients of one vault */

#define PST_EINVAL	(-1)	/* malformed request */
#define PST_ESTATE	(-2)	/* out of order: no buffer, no save or restore open */
#define PST_ENODEV	(-3)	/* no block driver, or no partition */
#define PST_EIO		(-4)	/* the disk failed; nothing was changed */
#define PST_ENOVAULT	(-5)	/* the partition holds no valid vault */
#define PST_EPASS	(-6)	/* wrong passphrase */
#define PST_EDAMAGED	(-7)	/* the vault fails its checks */
#define PST_ENOMEM	(-8)	/* not enough memory (the KDF's, or a buffer) */
#define PST_ESPACE	(-9)	/* the vault does not fit in a slot */
#define PST_EROLLBACK	(-10)	/* older than the rollback counter allows */
#define PST_EBADOP	(-11)	/* unknown operation */

#endif
