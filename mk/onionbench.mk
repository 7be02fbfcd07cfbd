# mk/onionbench.mk: what bench/onion's in-guest phase (bench/onion/guest)
# boots besides build/onion-test/nonos.img (mk/oniond.mk):
#   $(B)/bench/onion-initrd.img  busybox, bench/onion/init, Debian's tor and
#                                curl with their shared libraries, and the
#                                virtio-net modules (bench/onion/mkinitrd)
# bench/onion/guest appends the run's torrc to it and makes the disk with
# bench/boot/mklinuximage. The chainloader and the modules' list are
# mk/bench.mk's and mk/netbench.mk's.

ONIONB_TOOLS := /usr/sbin/tor /usr/bin/curl

$(ONIONB_TOOLS):
	@echo "$@ is missing: the Debian packages tor and curl provide it" >&2
	@exit 1

$(BENCH_DIR)/onion-initrd.img: bench/onion/init bench/onion/mkinitrd $(NETB_MODULES) \
		$(ONIONB_TOOLS) $(BUSYBOX)
	@mkdir -p $(@D)
	@echo "  CPIO        $@"
	@bench/onion/mkinitrd $@ bench/onion/init $(NETB_MODULES)

bench: $(BENCH_DIR)/onion-initrd.img $(BENCH_DIR)/linuxboot.efi
