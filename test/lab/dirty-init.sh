#!/bin/busybox sh
# /init of the lab-dirty guest: dirties dirty_mb=N MiB of RAM per second (kernel command line).
# Ten times a second it writes N/10 MiB of random data (in 64 KiB blocks) at the next offset of a
# 96 MiB region (wrapping), copied from a moving offset of a seed, so every write changes a page's
# content and the set of pages written grows by N MiB a second, smoothly: libvirt's page-sampling
# dirty rate (page hashes compared at the start and end of the period) then sees N MiB/s for
# periods up to 96/N seconds.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/shm && mount -t tmpfs -o size=200m tmpfs /dev/shm
rate=$(sed -n 's/.*dirty_mb=\([0-9]*\).*/\1/p' /proc/cmdline)
rate=${rate:-0}
[ "$rate" -gt 32 ] && rate=32
region=1536                         # 96 MiB in 64 KiB blocks
seed=768                            # 48 MiB in 64 KiB blocks
chunk=$(( (rate * 16 + 5) / 10 ))   # 64 KiB blocks per tenth of a second
dd if=/dev/urandom of=/dev/shm/seed bs=1M count=48 2>/dev/null
dd if=/dev/zero of=/dev/shm/dirty bs=1M count=96 2>/dev/null
echo "lab-dirty: dirtying $rate MiB/s"
i=0
while true; do
    if [ "$chunk" -gt 0 ]; then
        dd if=/dev/shm/seed of=/dev/shm/dirty bs=64K count="$chunk" skip=$(( (i * 7) % (seed - chunk) )) \
            seek=$(( (i * chunk) % (region - chunk + 1) )) conv=notrunc 2>/dev/null
    fi
    i=$((i + 1))
    usleep 100000
done
