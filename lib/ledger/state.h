/*
 * The state primitives transaction handlers share (internal to
 * lib/ledger). Each returns L_OK or an error; on error the state may be
 * partly changed, which ledger_apply_block's copy undoes.
 */
#ifndef LIB_LEDGER_STATE_H
#define LIB_LEDGER_STATE_H

#include "lib/ledger/ledger.h"

/* The account with key, created if new; L_NONE when the table is full. */
uint32_t account_get(struct ledger *l, const uint8_t key[L_KEY]);
int credit(struct ledger *l, uint32_t account, uint32_t asset, u128 amount);
int debit(struct ledger *l, uint32_t account, uint32_t asset, u128 amount);
int move(struct ledger *l, uint32_t from, uint32_t to, uint32_t asset,
    u128 amount);
/* Takes amount out of the asset's supply (already debited elsewhere). */
int burn(struct ledger *l, uint32_t asset, u128 amount);

/* Transaction handlers, by family; payer is the payer's account. */
int apply_asset(struct ledger *l, const struct ledger_tx *tx, uint32_t payer);
int apply_amm(struct ledger *l, const struct ledger_tx *tx, uint32_t payer);
int apply_contract(struct ledger *l, const struct ledger_tx *tx,
    uint32_t payer);
int apply_stake(struct ledger *l, const struct ledger_tx *tx, uint32_t payer);
int apply_gov(struct ledger *l, const struct ledger_tx *tx, uint32_t payer);

/*
 * Pays a block's validator rewards to the validator of `account`: 0, or
 * -1 if it is none or not active (nothing changed then).
 */
int validator_reward(struct ledger *l, uint32_t account, u128 amount);

#endif
