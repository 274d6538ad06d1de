#!/bin/busybox sh
# /init of the lab-dirty guest: dirties dirty_mb=N MiB of RAM per second (kernel command line).
# It keeps to the clock, not to a loop period: ten times a second it reads the guest's uptime and
# writes, in 64 KiB blocks of random data at the next offset of a 96 MiB region (wrapping), what
# N MiB/s since its start asks for and has not been written yet. So a loop slowed down by a busy
# host (a TCG guest forks dd at host speed) writes more per round instead of dirtying less: every
# write changes a page's content and the set of pages written grows by N MiB a second, and
# libvirt's page-sampling dirty rate (page hashes compared at the start and end of the period) sees
# N MiB/s for periods up to 96/N seconds. About each second it prints what it has written and when
# ("lab-dirty: M MiB at T cs, E s": centiseconds since it started, and the epoch) on its console, which
# the lab puts in a file.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/shm && mount -t tmpfs -o size=200m tmpfs /dev/shm
rate=$(sed -n 's/.*dirty_mb=\([0-9]*\).*/\1/p' /proc/cmdline)
rate=${rate:-0}
[ "$rate" -gt 32 ] && rate=32
region=1536                         # 96 MiB in 64 KiB blocks
seed=768                            # 48 MiB in 64 KiB blocks
dd if=/dev/urandom of=/dev/shm/seed bs=1M count=48 2>/dev/null
dd if=/dev/zero of=/dev/shm/dirty bs=1M count=96 2>/dev/null
mount -t sysfs sys /sys 2>/dev/null
echo "lab-dirty: dirtying $rate MiB/s (clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null))"
# centiseconds of uptime, without a fork ("12.05" -> 1205; the 1 prefix keeps "05" from reading as octal)
centis() {
    read -r up _ < /proc/uptime
    echo $(( ${up%.*} * 100 + 1${up#*.} - 100 ))
}
start=$(centis)
written=0                           # 64 KiB blocks written since start
i=0
while true; do
    now=$(centis)
    n=$(( (now - start) * rate * 16 / 100 - written ))
    [ "$n" -gt $(( region / 4 )) ] && n=$(( region / 4 ))   # after a long stall: catch up gradually
    pos=$(( written % region ))
    [ $(( pos + n )) -gt "$region" ] && n=$(( region - pos ))
    if [ "$n" -gt 0 ]; then
        dd if=/dev/shm/seed of=/dev/shm/dirty bs=64K count="$n" skip=$(( (i * 7) % (seed - n) )) \
            seek="$pos" conv=notrunc 2>/dev/null
        written=$(( written + n ))
    fi
    i=$((i + 1))
    [ $(( i % 10 )) -eq 0 ] && echo "lab-dirty: $(( written / 16 )) MiB at $(( now - start )) cs, $(date +%s) s"
    usleep 100000
done
