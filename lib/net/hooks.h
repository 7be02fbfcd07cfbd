/*
 * What lwIP's hooks (lwipopts.h) call: lib/net/port.c. Included by lwIP
 * itself through LWIP_HOOK_FILENAME.
 */
#ifndef LIB_NET_HOOKS_H
#define LIB_NET_HOOKS_H

#include "lwip/ip_addr.h"

/* The RFC 6528 initial sequence number of a connection. */
uint32_t net_tcp_isn(const ip_addr_t *local_ip, uint16_t local_port,
    const ip_addr_t *remote_ip, uint16_t remote_port);

#endif
