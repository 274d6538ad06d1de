// What bench/ssh.mjs takes from the plugin's sources (built with rolldown by the bench).
export { sshRoute } from "../src/virsh/route";
export { multiplexedArgv, sshArgv } from "../pkg/lib/ssh";
export * as v from "../src/virsh/argv";
