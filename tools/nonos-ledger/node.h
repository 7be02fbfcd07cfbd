/*
 * nonos-ledger's client of nonos-ledgerd (node.c): a blocking connection
 * speaking lib/ledger/proto.h, and the load generator (load.c).
 */
#ifndef TOOLS_NONOS_LEDGER_NODE_H
#define TOOLS_NONOS_LEDGER_NODE_H

#include <stdint.h>

#include "lib/ledger/proto.h"

struct node_client {
	int fd;				/* -1 when closed */
	char addr[P_MAX_ADDR + 1];
	uint8_t *buf;			/* P_MAX_FRAME bytes for answers */
};

/* 0, or -1 (closed). */
int node_connect(struct node_client *c, const char *addr);
void node_close(struct node_client *c);
/* One request and its answer. 0, or -1 (the connection is closed). */
int node_call(struct node_client *c, const struct proto_msg *req,
    struct proto_msg *resp);
/* node_call, following redirects to the leader (at most 8). */
int node_call_leader(struct node_client *c, const struct proto_msg *req,
    struct proto_msg *resp);

/* `nonos-ledger --node ADDR[,ADDR...] ...`: argv[0] is the command. */
int node_main(int argc, char **argv);
int node_load(const char *nodes, int argc, char **argv);
/* `nonos-ledger loadkeys --seed S -n N`: the load's payer keys. */
int cmd_loadkeys(int argc, char **argv);

#endif
