/*
 * Contributions and governance: receipts paid from the reward pool on
 * k-of-n reviewer approval, which also earn reputation (never
 * transferred; halving every rep_half_life epochs); proposals decided by
 * quadratic voting with reputation-weighted voice credits; quadratic
 * funding rounds from the treasury (capital-constrained: matches scaled
 * down to the pool).
 */
#include <string.h>

#include "lib/ledger/ledger.h"
#include "lib/ledger/state.h"

static uint64_t
epoch(const struct ledger *l)
{
	return l->height / l->p.epoch_blocks;
}

u128
ledger_reputation(const struct ledger *l, uint32_t account, uint64_t e)
{
	const struct ledger_account *a = &l->accounts[account];
	uint64_t halvings;

	if (e < a->rep_epoch)
		return a->rep;
	halvings = (e - a->rep_epoch) / l->p.rep_half_life;
	return halvings >= 128 ? 0 : a->rep >> halvings;
}

/* Brings rep to epoch e, keeping rep_epoch on a half-life boundary. */
static void
decay(struct ledger *l, uint32_t account, uint64_t e)
{
	struct ledger_account *a = &l->accounts[account];
	uint64_t halvings;

	if (e < a->rep_epoch)
		return;
	halvings = (e - a->rep_epoch) / l->p.rep_half_life;
	a->rep = halvings >= 128 ? 0 : a->rep >> halvings;
	a->rep_epoch += halvings * l->p.rep_half_life;
}

u128
ledger_voice_credits(const struct ledger_params *p, u128 rep)
{
	u128 w;

	if (mul_div(p->kappa_num, rep, p->kappa_den, ROUND_DOWN, &w) ||
	    w > p->credits_cap)
		w = p->credits_cap;
	return p->credits_base + w;
}

static uint32_t
reviewer_index(const struct ledger *l, uint32_t account)
{
	for (uint32_t r = 0; r < l->p.nreviewers; r++)
		if (memcmp(l->p.reviewers[r], l->accounts[account].key, L_KEY) == 0)
			return r;
	return L_NONE;
}

static int
popcount(uint32_t x)
{
	int n = 0;

	for (; x != 0; x &= x - 1)
		n++;
	return n;
}

/*
 * Body: k contributor, h the contribution's hash, a the reward. Each
 * reviewer approves once; the k-th approval of the same (contributor,
 * hash, reward) pays the reward from the pool and adds reward /
 * rep_divisor to the contributor's reputation.
 */
static int
receipt_approve(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	uint32_t r = reviewer_index(l, payer), who, i;
	struct ledger_receipt *rc = NULL;
	struct ledger_account *a;
	u128 gain;
	int err;

	if (r == L_NONE)
		return L_EPERM;
	if (b->a == 0)
		return L_EPARAM;
	if ((who = account_get(l, b->key)) == L_NONE)
		return L_EFULL;
	for (i = 0; i < l->nreceipts && rc == NULL; i++)
		if (l->receipts[i].contributor == who &&
		    memcmp(l->receipts[i].hash, b->hash, L_HASH) == 0)
			rc = &l->receipts[i];
	if (rc == NULL) {
		if (l->nreceipts == L_MAX_RECEIPTS)
			return L_EFULL;
		rc = &l->receipts[l->nreceipts++];
		memset(rc, 0, sizeof *rc);
		rc->contributor = who;
		rc->reward = b->a;
		memcpy(rc->hash, b->hash, L_HASH);
	}
	if (rc->reward != b->a)
		return L_EPARAM;
	if (rc->paid || (rc->approvals & 1u << r))
		return L_ESTATE;
	rc->approvals |= 1u << r;
	if (popcount(rc->approvals) < (int)l->p.review_quorum)
		return L_OK;
	if ((err = move(l, L_REWARDS, who, L_NATIVE, b->a)) != L_OK)
		return err;
	rc->paid = 1;
	decay(l, who, epoch(l));
	a = &l->accounts[who];
	if (mul_div(b->a, 1, l->p.rep_divisor, ROUND_DOWN, &gain) ||
	    add_ok(a->rep, gain, &a->rep))
		return L_EOVERFLOW;
	return L_OK;
}

/* The parameters governance may change, and their bounds. */
enum { PARAM_BASE_FEE_MIN = 1, PARAM_BURN_BPS, PARAM_EMISSION_VALIDATOR_BPS,
	PARAM_QUORUM_VOTES, PARAM_CREDITS_BASE, PARAM_CREDITS_CAP };

static int
param_ok(uint32_t param, u128 v)
{
	switch (param) {
	case PARAM_BASE_FEE_MIN:
		return v >= 1;
	case PARAM_BURN_BPS:
	case PARAM_EMISSION_VALIDATOR_BPS:
		return v <= L_BPS;
	case PARAM_QUORUM_VOTES:
	case PARAM_CREDITS_BASE:
	case PARAM_CREDITS_CAP:
		return v <= ((u128)1 << 64);
	}
	return 0;
}

static void
param_set(struct ledger *l, uint32_t param, u128 v)
{
	switch (param) {
	case PARAM_BASE_FEE_MIN: l->p.base_fee_min = v; break;
	case PARAM_BURN_BPS: l->p.burn_bps = (uint16_t)v; break;
	case PARAM_EMISSION_VALIDATOR_BPS:
		l->p.emission_validator_bps = (uint16_t)v;
		break;
	case PARAM_QUORUM_VOTES: l->p.quorum_votes = v; break;
	case PARAM_CREDITS_BASE: l->p.credits_base = v; break;
	case PARAM_CREDITS_CAP: l->p.credits_cap = v; break;
	}
}

/* The identity gate: only accounts with reputation take part. */
static int
gated(struct ledger *l, uint32_t account)
{
	return ledger_reputation(l, account, epoch(l)) > 0;
}

/* Body: i kind, j parameter, a value or amount, k recipient. */
static int
propose(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_proposal *p;
	uint32_t to = 0;

	if (!gated(l, payer))
		return L_EPERM;
	switch (b->id) {
	case PROP_PARAM:
		if (!param_ok(b->id2, b->a))
			return L_EPARAM;
		break;
	case PROP_SPEND:
		if (b->a == 0)
			return L_EPARAM;
		if ((to = account_get(l, b->key)) == L_NONE)
			return L_EFULL;
		break;
	case PROP_ROUND:
		if (b->a == 0)
			return L_EPARAM;
		break;
	default:
		return L_EPARAM;
	}
	if (l->nproposals == L_MAX_PROPOSALS)
		return L_EFULL;
	p = &l->proposals[l->nproposals++];
	memset(p, 0, sizeof *p);
	p->kind = b->id;
	p->param = b->id2;
	p->recipient = to;
	p->value = b->a;
	p->state = PROP_OPEN;
	p->end = l->height + l->p.voting_period;
	return L_OK;
}

/*
 * Body: i proposal, j 1 for yes or 0 for no, a the number of votes v,
 * costing v² of this epoch's voice credits. One ballot per account per
 * proposal.
 */
static int
vote(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	struct ledger_proposal *p;
	struct ledger_account *a = &l->accounts[payer];
	uint64_t e = epoch(l);
	u128 cost, credits, spent;

	if (b->id >= l->nproposals)
		return L_ENOENT;
	p = &l->proposals[b->id];
	if (p->state != PROP_OPEN || l->height >= p->end)
		return L_ESTATE;
	if (b->id2 > 1 || b->a == 0 || b->a > UINT32_MAX)
		return L_EPARAM;
	if (!gated(l, payer))
		return L_EPERM;
	for (uint32_t i = 0; i < l->nvotes; i++)
		if (l->votes[i].account == payer && l->votes[i].proposal == b->id)
			return L_ESTATE;
	if (l->nvotes == L_MAX_VOTES)
		return L_EFULL;
	decay(l, payer, e);
	credits = ledger_voice_credits(&l->p, a->rep);
	spent = a->credits_epoch == e ? a->credits_spent : 0;
	cost = b->a * b->a;		/* b->a < 2^32 */
	if (add_ok(spent, cost, &spent) || spent > credits)
		return L_EFUNDS;
	a->credits_epoch = e;
	a->credits_spent = spent;
	l->votes[l->nvotes].account = payer;
	l->votes[l->nvotes].proposal = b->id;
	l->nvotes++;
	if (add_ok(b->id2 ? p->yes : p->no, b->a, b->id2 ? &p->yes : &p->no))
		return L_EOVERFLOW;
	return L_OK;
}

/*
 * Runs a passed proposal, setting its state: FAILED if the treasury
 * cannot pay (or no round slot is free). Returns an error only for a
 * state-table failure, which refuses the transaction (and block) whole.
 */
static int
carry_out(struct ledger *l, struct ledger_proposal *p)
{
	struct ledger_round *r;
	int err;

	p->state = PROP_FAILED;
	switch (p->kind) {
	case PROP_PARAM:
		param_set(l, p->param, p->value);
		break;
	case PROP_SPEND:
		if (ledger_balance(l, L_TREASURY, L_NATIVE) < p->value)
			return L_OK;
		if ((err = move(l, L_TREASURY, p->recipient, L_NATIVE,
		    p->value)) != L_OK)
			return err;
		break;
	case PROP_ROUND:
		if (l->nrounds == L_MAX_ROUNDS ||
		    ledger_balance(l, L_TREASURY, L_NATIVE) < p->value)
			return L_OK;
		if ((err = debit(l, L_TREASURY, L_NATIVE, p->value)) != L_OK)
			return err;
		r = &l->rounds[l->nrounds++];
		r->matching = p->value;
		r->end = l->height + l->p.qf_period;
		r->state = 0;
		break;
	default:
		return L_OK;
	}
	p->state = PROP_PASSED;
	return L_OK;
}

/*
 * A decided proposal's ballots are no longer needed (they only stop
 * double voting while it is open): dropped, the rest kept in order, so
 * the ballot table holds open proposals' ballots only.
 */
static void
drop_ballots(struct ledger *l, uint32_t proposal)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < l->nvotes; i++)
		if (l->votes[i].proposal != proposal)
			l->votes[n++] = l->votes[i];
	memset(&l->votes[n], 0, (l->nvotes - n) * sizeof l->votes[0]);
	l->nvotes = n;
}

/* Body: i proposal. From its end height on: yes > no and quorum reached. */
static int
execute(struct ledger *l, const struct tx_body *b)
{
	struct ledger_proposal *p;
	u128 turnout;

	if (b->id >= l->nproposals)
		return L_ENOENT;
	p = &l->proposals[b->id];
	if (p->state != PROP_OPEN || l->height < p->end)
		return L_ESTATE;
	drop_ballots(l, b->id);
	if (add_ok(p->yes, p->no, &turnout) || turnout < l->p.quorum_votes ||
	    p->yes <= p->no) {
		p->state = PROP_REJECTED;
		return L_OK;
	}
	return carry_out(l, p);
}

/*
 * Body: i round, k project, a amount. Held by the round until it is
 * finalised; the project's Σ isqrt(per-contributor total) is kept
 * current.
 */
static int
qf_contribute(struct ledger *l, const struct tx_body *b, uint32_t payer)
{
	uint32_t who, pj = L_NONE, g = L_NONE;
	struct ledger_project *p;
	u128 old, sum;
	int err;

	if (b->id >= l->nrounds)
		return L_ENOENT;
	if (l->rounds[b->id].state != 0 || l->height >= l->rounds[b->id].end)
		return L_ESTATE;
	if (b->a == 0)
		return L_EPARAM;
	if ((who = account_get(l, b->key)) == L_NONE)
		return L_EFULL;
	for (uint32_t i = 0; i < l->nprojects && pj == L_NONE; i++)
		if (l->projects[i].round == b->id && l->projects[i].account == who)
			pj = i;
	if (pj == L_NONE) {
		if (l->nprojects == L_MAX_PROJECTS)
			return L_EFULL;
		pj = l->nprojects++;
		memset(&l->projects[pj], 0, sizeof l->projects[pj]);
		l->projects[pj].round = b->id;
		l->projects[pj].account = who;
	}
	for (uint32_t i = 0; i < l->ngifts && g == L_NONE; i++)
		if (l->gifts[i].project == pj && l->gifts[i].contributor == payer)
			g = i;
	if (g == L_NONE) {
		if (l->ngifts == L_MAX_GIFTS)
			return L_EFULL;
		g = l->ngifts++;
		l->gifts[g].project = pj;
		l->gifts[g].contributor = payer;
		l->gifts[g].amount = 0;
	}
	p = &l->projects[pj];
	old = l->gifts[g].amount;
	if ((err = debit(l, payer, L_NATIVE, b->a)) != L_OK)
		return err;
	if (add_ok(old, b->a, &sum) || add_ok(p->total, b->a, &p->total))
		return L_EOVERFLOW;
	l->gifts[g].amount = sum;
	p->sum_sqrt = p->sum_sqrt - isqrt(old) + isqrt(sum);
	return L_OK;
}

/* A project's ideal match, (Σ√c)² − Σc, at least 0, saturating. */
static u128
ideal_match(const struct ledger_project *p)
{
	u128 sq;

	if (mul_ok(p->sum_sqrt, p->sum_sqrt, &sq))
		return U128_MAX;
	return sq > p->total ? sq - p->total : 0;
}

/*
 * Body: i round. From its end on: each project gets its contributions
 * and its ideal match, all matches scaled by matching / Σ ideal (rounded
 * down) when they exceed the pool; what is left goes to the treasury.
 */
static int
qf_finalize(struct ledger *l, const struct tx_body *b)
{
	struct ledger_round *r;
	u128 total = 0, left, m;
	int err;

	if (b->id >= l->nrounds)
		return L_ENOENT;
	r = &l->rounds[b->id];
	if (r->state != 0 || l->height < r->end)
		return L_ESTATE;
	for (uint32_t i = 0; i < l->nprojects; i++)
		if (l->projects[i].round == b->id &&
		    add_ok(total, ideal_match(&l->projects[i]), &total))
			total = U128_MAX;
	left = r->matching;
	r->state = 1;
	for (uint32_t i = 0; i < l->nprojects; i++) {
		struct ledger_project *p = &l->projects[i];

		if (p->round != b->id)
			continue;
		m = ideal_match(p);
		if (total > r->matching &&
		    mul_div(m, r->matching, total, ROUND_DOWN, &m))
			return L_EOVERFLOW;
		if (m > left)	/* only when saturated sums distort the scale */
			m = left;
		left -= m;
		if ((err = credit(l, p->account, L_NATIVE, p->total)) != L_OK ||
		    (err = credit(l, p->account, L_NATIVE, m)) != L_OK)
			return err;
	}
	return credit(l, L_TREASURY, L_NATIVE, left);
}

int
apply_gov(struct ledger *l, const struct ledger_tx *tx, uint32_t payer)
{
	switch (tx->type) {
	case TX_RECEIPT_APPROVE:
		return receipt_approve(l, &tx->body, payer);
	case TX_PROPOSE:
		return propose(l, &tx->body, payer);
	case TX_VOTE:
		return vote(l, &tx->body, payer);
	case TX_EXECUTE:
		return execute(l, &tx->body);
	case TX_QF_CONTRIBUTE:
		return qf_contribute(l, &tx->body, payer);
	case TX_QF_FINALIZE:
		return qf_finalize(l, &tx->body);
	}
	return L_EFORMAT;
}
