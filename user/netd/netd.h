/*
 * netd's pieces: the NIC driver link (driver.c), the client protocol
 * (serve.c) and the stack's thread (main.c), which seeds lib/net from
 * the kernel's generator (SYS_RANDOM). lwIP runs single-threaded: every call into it holds
 * stack_lock.
 */
#ifndef USER_NETD_NETD_H
#define USER_NETD_NETD_H

#include "lib/net/eth.h"
#include "lib/net/port.h"
#include "user/lib/nonos.h"

#define SLOT_SERVE	16	/* our endpoint (init: serve:netd) */
#define SLOT_RECV	17	/* a client's capability arriving */
#define SLOT_DRIVER	18	/* NIC drivers' endpoints (init: client:virtionet, */
#define SLOT_DRIVER2	19	/* client:e1000e); the first one running is used */
#define SLOT_EVENTS	20	/* our notification: driver, timer */
#define SLOT_DRV_GIVE	21	/* SLOT_EVENTS badged for the driver */
#define SLOT_TIMER	22	/* SLOT_EVENTS badged for the timer */
#define SLOT_DRV_NOTE	23	/* the driver's notification */
#define SLOT_RXRING	24
#define SLOT_TXRING	25
#define SLOT_STACK_THR	26	/* the stack's thread */
#define SLOT_LOCK_NOTE	27	/* stack_lock's waiter sleeps on it */
#define SLOT_BUF0	64	/* client b's frame: SLOT_BUF0 + b */
#define SLOT_NOTE0	96	/* client b's notification: SLOT_NOTE0 + b */
#define CLIENTS		16	/* badges 1..CLIENTS-1 (init: holder index + 1) */

#define RX_VA		0x0000100000000000ULL	/* the receive ring */
#define TX_VA		(RX_VA + PKT_RING_BYTES)	/* the transmit ring */
#define BUF_VA		0x0000200000000000ULL	/* client b's buffer at BUF_VA + b * NET_BUF */

#define BIT_DRIVER	1
#define BIT_TIMER	2

extern volatile int stack_lock;
/*
 * stack_lock: the stack thread holds it through a ring of frames, so a
 * waiter sleeps rather than yields (user/lib/lock.c).
 */
void	stack_take(void);
void	stack_give(void);
extern volatile int serving_started, serving_busy;	/* serve.c's thread */
extern struct net_eth eth;
extern int have_driver;
extern uint8_t our_mac[6];
extern uint64_t drv_stats[4];	/* the driver's NETDEV_STATS, refreshed now and then */

/* driver.c: makes and maps both rings (empty); 0 or an error. */
int64_t rings_make(void);
/* driver.c: hands the driver the rings, our notification and MAC, and
   starts it; 0 or a negative error. */
int64_t driver_attach(void);
/* driver.c: asks the driver for link state and counters; link up or 0. */
int driver_poll(void);
/* serve.c: the client protocol, on the main thread (never returns). */
_Noreturn void serve_forever(void);
/* serve.c: lib/net's wake callback. */
void client_wake(uint32_t owner);

#endif
