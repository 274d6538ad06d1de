// The processes a daemon we started starts in turn, so that stopping it leaves none behind.
// cockpit-bridge starts a session dbus-daemon and an ssh-agent; when cockpit-ws ends the bridge
// they are re-parented to init and would run on. A tracker remembers every descendant it has seen
// (PID and start time, so a reused PID is never hit) and ends exactly those, by PID.
import { readdirSync, readFileSync } from "node:fs";

/** pid → { ppid, start } for every process, from /proc/PID/stat. */
function table() {
    const t = new Map();
    for (const name of readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        try {
            // the command name is in parentheses and may hold spaces or ")": fields follow the last ")"
            const stat = readFileSync(`/proc/${name}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            t.set(Number(name), { ppid: Number(fields[1]), start: fields[19] });
        } catch {
            /* ended meanwhile */
        }
    }
    return t;
}

/** The descendants of `pid` now, as { pid, start }. */
export function descendants(pid) {
    const t = table();
    const found = [];
    const queue = [pid];
    while (queue.length) {
        const parent = queue.shift();
        for (const [p, info] of t)
            if (info.ppid === parent) {
                found.push({ pid: p, start: info.start });
                queue.push(p);
            }
    }
    return found;
}

/** Watches `pid`'s descendants every `everyMs`; `end()` sends SIGTERM to each one seen that still runs. */
export function trackDescendants(pid, everyMs = 1000) {
    const seen = new Map();
    const look = () => {
        for (const d of descendants(pid)) seen.set(d.pid, d.start);
    };
    look();
    const timer = setInterval(look, everyMs);
    timer.unref?.();
    return {
        look,
        end() {
            clearInterval(timer);
            look();
            const now = table();
            for (const [p, start] of seen) {
                if (now.get(p)?.start !== start) continue;
                try {
                    process.kill(p, "SIGTERM");
                } catch {
                    /* gone */
                }
            }
        },
    };
}
