// What bench/plan-count.mjs takes from the plugin's sources (built with rolldown by the bench): the plan's
// gather with the page's Runner layers, over a Runner that runs each argv here with node's child_process.
export { gather, hostRefs } from "../src/plan/gather";
export { DEFAULT_POLICY } from "../src/preflight/policy";
export { readsOnly, SshVirshRunner } from "../src/virsh/route";
export { CoalescingRunner } from "../pkg/lib/coalesce";
export { ThrottledRunner } from "../pkg/lib/throttle";
export { targetArgv } from "../pkg/lib/cockpit-runner";
export { toRunError, checkArgv } from "../pkg/lib/runner";
export { parseHostsConfig } from "../src/hosts/config";
