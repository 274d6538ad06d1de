#!/bin/busybox sh
# /init of the lab-dirty guest: dirties dirty_mb=N MiB of RAM per second (kernel command line).
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/shm && mount -t tmpfs -o size=200m tmpfs /dev/shm
rate=$(sed -n 's/.*dirty_mb=\([0-9]*\).*/\1/p' /proc/cmdline)
rate=${rate:-0}
[ "$rate" -gt 64 ] && rate=64
dd if=/dev/urandom of=/dev/shm/seed bs=1M count=64 2>/dev/null
echo "lab-dirty: dirtying $rate MiB/s"
while true; do
    [ "$rate" -gt 0 ] && dd if=/dev/shm/seed of=/dev/shm/dirty bs=1M count="$rate" conv=notrunc 2>/dev/null
    sleep 1
done
