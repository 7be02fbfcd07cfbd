/*
 * The one network interface: lwIP's Ethernet netif over two packet rings
 * shared with a NIC driver (lib/pktring, user/lib/netdev.h). Frames the
 * driver put in the receive ring go into lwIP; frames lwIP sends go into
 * the transmit ring, padded to Ethernet's 60-byte minimum.
 */
#ifndef LIB_NET_ETH_H
#define LIB_NET_ETH_H

#include <stdint.h>

#include "lib/pktring/pktring.h"
#include "lwip/netif.h"

struct net_counters {
	uint64_t rx_frames, rx_bytes, tx_frames, tx_bytes;
	uint64_t rx_nobuf;	/* received frames dropped: no pbuf */
	uint64_t tx_full;	/* frames not sent: the transmit ring was full */
	uint64_t ring_bad;	/* malformed slots or indices from the driver */
};

struct net_eth {
	struct netif netif;
	struct pkt_ring rx, tx;
	struct net_counters c;
	void (*kick)(void *ctx);	/* tell the driver the transmit ring moved */
	void *kick_ctx;
	int kicked;			/* frames were put since the last kick */
};

/*
 * Adds the interface with address mac, over the rings at rx and tx (the
 * caller created them with pkt_ring_init or attaches to its peer's). With
 * ip 0 the interface asks DHCP for an address; otherwise the address is
 * fixed (host tests), with mask and gateway. The interface is up, its link
 * down until net_eth_link.
 */
int net_eth_add(struct net_eth *e, const uint8_t mac[6], void *rx, void *tx,
    uint32_t ip, uint32_t mask, uint32_t gw);
void net_eth_link(struct net_eth *e, int up);
/*
 * Feeds up to PKT_SLOTS received frames into lwIP; how many there were.
 * Then calls kick if lwIP's replies put frames in the transmit ring.
 */
int net_eth_poll(struct net_eth *e);
/* Gives one frame (len bytes) to lwIP as if received: the fuzzer's entry. */
void net_eth_input(struct net_eth *e, const void *frame, uint32_t len);
/* Calls kick once if frames were put since the last call. */
void net_eth_flush(struct net_eth *e);

#endif
