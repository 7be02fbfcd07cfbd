/*
 * lwIP's configuration for netd (and the host tests and fuzzer, which run
 * the same stack): NO_SYS, the raw API, one thread, IPv4 with ARP, DHCP
 * and TCP; no sockets, no DNS (names are resolved by the onion service's
 * exits, never here), no IPv6, no multicast.
 *
 * Privacy settings (docs/net.md, "netd", says how each is tested):
 * initial sequence numbers from a per-boot keyed hash (RFC 6528,
 * net_tcp_isn), every random number lwIP draws from net_rand (seeded
 * from the platform's entropy), no TCP timestamps (they count uptime), no
 * host name in DHCP requests. Throughput: MSS 1460, window scaling, a
 * 256 KiB receive window.
 */
#ifndef LIB_NET_LWIPOPTS_H
#define LIB_NET_LWIPOPTS_H

#define NO_SYS				1
#define SYS_LIGHTWEIGHT_PROT		0
#define LWIP_SOCKET			0
#define LWIP_NETCONN			0
#define LWIP_TIMERS			1

/* Memory: lwIP's own heap and pools, no malloc. */
#define MEM_LIBC_MALLOC			0
#define MEMP_MEM_MALLOC			0
#define MEM_ALIGNMENT			8
#define MEM_SIZE			(1024 * 1024)
#define MEMP_NUM_TCP_PCB		32
#define MEMP_NUM_TCP_PCB_LISTEN		8
#define MEMP_NUM_UDP_PCB		4
#define MEMP_NUM_PBUF			64
#define MEMP_NUM_TCP_SEG		1024
#define MEMP_NUM_REASSDATA		4
#define MEMP_NUM_ARP_QUEUE		16
#define PBUF_POOL_SIZE			512
#define PBUF_POOL_BUFSIZE		1536

/* Interfaces and protocols. */
#define LWIP_ARP			1
#define LWIP_ETHERNET			1
#define LWIP_IPV4			1
#define LWIP_IPV6			0
#define LWIP_ICMP			0	/* no echo replies, no unreachables: nothing that answers a stranger */
#define LWIP_RAW			0
#define LWIP_UDP			1
#define LWIP_TCP			1
#define LWIP_DNS			0
#define LWIP_IGMP			0
#define LWIP_AUTOIP			0
#define LWIP_DHCP			1
#define DHCP_DOES_ARP_CHECK		0
#define LWIP_NETIF_HOSTNAME		0	/* DHCP sends no host name */
#define LWIP_NETIF_STATUS_CALLBACK	1
#define LWIP_NETIF_LINK_CALLBACK	1
#define LWIP_NETIF_LOOPBACK		0
#define LWIP_SINGLE_NETIF		1
#define IP_REASSEMBLY			1
#define IP_FRAG				0	/* TCP never needs it with MSS 1460 */
#define ETHARP_SUPPORT_STATIC_ENTRIES	0
#define LWIP_STATS			1
#define LWIP_STATS_DISPLAY		0
#define LWIP_CHECKSUM_ON_COPY		1

/* TCP tuned for throughput. TCP_WND is kept in our own receive buffer
   (lib/net/conn.c), so the pool need not hold a whole window. */
#define TCP_MSS				1460
#define LWIP_WND_SCALE			1
#define TCP_RCV_SCALE			3
#define TCP_WND				(256 * 1024)
#define TCP_SND_BUF			(128 * 1024)
#define TCP_SND_QUEUELEN		(4 * TCP_SND_BUF / TCP_MSS)
#define TCP_SNDLOWAT			(TCP_SND_BUF / 4)	/* lwIP keeps it below 64 KiB */
#define TCP_QUEUE_OOSEQ			1
#define TCP_OOSEQ_MAX_PBUFS		256
#define TCP_LISTEN_BACKLOG		1
#define TCP_DEFAULT_LISTEN_BACKLOG	8
#define LWIP_TCP_KEEPALIVE		1
#define LWIP_TCP_TIMESTAMPS		0	/* they would leak uptime */
#define LWIP_TCP_SACK_OUT		0
#define TCP_OVERSIZE			TCP_MSS
#define LWIP_TCP_PCB_NUM_EXT_ARGS	0
#define LWIP_CALLBACK_API		1

/* Randomness and RFC 6528 sequence numbers: lib/net/port.c. */
#define LWIP_RAND()			net_rand()
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
#define LWIP_HOOK_FILENAME		"lib/net/hooks.h"
#define LWIP_HOOK_TCP_ISN(lip, lport, rip, rport) net_tcp_isn(lip, lport, rip, rport)

#endif
