/*
 * The shell's way to the wallet (user/wallet, docs/ledger.md "The
 * wallet inside NØNOS"). The wallet is a service holding a capability
 * to oniond; the shell holds only a client capability to it (init:
 * client:wallet) and forwards `wallet ...`.
 *
 * WALLET_SETBUF (TAG_CAP) hands the wallet a frame of WALLET_BUF bytes
 * the shell keeps mapped; WALLET_SETFS (TAG_CAP) a ramfs capability for
 * the shell's directory WALLET_DIR (rfs_grant), the only files the
 * wallet reaches: its key and settings, in the shell's tree and so in
 * its vault. WALLET_RUN (w0 = n) runs the command whose words are in
 * the frame's first n bytes, each ended by a NUL; the
 * reply is (status, output length) with the output text in the frame:
 * status 0 success, 1 a failure the text explains, negative a
 * protocol error (WALLET_E*). The call returns when the command has
 * run, which may take seconds through Tor.
 */
#ifndef USER_LIB_WALLET_H
#define USER_LIB_WALLET_H

#define WALLET_BUF	65536	/* bytes in the shared frame: 16 pages */
#define WALLET_ARGS	16	/* words in a command, its name included */
#define WALLET_DIR	"wallet"	/* the shell's: key, nodes, chain */

enum wallet_op {
	WALLET_SETBUF = 1,
	WALLET_SETFS,
	WALLET_RUN,
};

#define WALLET_ENOBUF	(-1)	/* no frame or directory (a restarted
				   wallet): set both again */
#define WALLET_EINVAL	(-2)	/* not a list of NUL-ended words, or too many */
#define WALLET_EBADOP	(-3)	/* unknown operation, or no frame capability */

#endif
