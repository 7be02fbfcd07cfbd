/*
 * nonos-ledger's shared pieces: argument parsers, the genesis file, and
 * the chain directory (DIR/genesis, DIR/blocks/NNNNNNNN, DIR/hashes)
 * replayed into a ledger.
 */
#ifndef TOOLS_NONOS_LEDGER_LEDGER_TOOL_H
#define TOOLS_NONOS_LEDGER_LEDGER_TOOL_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ledger/ledger.h"

#define GENESIS_MAX	(1 << 20)
#define BLOCK_MAX	((size_t)L_MAX_BLOCK_TXS * TX_MAX_LEN + BLOCK_HEADER_LEN)

/* Each returns 0, or -1 after a message naming what (e.g. "--amount"). */
int parse_u128(const char *what, const char *s, u128 *v);
int parse_u64(const char *what, const char *s, uint64_t *v);
int parse_u32(const char *what, const char *s, uint32_t *v);
/* A key: 64 hex digits, or a nonos-sign public key file. */
int parse_key(const char *what, const char *s, uint8_t key[L_KEY]);
int parse_hex(const char *what, const char *s, uint8_t *out, size_t n);

/* Decimal text of v (at most 40 digits and a NUL). */
void u128_text(u128 v, char out[41]);
void print_hex(const uint8_t *p, size_t n);

/* Reads a genesis file into params and a fresh ledger. */
int load_genesis(const char *path, struct ledger_params *p, struct ledger *l);

/*
 * Replays the chain in dir into *l (scratch is working space). With
 * check, compares every state hash to DIR/hashes and the invariants
 * after every block; with print, prints "height state-hash" lines.
 * l->height is then the number of blocks. 0, or -1 after a message.
 */
int load_chain(const char *dir, struct ledger *l, struct ledger *scratch,
    int check, int print);

int cmd_init(int argc, char **argv);
int cmd_block(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_query(int argc, char **argv);

#endif
