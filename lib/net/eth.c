/*
 * The Ethernet interface over packet rings (see eth.h). The driver is
 * not trusted: lib/pktring checks every index and length it writes, and
 * lwIP parses every frame as it would from a wire.
 */
#include "lib/libc/string.h"
#include "lib/net/eth.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#define ETH_MIN_FRAME	60	/* without the FCS; shorter frames are padded */

static err_t
linkoutput(struct netif *netif, struct pbuf *p)
{
	struct net_eth *e = netif->state;
	uint8_t frame[PKT_MAX];
	uint16_t len = p->tot_len;

	if (len > PKT_MAX)
		return ERR_VAL;
	pbuf_copy_partial(p, frame, len, 0);
	if (len < ETH_MIN_FRAME) {
		memset(frame + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	if (pkt_put(&e->tx, frame, len) != 0) {
		e->c.tx_full++;
		return ERR_MEM;		/* TCP retransmits; ARP and DHCP retry */
	}
	e->c.tx_frames++;
	e->c.tx_bytes += len;
	e->kicked = 1;
	return ERR_OK;
}

static err_t
eth_netif_init(struct netif *netif)
{
	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->mtu = 1500;
	netif->hwaddr_len = 6;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif->output = etharp_output;
	netif->linkoutput = linkoutput;
	return ERR_OK;
}

int
net_eth_add(struct net_eth *e, const uint8_t mac[6], void *rx, void *tx,
    uint32_t ip, uint32_t mask, uint32_t gw)
{
	ip4_addr_t a, m, g;

	pkt_ring_attach(&e->rx, rx);
	pkt_ring_attach(&e->tx, tx);
	memset(&e->c, 0, sizeof(e->c));
	e->kicked = 0;
	ip4_addr_set_u32(&a, ip);
	ip4_addr_set_u32(&m, mask);
	ip4_addr_set_u32(&g, gw);
	memcpy(e->netif.hwaddr, mac, 6);
	if (netif_add(&e->netif, &a, &m, &g, e, eth_netif_init, ethernet_input) == NULL)
		return -1;
	memcpy(e->netif.hwaddr, mac, 6);
	netif_set_default(&e->netif);
	netif_set_up(&e->netif);
	if (ip == 0 && dhcp_start(&e->netif) != ERR_OK)
		return -1;
	return 0;
}

void
net_eth_link(struct net_eth *e, int up)
{
	if (up)
		netif_set_link_up(&e->netif);
	else
		netif_set_link_down(&e->netif);
}

void
net_eth_input(struct net_eth *e, const void *frame, uint32_t len)
{
	struct pbuf *p;

	if (len < PKT_MIN || len > PKT_MAX)
		return;
	if ((p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL)) == NULL) {
		e->c.rx_nobuf++;
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	e->c.rx_frames++;
	e->c.rx_bytes += len;
	if (e->netif.input(p, &e->netif) != ERR_OK)
		pbuf_free(p);
}

int
net_eth_poll(struct net_eth *e)
{
	uint8_t frame[PKT_MAX];
	int n, got = 0;

	/* At most one ring's worth: a flood cannot starve the rest of netd. */
	for (uint32_t i = 0; i < PKT_SLOTS; i++) {
		n = pkt_get(&e->rx, frame, sizeof(frame));
		if (n == 0)
			break;
		got++;
		if (n > 0)
			net_eth_input(e, frame, (uint32_t)n);
	}
	e->c.ring_bad = (uint64_t)e->rx.bad + e->tx.bad;
	net_eth_flush(e);
	return got;
}

void
net_eth_flush(struct net_eth *e)
{
	if (e->kicked && e->kick != NULL)
		e->kick(e->kick_ctx);
	e->kicked = 0;
}
